package io.switchboard.apps.acl;

import io.switchboard.config.PacketMatch;
import io.switchboard.config.Check;
import io.switchboard.config.ConfigError;
import io.switchboard.config.Result;
import io.switchboard.config.SwitchboardConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The REST side: one rule from a JSON body, errors without file or line. */
class AclRulesTest {
  /** The example of docs/configuration.md (its acl, bridges and overlay). */
  static final String DESIGN_EXAMPLE = """
      openflow:
        listen: 0.0.0.0:6653
        echo-interval: 5s            # keepalive
      rest:
        listen: 127.0.0.1:8080
      cluster:
        enabled: false
        bind: 127.0.0.1:5701
        members: [127.0.0.1:5701, 127.0.0.1:5702]
      apps: [l2-learning, acl]

      bridges:
        - bridge: ovs0
          ports:
            con6-eth: {vlan: 100}
            con7-eth: {vlan: 200}
            vxlan1: {trunk: [100, 200]}

      acl:
        default: allow
        rules:
          - name: isolate-con7
            priority: 200
            bridge: ovs0
            match: {in-port: con7-eth}
            action: drop
          - name: no-ssh-to-net2
            priority: 100
            match: {eth-type: ipv4, ip-proto: tcp, ipv4-dst: 192.168.2.0/24, tcp-dst: 22}
            action: drop

      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
        routers:
          - {name: r1, networks: [net1, net2]}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
      """;


  static final Set<String> BRIDGES = Set.of("ovs0", "br-int");
  static final Set<String> NETWORKS = Set.of("net1", "net2");

  private static Map<String, Object> body(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void parsesARule() {
    Result<AclRule> r = AclRules.parseRule(body("name", "no-ssh", "priority", 100, "bridge", "ovs0",
        "match", Map.of("ipv4-dst", "192.168.2.0/24", "tcp-dst", 22), "action", "drop"), BRIDGES, NETWORKS);
    assertTrue(r.isOk(), r::toString);
    AclRule rule = r.value();
    assertEquals("no-ssh", rule.name());
    assertEquals(100, rule.priority());
    assertEquals(Optional.of("ovs0"), rule.bridge());
    assertEquals(Optional.empty(), rule.network());
    assertEquals("eth-type=ipv4,ipv4-dst=192.168.2.0/24,ip-proto=tcp,tcp-dst=22", rule.match().toString());
    assertEquals(AclAction.DROP, rule.action());
    assertEquals(rule, AclRules.parseRule(rule.toMap(), BRIDGES, NETWORKS).value(), "toMap parses back");
    assertEquals(PacketMatch.ANY,
        AclRules.parseRule(body("name", "all", "priority", 1, "action", "allow"), BRIDGES, NETWORKS).value().match());
  }

  @Test
  void allowRelatedTracksIpOnly() {
    Result<AclRule> r = AclRules.parseRule(body("name", "ssh", "priority", 100,
        "match", Map.of("in-port", "con7-eth"), "action", "allow-related"), BRIDGES, NETWORKS);
    assertTrue(r.isOk(), r::toString);
    assertEquals(AclAction.ALLOW_RELATED, r.value().action());
    assertEquals("in-port=con7-eth,eth-type=ipv4", r.value().match().toString(), "no eth-type means IPv4");
    assertEquals("allow-related", r.value().toMap().get("action"));
    assertEquals(r.value(), AclRules.parseRule(r.value().toMap(), BRIDGES, NETWORKS).value(), "toMap parses back");
    assertTrue(AclRules.parseRule(body("name", "v6", "priority", 1, "match", Map.of("eth-type", "ipv6"),
        "action", "allow-related"), BRIDGES, NETWORKS).isOk());
    Result<AclRule> arp = AclRules.parseRule(body("name", "a", "priority", 1, "match", Map.of("eth-type", "arp"),
        "action", "allow-related"), BRIDGES, NETWORKS);
    assertEquals("action: allow-related tracks IP connections, but the rule matches eth-type arp; use allow for"
        + " non-IP traffic", arp.errorText());
  }

  @Test
  void reportsEveryErrorWithARelativePath() {
    Result<AclRule> r = AclRules.parseRule(body("name", "x", "priority", 0, "bridge", "ovs9", "network", "net3",
        "match", Map.of("tcp-dst", 70000, "eth-typ", "ipv4"), "action", "reject", "comment", "hi"), BRIDGES, NETWORKS);
    assertFalse(r.isOk());
    List<String> errors = r.errors().stream().map(ConfigError::toString).toList();
    assertEquals(List.of(
        "comment: unknown key; expected one of: name, priority, bridge, network, match, action",
        "priority: expected a priority (1-65000, higher wins), got \"0\" (out of range)",
        "bridge: unknown bridge 'ovs9'; did you mean 'ovs0'? (known: br-int, ovs0); declare it under 'bridges:' or as an overlay host's bridge",
        "network: unknown network 'net3'; did you mean 'net1'? (overlay networks: net1, net2)",
        "match.eth-typ: unknown key; did you mean 'eth-type'?",
        "match.tcp-dst: expected a port (0-65535) or a range lo-hi, got \"70000\"",
        "action: expected allow, drop or allow-related, got \"reject\""), errors);
    assertTrue(r.errors().stream().allMatch(e -> e.file() == null && e.line() == 0));
    assertTrue(r.errorText().contains("; "));
  }

  @Test
  void missingFieldsAndNonObjects() {
    Result<AclRule> r = AclRules.parseRule(body(), BRIDGES, NETWORKS);
    assertEquals(List.of("name: missing; expected a name (letters, digits, '.', '_', '-')",
            "priority: missing; expected a priority (1-65000, higher wins)",
            "action: missing; expected allow, drop or allow-related"),
        r.errors().stream().map(ConfigError::toString).toList());
    assertEquals("expected an ACL rule (a mapping with name, priority, bridge, network, match, action), got nothing",
        AclRules.parseRule(null, BRIDGES, NETWORKS).errorText());
    assertEquals("match: expected a mapping of packet fields (in-port, vlan, eth-src, eth-dst, eth-type, ipv4-src, "
            + "ipv4-dst, ip-proto, tcp-src, tcp-dst, udp-src, udp-dst, ttl, tun-id), got \"tcp\"",
        AclRules.parseRule(body("name", "a", "priority", 1, "action", "drop", "match", "tcp"), BRIDGES, NETWORKS)
            .errorText());
  }

  @Test
  void contradictionsInTheMatch() {
    Result<AclRule> r = AclRules.parseRule(body("name", "a", "priority", 5, "action", "drop",
        "match", Map.of("ip-proto", "udp", "tcp-dst", 22)), BRIDGES, NETWORKS);
    assertEquals("match.tcp-dst: tcp-dst needs ip-proto tcp, but ip-proto is udp", r.errorText());
  }

  @Test
  void dpidScopedRules() {
    Result<AclRule> r = AclRules.parseRule(body("name", "a", "priority", 5, "action", "drop", "bridge", "0x1"),
        Set.of("00:00:00:00:00:00:00:01"), Set.of());
    assertTrue(r.isOk(), r::toString);
    assertEquals("bridge: unknown bridge 'ovs0'; no bridges are declared; declare it under 'bridges:' or as an "
        + "overlay host's bridge", AclRules.parseRule(body("name", "a", "priority", 5, "action", "drop",
        "bridge", "ovs0"), Set.of(), Set.of()).errorText());
  }

  @Test
  void knownNamesComeFromTheConfig() {
    SwitchboardConfig c = Check.load(DESIGN_EXAMPLE);
    assertEquals(Set.of("ovs0", "br-int"), AclRules.knownBridges(c));
    assertEquals(Set.of("net1", "net2"), AclRules.knownNetworks(c.topology()));
    assertTrue(AclRules.parseRule(body("name", "n", "priority", 5, "action", "drop", "network", "net2",
        "bridge", "br-int"), c).isOk());
  }

  @Test
  void conflictsWithExistingRules() {
    SwitchboardConfig c = Check.load(DESIGN_EXAMPLE);
    AclRule sameName = AclRules.parseRule(body("name", "isolate-con7", "priority", 1, "action", "allow"), c).value();
    assertEquals("name: a rule named 'isolate-con7' already exists",
        AclRules.conflicts(sameName, AclSection.of(c).rules()).get(0).toString());
    AclRule sameFlow = AclRules.parseRule(body("name", "other", "priority", 100, "action", "allow",
        "match", Map.of("tcp-dst", 22, "ipv4-dst", "192.168.2.0/24")), c).value();
    assertEquals("priority: rule 'no-ssh-to-net2' has the same priority, scope and match; a switch can hold only one "
        + "of them", AclRules.conflicts(sameFlow, AclSection.of(c).rules()).get(0).toString());
    AclRule fine = AclRules.parseRule(body("name", "other", "priority", 101, "action", "allow"), c).value();
    assertTrue(AclRules.conflicts(fine, AclSection.of(c).rules()).isEmpty());
  }
}
