package io.switchboard.apps.overlay;

import static io.switchboard.apps.overlay.Fixtures.A1;
import static io.switchboard.apps.overlay.Fixtures.A2;
import static io.switchboard.apps.overlay.Fixtures.B2;
import static io.switchboard.apps.overlay.Fixtures.CON11;
import static io.switchboard.apps.overlay.Fixtures.CON6;
import static io.switchboard.apps.overlay.Fixtures.CON9;
import static io.switchboard.apps.overlay.Fixtures.TUNNEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.apps.overlay.PipelineInterpreter.Emitted;
import io.switchboard.apps.overlay.PipelineInterpreter.Packet;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.Values;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packets through the computed entries (PipelineInterpreter): who reaches whom, and how the packet looks. */
class ForwardingTest {
  static final long CON6_MAC = Values.parseMac("02:00:00:00:01:02");
  static final long CON9_MAC = Values.parseMac("02:00:00:00:02:02");
  static final long CON11_MAC = Values.parseMac("02:00:00:00:01:05");
  static final long A1_MAC = Values.parseMac("02:00:00:0a:00:02");
  static final long B2_MAC = Values.parseMac("02:00:00:0b:00:03");
  static final long GW1_MAC = Values.parseMac("0a:58:c0:a8:01:01");
  static final long GW2_MAC = Values.parseMac("0a:58:c0:a8:02:01");
  static final long BROADCAST = 0xffff_ffff_ffffL;

  private final OverlayTopology topo = Fixtures.topology();
  private final PipelineInterpreter host1 = new PipelineInterpreter(OverlayFlows.compute(topo, Fixtures.host1()));
  private final PipelineInterpreter host2 = new PipelineInterpreter(OverlayFlows.compute(topo, Fixtures.host2()));

  static long ip(String s) {
    return Values.parseIpv4(s);
  }

  static Packet ipv4(long inPort, long src, long dst, String ipSrc, String ipDst) {
    return new Packet().set(Field.IN_PORT, inPort).set(Field.ETH_SRC, src).set(Field.ETH_DST, dst)
        .set(Field.ETH_TYPE, 0x0800).set(Field.IPV4_SRC, ip(ipSrc)).set(Field.IPV4_DST, ip(ipDst))
        .set(Field.IP_PROTO, 1).set(Field.ICMPV4_TYPE, 8).set(Field.ICMPV4_CODE, 0);
  }

  static Packet arpRequest(long inPort, long src, String spa, String tpa) {
    return new Packet().set(Field.IN_PORT, inPort).set(Field.ETH_SRC, src).set(Field.ETH_DST, BROADCAST)
        .set(Field.ETH_TYPE, 0x0806).set(Field.ARP_OP, 1).set(Field.ARP_SHA, src).set(Field.ARP_SPA, ip(spa))
        .set(Field.ARP_THA, 0).set(Field.ARP_TPA, ip(tpa));
  }

  /** What arrives at host2 when host1 sent this packet into the tunnel. */
  static Packet fromTunnel(Packet sent) {
    Packet p = sent.copy().set(Field.IN_PORT, TUNNEL);
    p.fields.remove(Field.TUN_IPV4_DST);
    return p;
  }

  static List<Long> ports(List<Emitted> out) {
    return out.stream().map(Emitted::port).toList();
  }

  @Test
  void routedAcrossHostsWithOneHopOfTtl() {
    List<Emitted> sent = host1.run(ipv4(CON6, CON6_MAC, GW1_MAC, "192.168.1.2", "192.168.2.2"));
    assertEquals(List.of(TUNNEL), ports(sent));
    Packet p = sent.get(0).packet();
    assertEquals(0xc8, p.get(Field.TUNNEL_ID), "the destination network's VNI");
    assertEquals(ip("10.99.0.2"), p.get(Field.TUN_IPV4_DST), "host2's tunnel endpoint");
    assertEquals(GW2_MAC, p.get(Field.ETH_SRC));
    assertEquals(CON9_MAC, p.get(Field.ETH_DST));
    assertEquals(63, p.ttl);

    List<Emitted> delivered = host2.run(fromTunnel(p));
    assertEquals(List.of(CON9), ports(delivered));
    assertEquals(63, delivered.get(0).packet().ttl, "not routed a second time on the receiving host");
  }

  @Test
  void theReplyIsRoutedOnHost2() {
    List<Emitted> sent = host2.run(ipv4(CON9, CON9_MAC, GW2_MAC, "192.168.2.2", "192.168.1.2"));
    assertEquals(List.of(TUNNEL), ports(sent));
    assertEquals(0x64, sent.get(0).packet().get(Field.TUNNEL_ID));
    assertEquals(ip("10.99.0.1"), sent.get(0).packet().get(Field.TUN_IPV4_DST));
    assertEquals(List.of(CON6), ports(host1.run(fromTunnel(sent.get(0).packet()))));
  }

  @Test
  void routingToALocalEndpointStaysOnTheBridge() {
    // con11 (net1) and con9 (net2) are both on host2
    List<Emitted> out = host2.run(ipv4(CON11, CON11_MAC, GW1_MAC, "192.168.1.5", "192.168.2.2"));
    assertEquals(List.of(CON9), ports(out));
    assertEquals(63, out.get(0).packet().ttl);
  }

  @Test
  void ttlOneIsNotRouted() {
    Packet p = ipv4(CON6, CON6_MAC, GW1_MAC, "192.168.1.2", "192.168.2.2");
    p.ttl = 1;
    assertEquals(List.of(), host1.run(p));
  }

  @Test
  void sameNetworkAcrossTheTunnelKeepsItsTtl() {
    List<Emitted> sent = host2.run(ipv4(CON11, CON11_MAC, CON6_MAC, "192.168.1.5", "192.168.1.2"));
    assertEquals(List.of(TUNNEL), ports(sent));
    assertEquals(0x64, sent.get(0).packet().get(Field.TUNNEL_ID));
    assertEquals(64, sent.get(0).packet().ttl);
    assertEquals(List.of(CON6), ports(host1.run(fromTunnel(sent.get(0).packet()))));
  }

  @Test
  void arpForTheGatewayIsAnsweredOnTheBridge() {
    List<Emitted> out = host1.run(arpRequest(CON6, CON6_MAC, "192.168.1.2", "192.168.1.1"));
    assertEquals(List.of(CON6), ports(out));
    Packet reply = out.get(0).packet();
    assertEquals(2, reply.get(Field.ARP_OP));
    assertEquals(GW1_MAC, reply.get(Field.ETH_SRC));
    assertEquals(CON6_MAC, reply.get(Field.ETH_DST));
    assertEquals(GW1_MAC, reply.get(Field.ARP_SHA));
    assertEquals(ip("192.168.1.1"), reply.get(Field.ARP_SPA));
    assertEquals(CON6_MAC, reply.get(Field.ARP_THA));
    assertEquals(ip("192.168.1.2"), reply.get(Field.ARP_TPA));
  }

  @Test
  void arpForARemoteEndpointIsAnsweredLocallyAndNeverCrossesTheUnderlay() {
    List<Emitted> out = host1.run(arpRequest(CON6, CON6_MAC, "192.168.1.2", "192.168.1.5"));
    assertEquals(List.of(CON6), ports(out));
    assertEquals(CON11_MAC, out.get(0).packet().get(Field.ARP_SHA));
  }

  @Test
  void otherBroadcastsReachOnlyHostsWithPortsInTheNetwork() {
    List<Emitted> out = host1.run(arpRequest(CON6, CON6_MAC, "192.168.1.2", "192.168.1.99"));
    assertEquals(List.of(TUNNEL), ports(out), "con6 is the only local port of net1; host2 has con11");
    assertEquals(0x64, out.get(0).packet().get(Field.TUNNEL_ID));
    assertEquals(ip("10.99.0.2"), out.get(0).packet().get(Field.TUN_IPV4_DST));
    // host2 floods it to its net1 port only, never back into the tunnel (split horizon)
    assertEquals(List.of(CON11), ports(host2.run(fromTunnel(out.get(0).packet()))));
  }

  @Test
  void aPingToTheGatewayIsAnsweredOnTheBridge() {
    List<Emitted> out = host1.run(ipv4(CON6, CON6_MAC, GW1_MAC, "192.168.1.2", "192.168.1.1"));
    assertEquals(List.of(CON6), ports(out));
    Packet reply = out.get(0).packet();
    assertEquals(0, reply.get(Field.ICMPV4_TYPE));
    assertEquals(ip("192.168.1.1"), reply.get(Field.IPV4_SRC));
    assertEquals(ip("192.168.1.2"), reply.get(Field.IPV4_DST));
    assertEquals(GW1_MAC, reply.get(Field.ETH_SRC));
    assertEquals(CON6_MAC, reply.get(Field.ETH_DST));
    // the router's other address answers too
    out = host1.run(ipv4(CON6, CON6_MAC, GW1_MAC, "192.168.1.2", "192.168.2.1"));
    assertEquals(ip("192.168.2.1"), out.get(0).packet().get(Field.IPV4_SRC));
  }

  @Test
  void spoofedFramesAreDroppedAtTheEndpointPort() {
    assertEquals(List.of(), host2.run(ipv4(CON11, 0x0200_0000_9999L, CON6_MAC, "192.168.1.5", "192.168.1.2")),
        "another source MAC");
    assertEquals(List.of(), host2.run(ipv4(CON11, CON11_MAC, CON6_MAC, "192.168.1.9", "192.168.1.2")),
        "another source IP");
    assertEquals(List.of(), host2.run(arpRequest(CON11, CON11_MAC, "192.168.1.2", "192.168.1.1")),
        "ARP claiming con6's address");
    Packet lying = arpRequest(CON11, CON11_MAC, "192.168.1.5", "192.168.1.1").set(Field.ARP_SHA, CON6_MAC);
    assertEquals(List.of(), host2.run(lying), "ARP with another sender MAC");
    Packet ipv6 = new Packet().set(Field.IN_PORT, CON11).set(Field.ETH_SRC, CON11_MAC)
        .set(Field.ETH_DST, CON6_MAC).set(Field.ETH_TYPE, 0x86dd);
    assertEquals(List.of(), host2.run(ipv6), "neither IPv4 nor ARP");
  }

  @Test
  void unknownVnisFromTheTunnelAreDropped() {
    Packet p = ipv4(TUNNEL, CON11_MAC, CON6_MAC, "192.168.1.5", "192.168.1.2").set(Field.TUNNEL_ID, 4242);
    assertEquals(List.of(), host1.run(p));
    // net2 has no port on host1: its VNI is not accepted there either
    p = ipv4(TUNNEL, CON9_MAC, CON6_MAC, "192.168.2.2", "192.168.1.2").set(Field.TUNNEL_ID, 200);
    assertEquals(List.of(), host1.run(p));
  }

  @Test
  void tenantsWithTheSameSubnetStayApart() {
    // a1 (tenant-a) sends to b2's MAC and IP (10.0.0.3 exists in both tenants): never delivered to b2
    List<Emitted> out = host1.run(ipv4(A1, A1_MAC, B2_MAC, "10.0.0.2", "10.0.0.3"));
    for (Emitted e : out) {
      assertEquals(0x3e9, e.packet().get(Field.TUNNEL_ID), "only tenant-a's VNI leaves: " + out);
      assertTrue(host2.run(fromTunnel(e.packet())).stream().noneMatch(x -> x.port() == B2),
          "reached tenant-b's b2");
    }
    // ARP for 10.0.0.3 from tenant-a gets tenant-a's a2
    out = host1.run(arpRequest(A1, A1_MAC, "10.0.0.2", "10.0.0.3"));
    assertEquals(Values.parseMac("02:00:00:0a:00:03"), out.get(0).packet().get(Field.ARP_SHA));
    // a broadcast in tenant-a reaches a2 on host2, not b2
    out = host1.run(arpRequest(A1, A1_MAC, "10.0.0.2", "10.0.0.77"));
    assertEquals(List.of(A2), ports(host2.run(fromTunnel(out.get(0).packet()))));
  }

  @Test
  void networksNotJoinedByARouterNeverReachEachOther() {
    // con6 (net1) through its gateway to 10.0.0.3 (tenant-a's a2 and tenant-b's b2): no route, dropped
    assertEquals(List.of(), host1.run(ipv4(CON6, CON6_MAC, GW1_MAC, "192.168.1.2", "10.0.0.3")));
    // nor to the tenants' endpoint MACs directly: not in net1
    List<Emitted> out = host1.run(ipv4(CON6, CON6_MAC, B2_MAC, "192.168.1.2", "10.0.0.3"));
    for (Emitted e : out) {
      assertEquals(0x64, e.packet().get(Field.TUNNEL_ID), "flooded in net1 only: " + out);
      assertEquals(List.of(CON11), ports(host2.run(fromTunnel(e.packet()))));
    }
  }
}
