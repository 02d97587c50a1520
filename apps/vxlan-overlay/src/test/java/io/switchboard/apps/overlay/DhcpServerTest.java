package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.Ipv4;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The overlay app's DHCP server and IPAM end to end in memory: packet-ins in, packet-outs and REST out. */
class DhcpServerTest {
  static final String YAML = Fixtures.YAML
      .replace("""
              - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          """, """
              - name: net1
                vni: 100
                subnet: 192.168.1.0/24
                gateway: 192.168.1.1
                exclude-ips: [192.168.1.3..192.168.1.9]
                dhcp:
                  lease-time: 1h
                  dns: [192.168.1.53]
                  domain: tenant.internal
                  routes: [{prefix: 10.0.0.0/8, via: 192.168.1.254}]
              - {name: small, vni: 300, subnet: 172.29.0.0/29, gateway: 172.29.0.1, exclude-ips: [172.29.0.2..172.29.0.5]}
          """)
      .replace("""
              - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          """, """
              - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
              - {name: dyn1, network: net1, host: host1, port: dyn1-eth, mac: dynamic, ip: dynamic}
          """);
  static final int GW = Ipv4.parse("192.168.1.1");
  static final long DYN1 = 41;

  private final Ctx ctx = new Ctx();
  private VxlanOverlayApp app = new VxlanOverlayApp();
  private RestResource endpoints;
  private RestResource leases;


  @BeforeEach
  void start() {
    app.start(ctx);
    endpoints = app.resources().get(0);
    leases = app.resources().get(1);
  }

  static Map<String, byte[]> captures() throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (InputStream in = DhcpServerTest.class.getResourceAsStream("/dhcp-captures.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] kv = line.trim().split(" ");
          out.put(kv[0], HexFormat.of().parseHex(kv[1]));
        }
      }
    }
    return out;
  }

  private List<FakeAppContext.PacketOut> send(long port, byte[] frame) {
    int before = ctx.packetOuts.size();
    app.onPacketIn(ctx.host1, new PacketIn(port, Stage.CLASSIFY, 100, 0, PacketIn.NO_BUFFER, frame), ctx);
    return ctx.packetOuts.subList(before, ctx.packetOuts.size());
  }

  private static DhcpMessage reply(FakeAppContext.PacketOut o) throws DhcpException {
    assertEquals(List.of(Action.output(Action.PORT_IN_PORT)), o.actions());
    return DhcpMessage.parse(java.util.Arrays.copyOfRange(o.data(), 42, o.data().length));
  }

  private static int u32(byte[] b) {
    return ByteBuffer.wrap(b).getInt();
  }

  @Test
  void classifySendsDhcpOfDhcpNetworksToTheController() {
    List<FlowEntry> flows = OverlayFlows.compute(app.topology(), ctx.host1);
    List<FlowEntry> dhcp = flows.stream().filter(e -> e.actions().contains(Action.output(Action.PORT_CONTROLLER)))
        .toList();
    String dump = Fixtures.dump(dhcp);
    assertEquals(4, dhcp.size(), dump); // con6 and dyn1: without an address, and renewing
    assertTrue(dump.contains("classify priority=110 in_port=6,eth_src=02:00:00:00:01:02,eth_type=0x800,ip_proto=17,"
        + "ipv4_src=0.0.0.0,ipv4_dst=255.255.255.255,udp_src=68,udp_dst=67 actions=meter:54473,output:CONTROLLER"), dump);
    assertTrue(dump.contains("in_port=6,eth_src=02:00:00:00:01:02,eth_type=0x800,ip_proto=17,ipv4_src=192.168.1.2,"
        + "udp_src=68,udp_dst=67 actions=meter:54473,output:CONTROLLER"), dump);
    assertTrue(dump.contains("in_port=41,eth_src=0a:64:c0:a8:01:0a"), "dyn1, with its allocated MAC: " + dump);
    assertTrue(dhcp.stream().allMatch(e -> e.stage() == Stage.CLASSIFY && e.priority() == ClassifyFlows.DHCP));
    assertTrue(dhcp.stream().noneMatch(e -> e.match().get(Field.IN_PORT).value() == Fixtures.A1),
        "tenant-a has no DHCP");
  }

  @Test
  void capturedDhclientExchangeGetsTheEndpointsAddressAndOptions() throws Exception {
    Map<String, byte[]> cap = captures();
    List<FakeAppContext.PacketOut> offer = send(Fixtures.CON6, cap.get("dhclient-discover"));
    assertEquals(1, offer.size());
    DhcpMessage o = reply(offer.get(0));
    assertEquals(DhcpMessage.OFFER, o.type());
    assertEquals("192.168.1.2", Ipv4.format(o.yiaddr()));
    assertEquals(GW, u32(o.options().get(DhcpMessage.OPT_SERVER_ID)));
    assertEquals(GW, u32(o.options().get(DhcpMessage.OPT_ROUTER)));
    assertEquals("255.255.255.0", Ipv4.format(u32(o.options().get(DhcpMessage.OPT_SUBNET_MASK))));
    assertEquals(3600, u32(o.options().get(DhcpMessage.OPT_LEASE_TIME)));
    assertEquals(1450, ByteBuffer.wrap(o.options().get(DhcpMessage.OPT_MTU)).getShort());
    assertEquals("192.168.1.53", Ipv4.format(u32(o.options().get(DhcpMessage.OPT_DNS))));
    assertEquals("tenant.internal", new String(o.options().get(DhcpMessage.OPT_DOMAIN), StandardCharsets.US_ASCII));
    assertEquals(6 + 5, o.options().get(DhcpMessage.OPT_CLASSLESS_ROUTES).length, "10/8 and the default route");
    DhcpFrames.Request f = parseReply(offer.get(0).data());
    assertEquals(GatewayMac.of(GW), macAt(offer.get(0).data(), 6), "from the gateway's MAC");
    assertEquals(DhcpClients.MAC, macAt(offer.get(0).data(), 0), "unicast to the client (no broadcast flag)");
    assertEquals(GW, f.ipSrc());
    assertEquals(Ipv4.parse("192.168.1.2"), f.ipDst());

    List<FakeAppContext.PacketOut> ack = send(Fixtures.CON6, cap.get("dhclient-init-reboot-request"));
    assertEquals(DhcpMessage.ACK, reply(ack.get(0)).type());
    Map<String, Object> lease = leases.get("con6").orElseThrow();
    assertEquals("192.168.1.2", lease.get("ip"));
    assertEquals("vm", lease.get("hostname"));
    long in = (Long) lease.get("expires-in-seconds");
    assertTrue(in > 3590 && in <= 3600, lease.toString());
    assertEquals(1L, ctx.counters.get("switchboard_dhcp_messages_total{type=discover,answer=offer}").get());
    assertEquals(1L, ctx.counters.get("switchboard_dhcp_messages_total{type=request,answer=ack}").get());
  }

  @Test
  void capturedUdhcpcAskingForAnotherAddressIsOfferedItsOwn() throws Exception {
    Map<String, byte[]> cap = captures();
    DhcpMessage o = reply(send(Fixtures.CON6, cap.get("udhcpc-discover-requesting")).get(0));
    assertEquals("192.168.1.2", Ipv4.format(o.yiaddr()), "asked for .7: DHCP never invents an address");
    assertEquals(DhcpMessage.OFFER, reply(send(Fixtures.CON6, cap.get("udhcpc-discover")).get(0)).type());
  }

  @Test
  void requestsForOtherAddressesAreNakedAndOtherServersLeftAlone() throws Exception {
    DhcpMessage nak = reply(send(Fixtures.CON6, DhcpClients.udhcpcRequest(5, Ipv4.parse("192.168.1.7"), GW))
        .get(0));
    assertEquals(DhcpMessage.NAK, nak.type());
    assertTrue(leases.list().isEmpty());
    assertTrue(send(Fixtures.CON6, DhcpClients.udhcpcRequest(6, Ipv4.parse("192.168.1.2"),
        Ipv4.parse("192.168.1.99"))).isEmpty(), "the client chose another server");
    assertEquals(1L, ctx.counters.get("switchboard_dhcp_messages_total{type=request,answer=other-server}").get());
  }

  @Test
  void renewalIsUnicastAndReleaseDropsTheLease() throws Exception {
    int addr = Ipv4.parse("192.168.1.2");
    FakeAppContext.PacketOut ack = send(Fixtures.CON6, DhcpClients.dhclientRenew(8, addr, GW)).get(0);
    assertEquals(DhcpMessage.ACK, reply(ack).type());
    assertEquals(addr, parseReply(ack.data()).ipDst());
    assertEquals(1, leases.list().size());
    assertTrue(send(Fixtures.CON6, DhcpClients.udhcpcRelease(9, addr, GW)).isEmpty());
    assertTrue(leases.list().isEmpty(), "released");
  }

  @Test
  void aDynamicEndpointIsAllocatedAndServed() throws Exception {
    Map<String, Object> dyn = endpoints.get("dyn1").orElseThrow();
    assertEquals("192.168.1.10", dyn.get("ip"), "the first address after con6's and the excluded ones");
    assertEquals("0a:64:c0:a8:01:0a", dyn.get("mac"));
    assertEquals(true, dyn.get("ip-dynamic"));
    assertEquals(true, dyn.get("mac-dynamic"));
    assertEquals(false, endpoints.get("con6").orElseThrow().get("ip-dynamic"));
    byte[] discover = DhcpClients.frame(0, -1, DhcpClients.bootp(1, 0, 0, 0x0a64_c0a8_010aL,
        DhcpClients.opt(53, 1)), true);
    System.arraycopy(HexFormat.of().parseHex("0a64c0a8010a"), 0, discover, 6, 6);
    DhcpMessage o = reply(send(DYN1, discover).get(0));
    assertEquals("192.168.1.10", Ipv4.format(o.yiaddr()));

    VxlanOverlayApp restarted = new VxlanOverlayApp(); // a restart with fresh stores: the same, deterministic answer
    Ctx fresh = new Ctx();
    restarted.start(fresh);
    assertEquals("192.168.1.10", restarted.topology().endpoint("dyn1").orElseThrow().ipText());
    VxlanOverlayApp second = new VxlanOverlayApp(); // a second instance on the same (replicated) stores
    second.start(ctx);
    assertEquals("192.168.1.10", second.topology().endpoint("dyn1").orElseThrow().ipText());
  }

  @Test
  void aReloadKeepsAddressesUnlessTheyBecomeInvalid() {
    endpoints.create(body("r1", "net1", "r1-eth", "dynamic", "dynamic"));
    assertEquals("192.168.1.11", app.topology().endpoint("r1").orElseThrow().ipText());
    app.stop();
    app.start(ctx); // a reload with the same config
    assertEquals("192.168.1.10", app.topology().endpoint("dyn1").orElseThrow().ipText());
    assertEquals("192.168.1.11", app.topology().endpoint("r1").orElseThrow().ipText());

    ctx.config = Fixtures.config(YAML.replace("exclude-ips: [192.168.1.3..192.168.1.9]",
        "exclude-ips: [192.168.1.3..192.168.1.10]"));
    app.stop();
    app.start(ctx); // dyn1's address is excluded now: it moves, r1 keeps its own
    assertEquals("192.168.1.12", app.topology().endpoint("dyn1").orElseThrow().ipText());
    assertEquals("0a:64:c0:a8:01:0c", app.topology().endpoint("dyn1").orElseThrow().mac().toString());
    assertEquals("192.168.1.11", app.topology().endpoint("r1").orElseThrow().ipText());

    ctx.config = Fixtures.config(YAML.replace("""
              - {name: dyn1, network: net1, host: host1, port: dyn1-eth, mac: dynamic, ip: dynamic}
          """, ""));
    app.stop();
    app.start(ctx); // dyn1 removed from the config: its address is given back
    Map<String, Object> next = endpoints.create(body("r2", "net1", "r2-eth", "dynamic", "dynamic"));
    assertEquals("192.168.1.10", next.get("ip"), "the lowest free address again");
  }

  @Test
  void restAllocatesRefusesAFullSubnetAndNamesTheHolderOfAnAddress() {
    Map<String, Object> a = endpoints.create(body("a", "small", "a-eth", "dynamic", "dynamic"));
    assertEquals("172.29.0.6", a.get("ip"));
    assertEquals(true, a.get("ip-dynamic"));
    ApiException full = assertThrows(ApiException.class,
        () -> endpoints.create(body("b", "small", "b-eth", "dynamic", "dynamic")));
    assertEquals(409, full.status());
    assertTrue(full.getMessage().contains("no free address in network small's subnet 172.29.0.0/29"),
        full.getMessage());
    assertTrue(endpoints.get("b").isEmpty(), "nothing half-added");
    ApiException taken = assertThrows(ApiException.class,
        () -> endpoints.create(body("c", "small", "c-eth", "02:00:00:00:03:03", "172.29.0.6")));
    assertEquals(409, taken.status());
    assertTrue(taken.getMessage().contains("'a'"), taken.getMessage());

    assertTrue(endpoints.delete("a"));
    Map<String, Object> c = endpoints.create(body("c", "small", "c-eth", "02:00:00:00:03:03", "172.29.0.6"));
    assertEquals("172.29.0.6", c.get("ip"), "a deleted endpoint's address is free for a static one");
    assertThrows(ApiException.class, () -> endpoints.create(body("d", "small", "d-eth", "dynamic", "dynamic")),
        "c's static address is claimed: still full");
  }

  @Test
  void deletingAnEndpointRemovesItsLease() throws Exception {
    endpoints.create(body("web", "net1", "web-eth", "02:00:00:00:01:33", "dynamic"));
    FakeSwitchView sw = ctx.host1.withPort(50, "web-eth");
    ctx.replaceHost1(sw);
    String ip = app.topology().endpoint("web").orElseThrow().ipText();
    byte[] req = DhcpClients.frame(0, -1, DhcpClients.bootp(1, 0, 0, 0x0200_0000_0133L, DhcpClients.opt(53, 3),
        DhcpClients.opt(50, DhcpClients.ip(Ipv4.parse(ip)))), true);
    System.arraycopy(HexFormat.of().parseHex("020000000133"), 0, req, 6, 6);
    assertEquals(DhcpMessage.ACK, reply(send(50, req).get(0)).type());
    assertTrue(leases.get("web").isPresent());
    assertTrue(endpoints.delete("web"));
    assertTrue(leases.get("web").isEmpty(), "the lease went with the endpoint");
  }

  @Test
  void badInputIsCountedAndNeverAnswered() throws Exception {
    byte[] good = DhcpClients.udhcpcDiscover(1);
    byte[] cookie = good.clone();
    cookie[42 + 236] = 0;
    assertTrue(send(Fixtures.CON6, cookie).isEmpty());
    assertTrue(send(Fixtures.CON6, java.util.Arrays.copyOf(good, 200)).isEmpty());
    byte[] spoof = DhcpClients.frame(0, -1, DhcpClients.bootp(2, 0, 0, 0x0200_0000_0999L, DhcpClients.opt(53, 1)),
        true);
    assertTrue(send(Fixtures.CON6, spoof).isEmpty(), "chaddr is not the frame's source");
    assertTrue(send(Fixtures.A1, good).isEmpty(), "tenant-a has no DHCP");
    assertEquals(1L, ctx.counters.get("switchboard_dhcp_dropped_total{reason=bad-cookie}").get());
    assertEquals(1L, ctx.counters.get("switchboard_dhcp_dropped_total{reason=truncated}").get());
    assertEquals(1L, ctx.counters.get("switchboard_dhcp_dropped_total{reason=chaddr-mismatch}").get());
    assertEquals(1L, ctx.counters.get("switchboard_dhcp_dropped_total{reason=unknown-client}").get());

    int answered = 0;
    for (int i = 0; i < 200; i++) {
      answered += send(Fixtures.CON6, DhcpClients.udhcpcDiscover(100 + i)).size();
    }
    assertTrue(answered >= DhcpGuard.BURST - 3 && answered < DhcpGuard.BURST + 10, "answered " + answered);
    assertTrue(ctx.counters.get("switchboard_dhcp_dropped_total{reason=rate-limit}").get() > 150);
    byte[] dynDiscover = DhcpClients.frame(0, -1, DhcpClients.bootp(1, 0, 0, 0x0a64_c0a8_010aL,
        DhcpClients.opt(53, 1)), true);
    System.arraycopy(HexFormat.of().parseHex("0a64c0a8010a"), 0, dynDiscover, 6, 6);
    assertFalse(send(DYN1, dynDiscover).isEmpty(), "another port has its own budget");
  }

  @Test
  void aTraceOfDhcpSaysWhoItIsFor() {
    Map<Field, Long> packet = new EnumMap<>(Field.class);
    packet.put(Field.IN_PORT, Fixtures.CON6);
    assertEquals(Optional.of("DHCP for endpoint con6 (answered with 192.168.1.2 by the controller)"),
        app.describeToController(ctx.host1, packet, 100));
  }

  static Map<String, Object> body(String name, String network, String port, String mac, String ip) {
    Map<String, Object> m = new HashMap<>();
    m.put("name", name);
    m.put("network", network);
    m.put("host", "host1");
    m.put("port", port);
    m.put("mac", mac);
    m.put("ip", ip);
    return m;
  }

  private static long macAt(byte[] f, int off) {
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | (f[off + i] & 0xff);
    }
    return v;
  }

  /** Reads a reply frame's addresses with the request parser, after swapping its ports back. */
  private static DhcpFrames.Request parseReply(byte[] f) throws DhcpException {
    byte[] c = f.clone();
    c[34] = 0;
    c[35] = 68;
    c[36] = 0;
    c[37] = 67;
    return DhcpFrames.parse(c);
  }

  /** The core as the app sees it: host1's bridge with the dynamic endpoint's port, packet-outs and counters. */
  static final class Ctx extends FakeAppContext {
    volatile FakeSwitchView host1 = Fixtures.host1().withPort(DYN1, "dyn1-eth");

    Ctx() {
      super(Fixtures.config(YAML), new InMemoryStoreFactory());
      connect(host1);
    }

    /** The bridge's ports changed. */
    void replaceHost1(FakeSwitchView sw) {
      host1 = sw;
      connect(sw);
    }
  }
}
