package io.switchboard.bench.compute;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.switchboard.apps.l2.L2LearningApp;
import io.switchboard.bench.Frames;
import io.switchboard.bench.Hosts;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.PortInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * What l2-learning itself costs per packet-in on cbench's workload, without the core, the codec or the sockets:
 * {@code switches} OpenFlow 1.0 bridges of 64 ports, 1,000 hosts each sending to one announced host, every host
 * learned and every pair already entered (the steady state of a latency-mode run), packet-ins taken in turn across
 * the bridges. The app answers each with a packet-out, which the context only counts. Against the event loop's
 * user time per answer in the real run (docs/performance.md) this says how much of it is the app's own work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class L2PacketInBenchmark {
  @Param("16")
  int switches;

  L2LearningApp app;
  BenchContext ctx;
  List<BenchSwitch> bridges = new ArrayList<>();
  List<PacketIn> packets = new ArrayList<>();
  int next;

  @Setup
  public void build() throws Exception {
    SwitchboardConfig c = ConfigLoader.parse("""
        apps: [l2-learning]
        l2-learning:
          packet-in-budget: 1000000
          max-hosts-per-port: 1000000
          max-hosts-per-vlan: 1000000
          max-hosts-per-switch: 1000000
        """, "l2-bench.yaml");
    for (int s = 0; s < switches; s++) {
      List<PortInfo> ports = new ArrayList<>();
      for (int p = 1; p <= 64; p++) {
        ports.add(new PortInfo(p, "p" + p, 0x0e0000000000L + ((long) s << 8) + p, true));
      }
      bridges.add(new BenchSwitch(s + 1, "br" + s, false, List.copyOf(ports)));
    }
    ctx = new BenchContext(c, bridges);
    app = new L2LearningApp();
    app.start(ctx);
    List<Hosts> hosts = new ArrayList<>();
    for (int s = 0; s < switches; s++) {
      hosts.add(new Hosts(s, 1000, 1));
    }
    for (int k = 0; k < 1000; k++) {
      for (int s = 0; s < switches; s++) {
        Hosts h = hosts.get(s);
        int src = h.source(k);
        int dst = h.destination(k);
        byte[] data = frame(Frames.Kind.IPV4_UDP, h.mac(src), h.ipv4(src), h.mac(dst), h.ipv4(dst), k);
        packets.add(new PacketIn(h.port(src), null, 0, 0, k, data));
      }
    }
    // the destinations announce themselves first; then one pass learns every source and enters every pair
    for (int s = 0; s < switches; s++) {
      Hosts h = hosts.get(s);
      for (int a = 0; a < h.announced(); a++) {
        byte[] data = frame(Frames.Kind.ARP_ANNOUNCE, h.mac(a), h.ipv4(a), 0, 0, 0);
        app.onPacketIn(bridges.get(s), new PacketIn(h.port(a), null, 0, 0, -1, data), ctx);
      }
    }
    for (int i = 0; i < packets.size(); i++) {
      packetIn();
    }
  }

  private static byte[] frame(Frames.Kind kind, long srcMac, int srcIp, long dstMac, int dstIp, int seq) {
    ByteBuf b = Unpooled.buffer();
    Frames.write(b, kind, srcMac, srcIp, dstMac, dstIp, seq);
    byte[] data = new byte[b.readableBytes()];
    b.readBytes(data);
    return data;
  }

  @Benchmark
  public long packetIn() {
    int i = next;
    next = i + 1 == packets.size() ? 0 : i + 1;
    app.onPacketIn(bridges.get(i % switches), packets.get(i), ctx);
    return ctx.packetOuts();
  }
}
