package io.switchboard.apps.acl;

import static io.switchboard.config.Check.error;
import static io.switchboard.config.Check.errors;
import static io.switchboard.config.Check.load;
import static io.switchboard.config.Check.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.Check;
import io.switchboard.config.ConfigCheck;
import io.switchboard.config.ConfigError;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.EthType;
import io.switchboard.config.IpProto;
import io.switchboard.config.SwitchboardConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The {@code acl:} section, parsed through the config hook ({@link AclSection}): the same file:line: key.path errors
 * the config module gives for its own sections, merged with theirs in file order.
 */
class AclSectionTest {
  @Test
  void theDesignExamplesRules() {
    SwitchboardConfig c = load("""
        bridges:
          - bridge: ovs0
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
        """);
    AclSettings acl = AclSection.of(c);
    AclRule isolate = acl.rule("isolate-con7").orElseThrow();
    assertEquals(200, isolate.priority());
    assertEquals(Optional.of("ovs0"), isolate.bridge());
    assertEquals(Optional.of("con7-eth"), isolate.match().inPort());
    assertEquals(AclAction.DROP, isolate.action());
    AclRule ssh = acl.rule("no-ssh-to-net2").orElseThrow();
    assertEquals("eth-type=ipv4,ipv4-dst=192.168.2.0/24,ip-proto=tcp,tcp-dst=22", ssh.match().toString());
    assertEquals(List.of("isolate-con7", "no-ssh-to-net2"), acl.byPriority().stream().map(AclRule::name).toList());
    assertThrows(UnsupportedOperationException.class, () -> acl.rules().get(0).toMap().put("x", 1));
  }

  @Test
  void withoutASectionTheDefaultsHold() throws ConfigException {
    AclSettings d = AclSection.of(ConfigLoader.parse("", Check.FILE));
    assertEquals(AclAction.ALLOW, d.defaultAction());
    assertTrue(d.rules().isEmpty());
    assertEquals(d, AclSection.of(SwitchboardConfig.defaults()));
    assertEquals(d, AclSection.of(load("acl:\n")));
  }

  @Test
  void appErrorsAndCoreErrorsComeTogetherInFileOrder() {
    List<ConfigError> errs = errors("""
        openflow:
          listen: 0.0.0.0
        apps: [acll]
        acl:
          default: deny
          rules:
            - {name: r1, priority: 10, match: {tcp-dst: 22}, action: drop}
            - {name: r2, priority: 10, match: {tcp-dst: 70000}, action: drop}
        overlay:
          networks:
            - {name: net1, vni: 0, subnet: 10.0.0.0/24}
        reconcile: {audit-interval: 30}
        """);
    assertEquals(List.of(2, 3, 5, 8, 11, 12), errs.stream().map(ConfigError::line).distinct().toList(), text(errs));
    error(errs, 3, "apps[0]", "unknown app 'acll'", "did you mean 'acl'?");
    error(errs, 5, "acl.default", "expected allow or drop, got \"deny\"");
    assertEquals("t.yaml:8: acl.rules[1].match.tcp-dst: expected a port (0-65535) or a range lo-hi, got \"70000\"",
        error(errs, 8, "acl.rules[1].match.tcp-dst").toString());
    error(errs, 11, "overlay.networks[0].vni", "expected a VNI (1-16777215)");
  }

  @Test
  void unknownKeysInTheSectionSuggestTheNearest() {
    error("acl:\n  rules:\n    - {name: a, priority: 1, action: drop, macth: {}}\n", 3, "acl.rules[0].macth",
        "did you mean 'match'?");
    error("acl:\n  rulez: []\n", 2, "acl.rulez", "did you mean 'rules'?");
    error("acl: [1]\n", 1, "acl", "expected the acl settings (a mapping with default, rules, groups)");
  }

  @Test
  void aBrokenNetworkDeclarationIsNotReportedAgainByARule() {
    List<ConfigError> errs = errors("""
        overlay:
          hosts: [{name: h, bridge: br-int, tunnel-ip: 10.99.0.1}]
          networks: [{name: net1, vni: zero, subnet: 10.0.0.0/24}]
        bridges:
          - bridge: ovs0
        acl:
          rules: [{name: r, priority: 1, bridge: ovs0, network: net1, action: drop}]
        """);
    assertEquals(1, errs.size(), text(errs));
    error(errs, 3, "overlay.networks[0].vni");
  }

  @Test
  void theScenario3Example() throws Exception {
    SwitchboardConfig c = ConfigLoader.load(Path.of("../../config/examples/scenario3-acl.yaml"));
    assertEquals(List.of("l2-learning", "acl"), c.apps());
    AclRule isolate = AclSection.of(c).byPriority().get(0);
    assertEquals("isolate-con7", isolate.name());
    assertEquals("in-port=con7-eth", isolate.match().toString());
    assertEquals(AclAction.DROP, isolate.action());
  }

  @Test
  void checkConfigCountsTheRules() {
    Path f = Path.of("../../config/examples/scenario3-acl.yaml");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertEquals(0, ConfigCheck.run(f, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    assertEquals(f + ": OK (apps: l2-learning, acl, 1 bridge, 2 acl rules)",
        bytes.toString(StandardCharsets.UTF_8).split("\n")[0]);
  }

  @Test
  void aclRuleErrors() {
    List<ConfigError> errs = errors("""
        bridges:
          - bridge: ovs0
        acl:
          rules:
            - name: a
              priority: 0
              action: drop
            - name: b
              priority: 65001
            - name: a
              priority: 10
              action: reject
            - {priority: 5, action: drop, bridge: ovs00}
            - {name: e, priority: 5, action: drop, network: net1}
            - {name: f, priority: 5, action: drop, match: {ttl: 5}}
            - {name: "bad name", priority: 5, action: drop}
        """);
    error(errs, 6, "acl.rules[0].priority", "expected a priority (1-65000, higher wins), got \"0\"");
    error(errs, 9, "acl.rules[1].priority", "got \"65001\"");
    error(errs, 8, "acl.rules[1].action", "missing; expected allow, drop or allow-related");
    error(errs, 12, "acl.rules[2].action", "expected allow, drop or allow-related, got \"reject\"");
    error(errs, 13, "acl.rules[3].name", "missing");
    error(errs, 13, "acl.rules[3].bridge", "unknown bridge 'ovs00'; did you mean 'ovs0'?", "declare it under 'bridges:'");
    error(errs, 14, "acl.rules[4].network", "unknown network 'net1'; no overlay networks are declared");
    error(errs, 15, "acl.rules[5].match.ttl", "cannot match ttl");
    error(errs, 16, "acl.rules[6].name", "expected a name");
  }

  @Test
  void duplicateRuleNamesAndIdenticalRules() {
    List<ConfigError> errs = errors("""
        acl:
          rules:
            - {name: a, priority: 10, match: {tcp-dst: 22}, action: drop}
            - {name: a, priority: 20, action: drop}
            - {name: c, priority: 10, match: {ip-proto: tcp, tcp-dst: 22}, action: allow}
        """);
    error(errs, 4, "acl.rules[1].name", "a rule named 'a' already exists");
    error(errs, 5, "acl.rules[2].priority", "rule 'a' has the same priority, scope and match");
  }

  @Test
  void aDuplicateNameIsReportedAlongWithTheRulesOtherErrors() {
    List<ConfigError> errs = errors("""
        acl:
          rules:
            - {name: a, priority: 10, action: drop}
            - {name: a, priority: 70000, action: drop}
            - {name: b, priority: 0, action: drop}
            - {name: b, priority: 20, action: drop}
        """);
    error(errs, 4, "acl.rules[1].name", "a rule named 'a' already exists");
    error(errs, 4, "acl.rules[1].priority", "1-65000");
    error(errs, 6, "acl.rules[3].name", "a rule named 'b' already exists");
    assertEquals(4, errs.size(), errs.toString());
  }

  @Test
  void aclReferencesResolveAgainstBridgesOverlayHostsAndNetworks() {
    SwitchboardConfig c = load("""
        apps: [vxlan-overlay, acl]
        overlay:
          hosts: [{name: h1, bridge: br-int, tunnel-ip: 10.0.0.1}]
          networks: [{name: net1, vni: 5, subnet: 192.168.1.0/24}]
        acl:
          default: drop
          rules:
            - {name: a, priority: 10, bridge: br-int, network: net1, match: {udp-dst: 53}, action: allow}
        """);
    AclRule a = AclSection.of(c).rules().get(0);
    assertEquals(AclAction.DROP, AclSection.of(c).defaultAction());
    assertEquals(Optional.of("br-int"), a.bridge());
    assertEquals(Optional.of("net1"), a.network());
    assertEquals(OptionalInt.of(IpProto.UDP), a.match().ipProto());
    assertEquals(OptionalInt.of(EthType.IPV4), a.match().ethType());
  }

  @Test
  void aclMatchContradictionsNameTheField() {
    List<ConfigError> errs = errors("""
        acl:
          rules:
            - name: a
              priority: 10
              match:
                ip-proto: udp
                tcp-dst: 22
              action: drop
            - name: b
              priority: 10
              match: {eth-type: arp, ipv4-dst: 10.0.0.0/8}
              action: drop
        """);
    error(errs, 7, "acl.rules[0].match.tcp-dst", "tcp-dst needs ip-proto tcp, but ip-proto is udp");
    error(errs, 11, "acl.rules[1].match.ipv4-dst", "ipv4-dst needs eth-type ipv4, but eth-type is arp");
  }
}
