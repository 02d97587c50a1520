package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each rule compiles to, as readable golden dumps of the ACL stage. */
class AclFlowsTest {
  static final FakeSwitchView OVS0 = FakeSwitchView.of("ovs0", 5, "con6-eth", "con7-eth", "con8-eth");
  static final FakeSwitchView BR_INT = FakeSwitchView.of("br-int", 9, "vxlan0", "con6-eth");

  static final String HEADER = """
      apps: [acl]
      bridges:
        - bridge: ovs0
      overlay:
        hosts:
          - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24}
      """;

  /** The ACL entries a bridge gets for these rules (YAML list items under acl.rules). */
  static List<String> flows(SwitchView sw, String defaultAction, String... rules) {
    AclApp app = app(defaultAction, rules);
    List<String> out = new ArrayList<>();
    app.desiredFlows(sw, e -> out.add(e.toString()));
    return out;
  }

  static AclApp app(String defaultAction, String... rules) {
    StringBuilder yaml = new StringBuilder(HEADER).append("acl:\n  default: ").append(defaultAction)
        .append("\n  rules:\n");
    if (rules.length == 0) {
      yaml.setLength(yaml.length() - "\n  rules:\n".length() + 1);
    }
    for (String r : rules) {
      yaml.append("    - ").append(r).append('\n');
    }
    AclApp app = new AclApp();
    app.start(new FakeAppContext(yaml.toString()));
    return app;
  }

  static List<String> rule(SwitchView sw, String rule) {
    return flows(sw, "allow", rule);
  }

  @Test
  void inPortByNameIsResolvedOnEachBridge() {
    String r = "{name: r, priority: 200, match: {in-port: con7-eth}, action: drop}";
    assertEquals(List.of("acl priority=201 in_port=2 actions=drop"), rule(OVS0, r));
    FakeSwitchView other = FakeSwitchView.of("ovs1", 6, "x-eth", "y-eth", "z-eth", "con7-eth");
    assertEquals(List.of("acl priority=201 in_port=4 actions=drop"), rule(other, r));
  }

  @Test
  void inPortMissingOnTheBridgeInstallsNothingUntilItAppears() {
    String r = "{name: r, priority: 200, match: {in-port: con9-eth}, action: drop}";
    assertEquals(List.of(), rule(OVS0, r));
    assertEquals(List.of("acl priority=201 in_port=17 actions=drop"), rule(OVS0.withPort(17, "con9-eth"), r));
  }

  @Test
  void inPortByNumberAndLocal() {
    assertEquals(List.of("acl priority=11 in_port=7 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {in-port: 7}, action: drop}"));
    assertEquals(List.of("acl priority=11 in_port=4294967294 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {in-port: ovs0}, action: drop}"));
  }

  @Test
  void vlanAndMacs() {
    assertEquals(List.of("acl priority=11 vlan_vid=0x1064 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {vlan: 100}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_dst=02:00:00:00:01:03,eth_src=02:00:00:00:01:02 actions=goto:l3"),
        rule(OVS0, "{name: r, priority: 10, match: {eth-src: \"02:00:00:00:01:02\","
            + " eth-dst: \"02:00:00:00:01:03\"}, action: allow}"));
  }

  @Test
  void ethTypeByNameOrNumber() {
    assertEquals(List.of("acl priority=11 eth_type=0x806 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {eth-type: arp}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_type=0x88cc actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {eth-type: 0x88cc}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_type=0x800 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {eth-type: 2048}, action: drop}"));
  }

  @Test
  void ipv4AddressesAndPrefixesImplyEthTypeIpv4() {
    assertEquals(List.of("acl priority=11 eth_type=0x800,ipv4_src=192.168.1.2,ipv4_dst=192.168.2.0/24"
            + " actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {ipv4-src: 192.168.1.2, ipv4-dst: 192.168.2.7/24},"
            + " action: drop}"));
  }

  @Test
  void ipProtoByNameOrNumber() {
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=1 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {ip-proto: icmp}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=47 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {ip-proto: 47}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_type=0x86dd,ip_proto=58 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {eth-type: ipv6, ip-proto: 58}, action: drop}"));
  }

  @Test
  void transportPortsImplyTheirProtocolAndIpv4() {
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=22 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {tcp-dst: 22}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=6,tcp_src=1234 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {tcp-src: 1234}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=17,udp_dst=53 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {udp-dst: 53}, action: drop}"));
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=17,udp_src=68 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {udp-src: 68}, action: drop}"));
  }

  @Test
  void aFiveTupleRule() {
    assertEquals(List.of("acl priority=101 eth_type=0x800,ip_proto=6,ipv4_src=192.168.1.0/24,"
            + "ipv4_dst=192.168.2.0/24,tcp_dst=22 actions=drop"),
        rule(OVS0, "{name: no-ssh, priority: 100, match: {eth-type: ipv4, ip-proto: tcp,"
            + " ipv4-src: 192.168.1.0/24, ipv4-dst: 192.168.2.0/24, tcp-dst: 22}, action: drop}"));
  }

  @Test
  void aPortRangeBecomesMaskedMatches() {
    assertEquals(List.of(
            "acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=1000/65528 actions=drop",
            "acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=1008/65520 actions=drop",
            "acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=1024/65024 actions=drop",
            "acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=1536/65280 actions=drop",
            "acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=1792/65408 actions=drop",
            "acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=1920/65472 actions=drop",
            "acl priority=11 eth_type=0x800,ip_proto=6,tcp_dst=1984/65520 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {tcp-dst: 1000-1999}, action: drop}"));
  }

  @Test
  void sourceAndDestinationRangesGiveTheCrossProduct() {
    assertEquals(List.of(
            "acl priority=11 eth_type=0x800,ip_proto=17,udp_src=1,udp_dst=8/65534 actions=goto:l3",
            "acl priority=11 eth_type=0x800,ip_proto=17,udp_src=1,udp_dst=10 actions=goto:l3",
            "acl priority=11 eth_type=0x800,ip_proto=17,udp_src=2/65534,udp_dst=8/65534 actions=goto:l3",
            "acl priority=11 eth_type=0x800,ip_proto=17,udp_src=2/65534,udp_dst=10 actions=goto:l3"),
        rule(OVS0, "{name: r, priority: 10, match: {udp-src: 1-3, udp-dst: 8-10}, action: allow}"));
  }

  @Test
  void theWholePortRangeMatchesEveryPortOfTheProtocol() {
    assertEquals(List.of("acl priority=11 eth_type=0x800,ip_proto=6 actions=drop"),
        rule(OVS0, "{name: r, priority: 10, match: {tcp-dst: 0-65535}, action: drop}"));
  }

  @Test
  void priorityMapsToPriorityPlusOneAboveTheDefault() {
    assertEquals(List.of(
            "acl priority=65001 eth_type=0x800,ip_proto=1 actions=goto:l3",
            "acl priority=2 any actions=goto:l3",
            "acl priority=1 any actions=drop"),
        flows(OVS0, "drop",
            "{name: lowest, priority: 1, action: allow}",
            "{name: highest, priority: 65000, match: {ip-proto: icmp}, action: allow}"));
  }

  @Test
  void defaultAllowIsTheCoresMissAndDefaultDropIsOneEntry() {
    assertEquals(List.of(), flows(OVS0, "allow"));
    assertEquals(List.of("acl priority=1 any actions=drop"), flows(OVS0, "drop"));
  }

  @Test
  void bridgeScopeByNameOrDpid() {
    String byName = "{name: r, priority: 10, bridge: ovs0, match: {vlan: 5}, action: drop}";
    assertEquals(1, rule(OVS0, byName).size());
    assertEquals(List.of(), rule(BR_INT, byName));
    String byDpid = "{name: r, priority: 10, bridge: \"00:00:00:00:00:00:00:09\", match: {vlan: 5}, action: drop}";
    String yaml = HEADER.replace("- bridge: ovs0", "- bridge: ovs0\n  - bridge: \"00:00:00:00:00:00:00:09\"")
        + "acl:\n  rules:\n    - " + byDpid + "\n";
    AclApp app = new AclApp();
    app.start(new FakeAppContext(yaml));
    List<String> onBrInt = new ArrayList<>();
    app.desiredFlows(BR_INT, e -> onBrInt.add(e.toString()));
    List<String> onOvs0 = new ArrayList<>();
    app.desiredFlows(OVS0, e -> onOvs0.add(e.toString()));
    assertEquals(List.of("acl priority=11 vlan_vid=0x1005 actions=drop"), onBrInt);
    assertEquals(List.of(), onOvs0);
  }

  @Test
  void networkScopeMatchesTheVniInMetadataOnOverlayHostsOnly() {
    String r = "{name: r, priority: 10, network: net2, match: {ipv4-dst: 192.168.2.2}, action: drop}";
    assertEquals(List.of("acl priority=11 metadata=0xc8/0xffffff,eth_type=0x800,ipv4_dst=192.168.2.2 actions=drop"),
        rule(BR_INT, r));
    assertEquals(List.of(), rule(OVS0, r));
  }

  @Test
  void openFlow10BridgesGetNoAclEntries() {
    assertEquals(List.of(), flows(OVS0.openFlow10(), "drop", "{name: r, priority: 10, action: drop}"));
  }

  @Test
  void entriesAreTaggedWithTheirRuleAndTagsAreDescribed() {
    AclApp app = app("drop", "{name: isolate-con7, priority: 200, match: {in-port: con7-eth}, action: drop}",
        "{name: web, priority: 100, match: {tcp-dst: 80-81}, action: allow}");
    List<FlowEntry> entries = new ArrayList<>();
    app.desiredFlows(OVS0, entries::add);
    assertEquals(3, entries.size());
    assertTrue(entries.stream().allMatch(e -> e.stage() == Stage.ACL));
    assertEquals(RuleTags.of("isolate-con7"), entries.get(0).tag());
    assertEquals(RuleTags.of("web"), entries.get(1).tag());
    assertEquals(RuleTags.DEFAULT_TAG, entries.get(2).tag());
    assertEquals(Optional.of("isolate-con7"), app.describeTag(entries.get(0).tag()));
    assertEquals(Optional.of("web"), app.describeTag(entries.get(1).tag()));
    assertEquals(Optional.of("default"), app.describeTag(RuleTags.DEFAULT_TAG));
    assertEquals(Optional.empty(), app.describeTag(RuleTags.of("no-such-rule")));
    assertEquals(RuleTags.of("web"), RuleTags.of("web"));
    assertTrue(RuleTags.of("web") > 1 && RuleTags.of("web") <= RuleTags.MASK);
  }

  @Test
  void desiredFlowsAreDeterministic() {
    String[] rules = {"{name: b, priority: 10, match: {tcp-dst: 1-100}, action: drop}",
        "{name: a, priority: 10, match: {udp-dst: 1-100}, action: allow}",
        "{name: c, priority: 50, match: {vlan: 7}, action: drop}"};
    assertEquals(flows(OVS0, "drop", rules), flows(OVS0, "drop", rules));
    assertEquals("acl priority=51 vlan_vid=0x1007 actions=drop", flows(OVS0, "drop", rules).get(0));
  }
}
