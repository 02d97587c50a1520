package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Shadowed rules and same-priority overlaps with different actions. */
class RuleWarningsTest {

  private static Map<String, List<String>> warnings(String... rules) {
    AclApp app = AclFlowsTest.app("allow", rules);
    return app.book().warnings();
  }

  @Test
  void aBroaderHigherRuleShadowsANarrowerLowerOne() {
    Map<String, List<String>> w = warnings(
        "{name: drop-10, priority: 200, match: {ipv4-dst: 10.0.0.0/8}, action: drop}",
        "{name: ssh-10-1, priority: 100, match: {ipv4-dst: 10.1.0.0/16, tcp-dst: 22}, action: allow}");
    assertEquals(List.of(), w.get("drop-10"));
    assertEquals(1, w.get("ssh-10-1").size(), w.toString());
    assertTrue(w.get("ssh-10-1").get(0).startsWith("shadowed"), w.toString());
    assertTrue(w.get("ssh-10-1").get(0).contains("'drop-10' (priority 200, drop)"), w.toString());
  }

  @Test
  void aNarrowerHigherRuleDoesNotShadow() {
    Map<String, List<String>> w = warnings(
        "{name: allow-ssh, priority: 200, match: {ipv4-dst: 10.1.0.0/16, tcp-dst: 22}, action: allow}",
        "{name: drop-10, priority: 100, match: {ipv4-dst: 10.0.0.0/8}, action: drop}");
    assertEquals(List.of(), w.get("allow-ssh"));
    assertEquals(List.of(), w.get("drop-10"));
  }

  @Test
  void everyMaskOfARangeMustBeCovered() {
    Map<String, List<String>> w = warnings(
        "{name: low-ports, priority: 200, match: {tcp-dst: 0-4095}, action: drop}",
        "{name: some, priority: 100, match: {tcp-dst: 1000-1999}, action: allow}",
        "{name: across, priority: 100, match: {tcp-dst: 4000-4100}, action: allow}");
    assertTrue(w.get("some").get(0).startsWith("shadowed"), w.toString());
    assertEquals(List.of(), w.get("across"));
  }

  @Test
  void inPortsCompareByName() {
    Map<String, List<String>> w = warnings(
        "{name: isolate, priority: 200, match: {in-port: con7-eth}, action: drop}",
        "{name: ssh-from-con7, priority: 100, match: {in-port: con7-eth, tcp-dst: 22}, action: allow}",
        "{name: ssh-from-con6, priority: 100, match: {in-port: con6-eth, tcp-dst: 22}, action: drop}");
    assertTrue(w.get("ssh-from-con7").get(0).startsWith("shadowed"), w.toString());
    assertEquals(List.of(), w.get("ssh-from-con6"));
  }

  @Test
  void scopesMatter() {
    Map<String, List<String>> w = warnings(
        "{name: on-ovs0, priority: 200, bridge: ovs0, action: drop}",
        "{name: everywhere, priority: 100, match: {vlan: 5}, action: allow}",
        "{name: on-ovs0-too, priority: 100, bridge: ovs0, match: {vlan: 5}, action: allow}",
        "{name: net1-only, priority: 300, network: net1, action: drop}",
        "{name: all-ipv4, priority: 250, match: {eth-type: ipv4}, action: allow}");
    assertEquals(List.of(), w.get("everywhere"), w.toString());
    assertTrue(w.get("on-ovs0-too").get(0).contains("'on-ovs0'"), w.toString());
    assertEquals(List.of(), w.get("all-ipv4"), w.toString());
  }

  @Test
  void sameActionOverlapAtTheSamePriorityIsFine() {
    Map<String, List<String>> w = warnings(
        "{name: a, priority: 100, match: {ipv4-src: 10.0.0.0/8}, action: drop}",
        "{name: b, priority: 100, match: {tcp-dst: 22}, action: drop}");
    assertEquals(List.of(), w.get("a"));
    assertEquals(List.of(), w.get("b"));
  }

  @Test
  void differentActionOverlapAtTheSamePriorityIsWarnedOnBoth() {
    Map<String, List<String>> w = warnings(
        "{name: a, priority: 100, match: {ipv4-src: 10.0.0.0/8}, action: allow}",
        "{name: b, priority: 100, match: {tcp-dst: 22}, action: drop}",
        "{name: c, priority: 100, match: {ipv4-src: 11.0.0.0/8, udp-dst: 53}, action: drop}");
    assertEquals(1, w.get("a").size(), w.toString());
    assertTrue(w.get("a").get(0).startsWith("overlaps rule 'b' at the same priority (100)"), w.toString());
    assertTrue(w.get("b").get(0).startsWith("overlaps rule 'a'"), w.toString());
    assertEquals(List.of(), w.get("c"), "11/8 and 10/8 are disjoint: " + w);
  }

  @Test
  void disjointPortRangesDoNotOverlap() {
    Map<String, List<String>> w = warnings(
        "{name: a, priority: 100, match: {tcp-dst: 1000-1999}, action: allow}",
        "{name: b, priority: 100, match: {tcp-dst: 2000-2999}, action: drop}",
        "{name: c, priority: 100, match: {tcp-dst: 1999-2000, ipv4-src: 10.0.0.1}, action: drop}");
    assertEquals(1, w.get("a").size(), w.toString());
    assertTrue(w.get("a").get(0).contains("'c'"), w.toString());
    assertEquals(List.of(), w.get("b"), w.toString());
  }
}
