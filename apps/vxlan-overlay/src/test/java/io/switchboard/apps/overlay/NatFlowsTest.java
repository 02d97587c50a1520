package io.switchboard.apps.overlay;

import static io.switchboard.apps.overlay.Fixtures.assertGolden;
import static io.switchboard.apps.overlay.Fixtures.dump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.apps.overlay.config.NatRule;
import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayRouter;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The seed's classic network and floating IP: tenant network 172.66.1.0/24 on two hosts, router r1 with its external
 * port on host1 (the gateway host) on the physical network 192.168.66.0/23, SNAT for the subnet and a FIP for one
 * endpoint; a localnet endpoint on each host.
 */
class NatFlowsTest {
  static final String YAML = """
      apps: [vxlan-overlay]
      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1, bridge-mappings: {wanNet: br-eth}}
          - {name: host2, bridge: br-int2, tunnel-ip: 10.99.0.2, bridge-mappings: {wanNet: br-eth}}
        networks:
          - {name: net1, vni: 100, subnet: 172.66.1.0/24, gateway: 172.66.1.1}
          - {name: wan, vni: 66, subnet: 192.168.66.0/23, type: localnet, physical-network: wanNet}
        routers:
          - name: r1
            networks: [net1]
            external: {network: wan, ip: 192.168.66.45/23, gateway: 192.168.66.1, host: host1}
            routes: [{prefix: 10.10.0.0/16, via: 192.168.66.254}]
            nat:
              - {type: snat, logical-ip: 172.66.1.0/24, external-ip: 192.168.66.45}
              - {type: dnat-and-snat, logical-ip: 172.66.1.103, external-ip: 192.168.66.46}
        endpoints:
          - {name: c1, network: net1, host: host1, port: c1-eth, mac: "02:00:00:00:01:65", ip: 172.66.1.101}
          - {name: c2, network: net1, host: host2, port: c2-eth, mac: "02:00:00:00:01:66", ip: 172.66.1.102}
          - {name: fip, network: net1, host: host2, port: fip-eth, mac: "02:00:00:00:01:67", ip: 172.66.1.103}
          - {name: l1, network: wan, host: host1, port: l1-eth, mac: "02:00:00:00:42:0a", ip: 192.168.66.10}
          - {name: l2, network: wan, host: host2, port: l2-eth, mac: "02:00:00:00:42:0b", ip: 192.168.66.11}
      """;

  static final OverlayConfig OVERLAY = Fixtures.overlay(YAML);
  static final OverlayTopology TOPO = OverlayTopology.of(OVERLAY);

  static FakeSwitchView host1() {
    return FakeSwitchView.of("br-int", 1).withPort(1, "vxlan0").withPort(2, "int-br-eth").withPort(3, "c1-eth")
        .withPort(4, "l1-eth");
  }

  static FakeSwitchView host2() {
    return FakeSwitchView.of("br-int2", 2).withPort(1, "vxlan0").withPort(2, "int-br-eth").withPort(3, "c2-eth")
        .withPort(4, "fip-eth").withPort(5, "l2-eth");
  }

  static ExternalState state(List<NatRule> rules, Map<Integer, Long> bindings) {
    return new ExternalState(Map.of("r1", rules), Map.of("r1", bindings));
  }

  static final long GATEWAY_MAC = 0x02_00_00_00_66_01L;

  static List<FlowEntry> flows(FakeSwitchView sw, ExternalState s) {
    List<FlowEntry> out = new ArrayList<>();
    OverlayFlows.compute(TOPO, s, sw, out::add);
    return out;
  }

  @Test
  void gatewayHost() {
    ExternalState s = state(OVERLAY.router("r1").orElseThrow().nat(), Map.of(Ipv4.parse("192.168.66.1"),
        GATEWAY_MAC));
    assertGolden("nat-host1.flows", dump(flows(host1(), s)));
  }

  /**
   * NAT and localnet entries are kept in sections too: the cache gives what a computation from scratch gives, and a
   * rule or a next hop changes the gateway host's external section alone.
   */
  @Test
  void aNatRuleOrANextHopChangesTheGatewayHostsExternalSectionAlone() {
    List<NatRule> rules = OVERLAY.router("r1").orElseThrow().nat();
    ExternalState before = state(rules.subList(0, 1), Map.of());
    DesiredFlowCache cache = new DesiredFlowCache(TOPO);
    cache.reset(TOPO, before);
    Map<Long, FakeSwitchView> views = Map.of(1L, host1(), 2L, host2());
    for (FakeSwitchView sw : views.values()) {
      assertEquals(dump(flows(sw, before)), dump(cache.desired(sw)), sw.name());
    }
    ExternalState after = state(rules, Map.of(Ipv4.parse("192.168.66.1"), GATEWAY_MAC)); // a FIP, a next hop
    Map<Long, DesiredFlowCache.Delta> deltas = cache.updateExternal(after,
        dpid -> java.util.Optional.ofNullable(views.get(dpid)));
    assertEquals(List.of(1L), List.copyOf(deltas.keySet()), "host2 is no gateway host: nothing for it");
    Map<String, FlowEntry> held = IncrementalFlowsTest.byKey(flows(host1(), before), "before");
    deltas.get(1L).removed().forEach(e -> held.remove(IncrementalFlowsTest.key(e)));
    deltas.get(1L).added().forEach(e -> held.put(IncrementalFlowsTest.key(e), e));
    assertEquals(IncrementalFlowsTest.byKey(flows(host1(), after), "after"), held);
    assertTrue(deltas.get(1L).added().size() < 10, "only what the FIP and the next hop change: " + deltas);
    assertEquals(dump(flows(host1(), after)), dump(cache.desired(host1())));
  }

  @Test
  void otherHost() {
    assertGolden("nat-host2.flows", dump(OverlayFlows.compute(TOPO, host2())));
  }

  @Test
  void theRoutersAddressesAreAnsweredOnlyOnTheGatewayHost() {
    String h1 = dump(OverlayFlows.compute(TOPO, host1()));
    String h2 = dump(OverlayFlows.compute(TOPO, host2()));
    for (String ip : List.of("192.168.66.45", "192.168.66.46")) {
      assertTrue(h1.contains("arp_tpa=" + ip), h1);
      assertFalse(h2.contains("arp_tpa=" + ip), h2);
    }
    assertFalse(h2.contains("ct("), h2);
    assertTrue(h2.contains("set_field:0x42->tun_id,set_field:10.99.0.1->tun_dst"), h2);
  }

  @Test
  void theFloatingIpWinsOverTheSubnetsSnat() {
    List<FlowEntry> f = OverlayFlows.compute(TOPO, host1());
    FlowEntry fip = only(f, "nat(src=192.168.66.46)", "in_port=1");
    FlowEntry snat = only(f, "nat(src=192.168.66.45)", "in_port=1");
    assertTrue(fip.priority() > snat.priority(), fip + "\n" + snat);
  }

  @Test
  void withoutThePatchPortTheGatewayHostHasNoExternalSide() {
    String flows = dump(OverlayFlows.compute(TOPO, host1().withoutPort("int-br-eth")));
    assertFalse(flows.contains("ct("), flows);
    assertFalse(flows.contains("arp_tpa=192.168.66.45"), flows);
  }

  @Test
  void anOpenFlow15GatewayHostGetsNoConntrackEntries() {
    String flows = dump(OverlayFlows.compute(TOPO, new Of15(host1())));
    assertFalse(flows.contains("ct("), flows);
    assertTrue(flows.contains("in_port=2,vlan_vid=0x0"), "the localnet network is still bridged: " + flows);
  }

  /** host1 as a bridge that negotiated OpenFlow 1.5. */
  record Of15(FakeSwitchView sw) implements io.switchboard.controller.spi.SwitchView {
    public long dpid() {
      return sw.dpid();
    }

    public String name() {
      return sw.name();
    }

    public String openFlowVersion() {
      return "1.5";
    }

    public boolean multiTable() {
      return true;
    }

    public java.util.Collection<io.switchboard.controller.spi.PortInfo> ports() {
      return sw.ports();
    }

    public java.util.Optional<io.switchboard.controller.spi.PortInfo> port(String n) {
      return sw.port(n);
    }

    public java.util.Optional<io.switchboard.controller.spi.PortInfo> port(long n) {
      return sw.port(n);
    }
  }

  @Test
  void aVlanProviderNetworkIsTaggedOnThePatchPort() {
    OverlayTopology tagged = OverlayTopology.of(Fixtures.overlay(YAML.replace("physical-network: wanNet}",
        "physical-network: wanNet, vlan: 70}")));
    String flows = dump(OverlayFlows.compute(tagged, host2()));
    assertTrue(flows.contains("in_port=2,vlan_vid=0x1046") || flows.contains("vlan_vid=4166"), flows);
    assertTrue(flows.contains("push_vlan"), flows);
    assertTrue(flows.contains("pop_vlan"), flows);
    assertEquals(OptionalInt.of(70), tagged.network("wan").orElseThrow().localnet().orElseThrow().vlan());
  }

  @Test
  void addingAFloatingIpOnlyAddsItsOwnEntries() {
    OverlayRouter r = OVERLAY.router("r1").orElseThrow();
    List<NatRule> more = new ArrayList<>(r.nat());
    more.add(new NatRule(NatRule.Type.DNAT_AND_SNAT, Ipv4Prefix.parse("172.66.1.102/32"),
        Ipv4.parse("192.168.66.47")));
    for (FakeSwitchView sw : List.of(host1(), host2())) {
      List<String> diff = Fixtures.diff(flows(sw, state(r.nat(), Map.of())), flows(sw, state(more, Map.of())));
      assertTrue(diff.stream().allMatch(l -> l.startsWith("+ ")), diff.toString());
      assertTrue(diff.stream().allMatch(l -> l.contains("172.66.1.102") || l.contains("192.168.66.47")),
          diff.toString());
      if (sw.dpid() == 1) {
        assertEquals(4, diff.size(), diff.toString()); // out from a local and a tunnelled source, in, ARP
      } else {
        assertEquals(List.of(), diff);
      }
    }
  }

  @Test
  void aLearnedNextHopReplacesTheControllerOnItsRouteOnly() {
    OverlayRouter r = OVERLAY.router("r1").orElseThrow();
    List<String> diff = Fixtures.diff(flows(host1(), state(r.nat(), Map.of())),
        flows(host1(), state(r.nat(), Map.of(Ipv4.parse("192.168.66.1"), GATEWAY_MAC))));
    assertEquals(2, diff.size(), diff.toString());
    assertTrue(diff.stream().anyMatch(l -> l.startsWith("~ ") && l.contains("priority=1500")), diff.toString());
    assertTrue(diff.stream().anyMatch(l -> l.startsWith("+ ") && l.contains("ipv4_dst=192.168.66.1,")
        || l.startsWith("+ ") && l.contains("ipv4_dst=192.168.66.1 ")), diff.toString());
  }

  @Test
  void nextHops() {
    OverlayRouter r = OVERLAY.router("r1").orElseThrow();
    assertEquals(Ipv4.parse("192.168.66.254"), ExternalState.nextHop(r, Ipv4.parse("10.10.3.4")));
    assertEquals(Ipv4.parse("192.168.67.9"), ExternalState.nextHop(r, Ipv4.parse("192.168.67.9")));
    assertEquals(Ipv4.parse("192.168.66.1"), ExternalState.nextHop(r, Ipv4.parse("8.8.8.8")));
  }

  @Test
  void arpRequestFrame() {
    byte[] f = RouterExternals.arpRequest(GatewayMac.of(Ipv4.parse("192.168.66.45")), Ipv4.parse("192.168.66.45"),
        Ipv4.parse("192.168.66.1"), OptionalInt.empty());
    io.switchboard.controller.spi.Frame frame = io.switchboard.controller.spi.Frame.parse(f);
    assertTrue(frame.isBroadcast());
    assertEquals(0x0806, frame.ethType());
    assertEquals(1, frame.arpOp());
    assertEquals(Ipv4.parse("192.168.66.45") & 0xffffffffL, frame.ipv4Src());
    assertEquals(Ipv4.parse("192.168.66.1") & 0xffffffffL, frame.ipv4Dst());
    byte[] tagged = RouterExternals.arpRequest(1, 2, 3, OptionalInt.of(70));
    assertEquals(70, io.switchboard.controller.spi.Frame.parse(tagged).vlan());
  }

  private static FlowEntry only(List<FlowEntry> flows, String... fragments) {
    List<FlowEntry> hits = flows.stream().filter(e -> {
      String t = e.toString();
      for (String f : fragments) {
        if (!t.contains(f)) {
          return false;
        }
      }
      return true;
    }).toList();
    assertEquals(1, hits.size(), hits.toString());
    return hits.get(0);
  }
}
