package io.switchboard.apps.acl;

import static io.switchboard.apps.acl.AclFlowsTest.BR_INT;
import static io.switchboard.apps.acl.AclFlowsTest.OVS0;
import static io.switchboard.apps.acl.AclFlowsTest.flows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.config.ConfigLoader;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What allow-related compiles to: the conntrack pass, the invalid / established / related entries, the commit. */
class StatefulAclFlowsTest {
  static final String SSH = "{name: ssh, priority: 100, match: {ipv4-src: 192.168.1.3, ipv4-dst: 192.168.2.0/24,"
      + " tcp-dst: 22}, action: allow-related}";

  @Test
  void allowRelatedOnAnL2BridgeTracksInTheBridgesZone() {
    assertEquals(List.of(
        "acl priority=101 eth_type=0x800,ip_proto=6,ipv4_src=192.168.1.3,ipv4_dst=192.168.2.0/24,tcp_dst=22,"
            + "ct_state=+trk+new actions=ct(commit,zone=NXM_NX_CT_ZONE[]),goto:l3",
        "acl priority=65010 eth_type=0x800,ct_state=-trk actions=ct(table=acl,zone=61445)",
        "acl priority=65009 ct_state=+trk+inv actions=drop",
        "acl priority=65008 ct_state=+trk+est actions=goto:l3",
        "acl priority=65007 ct_state=+trk+rel actions=goto:l3",
        "acl priority=1 any actions=drop"), flows(OVS0, "drop", SSH));
  }

  @Test
  void onAnOverlayHostEachNetworkIsTrackedInItsZone() {
    List<String> f = flows(BR_INT, "drop", "{name: ssh, priority: 100, network: net1, match: {tcp-dst: 22},"
        + " action: allow-related}");
    assertEquals(List.of(
        "acl priority=101 metadata=0x64/0xffffff,eth_type=0x800,ip_proto=6,tcp_dst=22,ct_state=+trk+new"
            + " actions=ct(commit,zone=NXM_NX_CT_ZONE[]),goto:l3",
        "acl priority=65010 metadata=0x64/0xffffff,eth_type=0x800,ct_state=-trk actions=ct(table=acl,zone=100)",
        "acl priority=65010 metadata=0xc8/0xffffff,eth_type=0x800,ct_state=-trk actions=ct(table=acl,zone=200)",
        "acl priority=65009 ct_state=+trk+inv actions=drop",
        "acl priority=65008 ct_state=+trk+est actions=goto:l3",
        "acl priority=65007 ct_state=+trk+rel actions=goto:l3",
        "acl priority=1 any actions=drop"), f);
  }

  @Test
  void stateRulesAndStatelessRulesTogether() {
    List<String> f = flows(OVS0, "drop", SSH, "{name: arp, priority: 10, match: {eth-type: arp}, action: allow}",
        "{name: v6, priority: 20, match: {eth-type: ipv6}, action: allow-related}",
        "{name: telnet, priority: 200, match: {tcp-dst: 23}, action: drop}");
    assertEquals(List.of(
        "acl priority=201 eth_type=0x800,ip_proto=6,tcp_dst=23 actions=drop",
        "acl priority=101 eth_type=0x800,ip_proto=6,ipv4_src=192.168.1.3,ipv4_dst=192.168.2.0/24,tcp_dst=22,"
            + "ct_state=+trk+new actions=ct(commit,zone=NXM_NX_CT_ZONE[]),goto:l3",
        "acl priority=21 eth_type=0x86dd,ct_state=+trk+new actions=ct(commit,zone=NXM_NX_CT_ZONE[]),goto:l3",
        "acl priority=11 eth_type=0x806 actions=goto:l3",
        "acl priority=65010 eth_type=0x800,ct_state=-trk actions=ct(table=acl,zone=61445)",
        "acl priority=65010 eth_type=0x86dd,ct_state=-trk actions=ct(table=acl,zone=61445)",
        "acl priority=65009 ct_state=+trk+inv actions=drop",
        "acl priority=65008 ct_state=+trk+est actions=goto:l3",
        "acl priority=65007 ct_state=+trk+rel actions=goto:l3",
        "acl priority=1 any actions=drop"), f);
  }

  @Test
  void withoutAStatefulRuleOnTheBridgeNothingIsTracked() {
    String scoped = "{name: ssh, priority: 100, bridge: br-int, match: {tcp-dst: 22}, action: allow-related}";
    assertEquals(List.of("acl priority=1 any actions=drop"), flows(OVS0, "drop", scoped));
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=1 actions=goto:l3"),
        flows(OVS0, "allow", "{name: icmp, priority: 10, match: {ip-proto: icmp}, action: allow}"));
  }

  @Test
  void openFlow15BridgesGetTheStatelessRulesOnly() {
    SwitchView of15 = new SwitchView() {
      public long dpid() {
        return OVS0.dpid();
      }

      public String name() {
        return OVS0.name();
      }

      public String openFlowVersion() {
        return "1.5";
      }

      public boolean multiTable() {
        return true;
      }

      public Collection<PortInfo> ports() {
        return OVS0.ports();
      }

      public Optional<PortInfo> port(String name) {
        return OVS0.port(name);
      }

      public Optional<PortInfo> port(long number) {
        return OVS0.port(number);
      }
    };
    assertEquals(List.of("acl priority=201 eth_type=0x800,ip_proto=6,tcp_dst=23 actions=drop",
        "acl priority=1 any actions=drop"), flows(of15, "drop", SSH,
        "{name: telnet, priority: 200, match: {tcp-dst: 23}, action: drop}"));
  }

  @Test
  void routedNetworksShareTheLowestVnisZoneAndLargeVnisFold() throws Exception {
    var config = ConfigLoader.parse("""
        apps: [acl]
        overlay:
          hosts:
            - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
          networks:
            - {name: a, vni: 300, subnet: 10.0.1.0/24, gateway: 10.0.1.1}
            - {name: b, vni: 200, subnet: 10.0.2.0/24, gateway: 10.0.2.1}
            - {name: c, vni: 100, subnet: 10.0.3.0/24, gateway: 10.0.3.1}
            - {name: d, vni: 70000, subnet: 10.0.4.0/24}
          routers:
            - {name: r1, networks: [a, b]}
        """, "t.yaml");
    assertEquals(Map.of(300L, 200, 200L, 200, 100L, 100, 70000L, 4465), ConntrackZones.of(config.topology()).zoneOfVni());
    assertEquals(65535, ConntrackZones.fold(65535));
    assertEquals(1, ConntrackZones.fold(65536));
  }

  @Test
  void conntrackEntriesAreDescribed() {
    AclApp app = AclFlowsTest.app("drop", SSH);
    List<FlowEntry> out = new ArrayList<>();
    app.desiredFlows(OVS0, out::add);
    FlowEntry pass = out.stream().filter(e -> e.priority() == AclFlows.CT_PASS_PRIORITY).findFirst().orElseThrow();
    assertEquals("conntrack", app.describeTag(pass.tag()).orElseThrow());
    assertEquals("ssh", app.describeTag(out.get(0).tag()).orElseThrow());
  }
}
