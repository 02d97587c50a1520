package io.switchboard.bench.compute;

import io.switchboard.apps.overlay.VxlanOverlayApp;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.Stage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DHCP transactions through the vxlan-overlay app's packet-in handler: one operation is a whole DISCOVER -> OFFER,
 * REQUEST -> ACK exchange (frames parsed, endpoint found, replies encoded with checksums, the lease written to the
 * in-memory store), for endpoints taken in turn among {@code endpoints} on one bridge. The per-port budget's clock
 * is advanced a second per message, so the server is measured, not the budget.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DhcpBenchmark {
  @Param("200")
  int endpoints;

  VxlanOverlayApp app;
  BenchSwitch bridge;
  BenchContext ctx;
  List<byte[]> discovers;
  List<byte[]> requests;
  int next;
  final AtomicLong clock = new AtomicLong();

  @Setup
  public void build() throws Exception {
    StringBuilder y = new StringBuilder("""
        apps: [vxlan-overlay]
        overlay:
          hosts: [{name: h1, bridge: br-h1, tunnel-ip: 10.99.0.1}]
          networks:
            - {name: net1, vni: 100, subnet: 10.8.0.0/16, gateway: 10.8.0.1, dhcp: {lease-time: 1h, dns: [10.8.0.53]}}
          endpoints:
        """);
    List<String> ports = new ArrayList<>();
    discovers = new ArrayList<>();
    requests = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      long mac = 0x0200_0000_0000L + i + 1;
      int ip = 0x0a08_0100 + i;
      y.append(String.format("    - {name: e%d, network: net1, host: h1, port: p%d, mac: \"%s\", ip: %s}%n", i, i,
          macText(mac), ipText(ip)));
      ports.add("p" + i);
      discovers.add(frame(mac, i, 1, 0));
      requests.add(frame(mac, i, 3, ip));
    }
    SwitchboardConfig config = ConfigLoader.parse(y.toString(), "dhcp-bench.yaml");
    bridge = BenchSwitch.of(1, "br-h1", ports);
    ctx = new BenchContext(config, List.of(bridge));
    app = new VxlanOverlayApp(() -> clock.addAndGet(1_000_000_000L));
    app.start(ctx);
    for (int i = 0; i < endpoints; i++) {
      discoverOfferRequestAck();
    }
    if (ctx.packetOuts() != 2L * endpoints) { // an OFFER and an ACK each, or the benchmark measures drops
      throw new IllegalStateException("expected " + 2 * endpoints + " replies, got " + ctx.packetOuts());
    }
  }

  @Benchmark
  public long discoverOfferRequestAck() {
    int i = next;
    next = (i + 1) % endpoints;
    long port = bridge.port("p" + i).orElseThrow().number();
    app.onPacketIn(bridge, new PacketIn(port, Stage.CLASSIFY, 100, 0, PacketIn.NO_BUFFER, discovers.get(i)), ctx);
    app.onPacketIn(bridge, new PacketIn(port, Stage.CLASSIFY, 100, 0, PacketIn.NO_BUFFER, requests.get(i)), ctx);
    return ctx.packetOuts();
  }

  /** A broadcast DHCP message from {@code mac}, as udhcpc lays it out; {@code requested} 0 for none. */
  static byte[] frame(long mac, int xid, int type, int requested) {
    ByteBuffer bootp = ByteBuffer.allocate(300);
    bootp.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 0)
        .putShort((short) 0).putInt(0).putInt(0).putInt(0).putInt(0)
        .putShort((short) (mac >>> 32)).putInt((int) mac);
    bootp.position(236);
    bootp.putInt(0x6382_5363).put((byte) 53).put((byte) 1).put((byte) type);
    if (requested != 0) {
      bootp.put((byte) 50).put((byte) 4).putInt(requested).put((byte) 54).put((byte) 4).putInt(0x0a08_0001);
    }
    bootp.put((byte) 55).put((byte) 7).put(new byte[] {1, 3, 6, 12, 15, 28, 42}).put((byte) 255);
    ByteBuffer f = ByteBuffer.allocate(14 + 28 + 300);
    f.putShort((short) 0xffff).putInt(-1).putShort((short) (mac >>> 32)).putInt((int) mac).putShort((short) 0x0800);
    f.put((byte) 0x45).put((byte) 0).putShort((short) 328).putShort((short) 0).putShort((short) 0).put((byte) 64)
        .put((byte) 17).putShort((short) 0).putInt(0).putInt(-1);
    f.putShort((short) 68).putShort((short) 67).putShort((short) 308).putShort((short) 0);
    f.put(bootp.array());
    return f.array();
  }

  static String macText(long mac) {
    StringBuilder sb = new StringBuilder();
    for (int i = 5; i >= 0; i--) {
      sb.append(String.format("%02x", (mac >>> (8 * i)) & 0xff)).append(i > 0 ? ":" : "");
    }
    return sb.toString();
  }

  static String ipText(int ip) {
    return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
  }
}
