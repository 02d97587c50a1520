package io.switchboard.apps.staticflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigError;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.Stage;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The app's own config section: parsed by the app, reported by the loader like the core's sections. */
class StaticFlowsSectionTest {

  static List<StaticFlow> flows(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "t.yaml").section(StaticFlowsSection.INSTANCE);
  }

  static String errors(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml")).errors().stream()
        .map(ConfigError::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void flowsAreParsedWithTheirDefaults() throws Exception {
    List<StaticFlow> fs = flows("""
        apps: [static-flows]
        bridges:
          - bridge: ovs0
        static-flows:
          flows:
            - {name: no-ssh, bridge: ovs0, stage: classify, priority: 500, match: {tcp-dst: 22}}
            - {name: tap, stage: ACL, priority: 400, match: {in-port: p1}, output: [p9, 3], continue: true}
        """);
    assertEquals(2, fs.size());
    StaticFlow ssh = fs.get(0);
    assertEquals(Optional.of("ovs0"), ssh.bridge());
    assertEquals(Stage.CLASSIFY, ssh.stage());
    assertEquals("eth-type=ipv4,ip-proto=tcp,tcp-dst=22", ssh.match().toString(), "prerequisites filled in");
    assertEquals(List.of(), ssh.output());
    assertEquals("config", ssh.source());
    StaticFlow tap = fs.get(1);
    assertEquals(Optional.empty(), tap.bridge());
    assertEquals(Stage.ACL, tap.stage());
    assertEquals(List.of("p9", "3"), tap.output());
    assertTrue(tap.goOn());
  }

  @Test
  void withoutASectionThereAreNoFlows() throws Exception {
    assertEquals(List.of(), flows(""));
    assertEquals(List.of(), SwitchboardConfig.defaults().section(StaticFlowsSection.INSTANCE));
  }

  @Test
  void errorsNameFileLineAndKeyLikeTheCoresOwn() {
    String e = errors("""
        bridges:
          - bridge: ovs0
        static-flows:
          flows:
            - {name: a, stage: clasify, priority: 10}
            - {name: b, stage: l2, priority: 0, bridge: ovs9}
            - {name: c, stage: acl, priority: 10, match: {tcp-dst: 1000-2000, ttl: 3}}
            - {name: d, stage: egress, priority: 10, continue: true}
            - {name: e, stage: acl, priority: 10, match: {in-port: p1}, output: p2}
            - {stage: acl, priority: 10, colour: red}
        """);
    assertEquals(String.join("\n",
        "t.yaml:5: static-flows.flows[0].stage: expected a stage (classify, acl, l3, learn, l2, egress), got \"clasify\"; "
            + "did you mean 'classify'?",
        "t.yaml:6: static-flows.flows[1].bridge: unknown bridge 'ovs9'; did you mean 'ovs0'? (known: ovs0); declare it "
            + "under 'bridges:'",
        "t.yaml:6: static-flows.flows[1].priority: expected a priority (1-65535, higher wins), got \"0\" (out of range)",
        "t.yaml:7: static-flows.flows[2].match.tcp-dst: a static flow matches one port, not a range (1000-2000); "
            + "write one flow per port",
        "t.yaml:7: static-flows.flows[2].match.ttl: OpenFlow cannot match ttl",
        "t.yaml:8: static-flows.flows[3].continue: the egress stage is the last: there is no next stage",
        "t.yaml:9: static-flows.flows[4].output: expected a list of port names or numbers, got \"p2\"",
        "t.yaml:10: static-flows.flows[5].colour: unknown key; expected one of: name, bridge, stage, priority, match, "
            + "output, continue",
        "t.yaml:10: static-flows.flows[5].name: missing; expected a name (letters, digits, '.', '_', '-')"), e);
  }

  @Test
  void twoFlowsMayNotShareANameOrAnEntry() {
    String e = errors("""
        static-flows:
          flows:
            - {name: a, stage: acl, priority: 10, match: {udp-dst: 53}}
            - {name: a, stage: acl, priority: 20}
            - {name: b, stage: acl, priority: 10, match: {ip-proto: udp, udp-dst: 53}, output: [p1]}
        """);
    assertEquals(String.join("\n",
        "t.yaml:4: static-flows.flows[1].name: a flow named 'a' already exists (line 3)",
        "t.yaml:5: static-flows.flows[2].priority: another flow has the same bridge, stage, priority and match; a "
            + "switch holds only one of them"), e);
  }

  @Test
  void aMisspeltSectionIsSuggestedAndAnUnknownOneNamesTheAppsSections() {
    assertEquals("t.yaml:1: static-flow: unknown key; did you mean 'static-flows'?", errors("static-flow: {}\n"));
    String e = errors("mirror: {}\n");
    assertTrue(e.startsWith("t.yaml:1: mirror: unknown section; expected one of the core's (openflow, rest, cluster, "
        + "apps, bridges, reconcile) or an app's ("), e);
    assertTrue(e.contains("static-flows of app static-flows"), e);
  }

  @Test
  void theExampleOfTheFirstAppPageLoads() throws Exception {
    String page = java.nio.file.Files.readString(java.nio.file.Path.of("../../docs/first-app.md"));
    int start = page.indexOf("```yaml\n") + "```yaml\n".length();
    String yaml = page.substring(start, page.indexOf("```", start));
    List<StaticFlow> fs = flows(yaml);
    assertEquals(List.of("no-ssh", "tap"), fs.stream().map(StaticFlow::name).toList());
    assertEquals(List.of(), fs.get(0).output());
    assertTrue(fs.get(1).goOn());
  }
}
