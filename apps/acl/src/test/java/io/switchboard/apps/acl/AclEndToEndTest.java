package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.ControllerHarness.Response;
import io.switchboard.testbed.BackgroundProcess;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.CommandResult;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ACL on real OVS: one bridge ovs0 with con6 192.168.1.2, con7 .3 and con8 .4, forwarding by the test-only
 * {@link FloodApp} through the ACL stage, rules added and removed through the REST API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AclEndToEndTest {
  static final String YAML = """
      apps: [flood, acl]
      bridges:
        - bridge: ovs0
      acl:
        default: %s
        rules:
          - {name: cfg-no-telnet, priority: 10, match: {tcp-dst: 23}, action: drop}
      %s
      """;
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("acle");

  static TestBed bed;
  static SimHost host;
  static Bridge ovs0;
  static Container con6;
  static Container con7;
  static Container con8;
  static ControllerHarness ctl;

  @BeforeAll
  static void setUp() throws Exception {
    bed = e2e.bed();
    host = bed.host("h1");
    ovs0 = host.addBridge("ovs0", 0xac1L);
    con6 = bed.container(host, "con6", "ovs0", "192.168.1.2/24", "02:00:00:00:01:02");
    con7 = bed.container(host, "con7", "ovs0", "192.168.1.3/24", "02:00:00:00:01:03");
    con8 = bed.container(host, "con8", "ovs0", "192.168.1.4/24", "02:00:00:00:01:04");
    ctl = e2e.start(YAML.formatted("allow", ""), new FloodApp(), new AclApp());
    ctl.connect(ovs0);
    assertTrue(con6.canReachWithin(con7.ip(), SETTLE), "forwarding through the ACL stage works at all");
  }

  /** Every test leaves only the config rule behind. */
  @AfterEach
  void removeApiRules() throws Exception {
    for (Map<String, Object> r : rules()) {
      if ("api".equals(r.get("source"))) {
        ctl.delete("/acl/rules/" + r.get("name"));
      }
    }
    awaitAclFlows(flows -> flows.stream().noneMatch(f -> !f.contains("priority=0 ") && !f.contains("tp_dst=23")));
  }

  @Test
  @Order(1)
  void scenario3DropRuleCutsCon7OffAndDeletingItRestoresIt() throws Exception {
    assertTrue(con7.canReachWithin(con8.ip(), SETTLE));
    Map<String, FlowStats> before = flowStats(ovs0.dumpFlows());

    Response posted = ctl.post("/acl/rules", """
        {"name": "isolate-con7", "priority": 200, "match": {"in-port": "con7-eth"}, "action": "drop"}""");
    assertEquals(201, posted.status(), posted.body());
    assertEquals("api", json(posted.body()).get("source"));
    String dropFlow = "priority=201,in_port=" + con7.ofport() + " actions=drop";
    awaitAclFlows(flows -> flows.stream().anyMatch(f -> f.contains(dropFlow)));

    assertFalse(con7.canReach(con6.ip()), "con7 is cut off");
    assertFalse(con8.canReach(con7.ip()), "nothing from con7 comes back");
    assertTrue(con6.canReach(con8.ip()), "con6 <-> con8 keeps working");

    ControllerHarness.awaitTrue("the rule counts con7's packets", SETTLE, () -> hits("isolate-con7") >= 3);
    long counted = hits("isolate-con7");
    assertFalse(con7.canReach(con8.ip()));
    ControllerHarness.awaitTrue("the rule's hit counter grows", SETTLE, () -> hits("isolate-con7") > counted);
    assertEquals(List.of("ovs0"), rule("isolate-con7").get("installed-on"));
    Map<String, Object> flow = ctlFlows().stream().filter(f -> Integer.valueOf(201).equals(f.get("priority")))
        .findFirst().orElseThrow();
    assertEquals("isolate-con7", flow.get("rule"), "describeTag names the rule in the flow list");

    Response deleted = ctl.delete("/acl/rules/isolate-con7");
    assertEquals(200, deleted.status(), deleted.body());
    awaitAclFlows(flows -> flows.stream().noneMatch(f -> f.contains(dropFlow)));
    assertTrue(con7.canReachWithin(con6.ip(), SETTLE), "deleting the rule restores con7");
    assertEquals(404, ctl.get("/acl/rules/isolate-con7").status());

    Map<String, FlowStats> after = flowStats(ovs0.dumpFlows());
    assertEquals(before.keySet(), after.keySet(), "the same flows as before the rule");
    before.forEach((key, b) -> {
      FlowStats a = after.get(key);
      assertTrue(a.duration() >= b.duration(), "never re-installed (duration not reset): " + key + " " + b + " -> " + a);
      assertTrue(a.packets() >= b.packets(), "counters kept: " + key + " " + b + " -> " + a);
    });
    FlowStats floodBefore = before.get(floodKey(before));
    FlowStats floodAfter = after.get(floodKey(before));
    assertTrue(floodAfter.packets() > floodBefore.packets(), "the L2 flood entry kept counting: " + floodAfter);
  }

  @Test
  @Order(2)
  void fiveTupleRuleDropsSshToASubnetOnly() throws Exception {
    List<BackgroundProcess> servers = new ArrayList<>();
    try {
      for (int port : new int[] {22, 80, 1500, 2000}) {
        servers.add(con8.spawn("socat", "TCP-LISTEN:" + port + ",fork,reuseaddr", "SYSTEM:echo ok"));
      }
      servers.add(con7.spawn("socat", "TCP-LISTEN:22,fork,reuseaddr", "SYSTEM:echo ok"));
      ControllerHarness.awaitTrue("the TCP servers answer", SETTLE,
          () -> tcp(con6, con8, 22) && tcp(con6, con8, 2000) && tcp(con6, con7, 22));

      post("""
          {"name": "no-ssh-to-con8-net", "priority": 100,
           "match": {"ipv4-dst": "192.168.1.4/30", "tcp-dst": 22}, "action": "drop"}""");
      post("""
          {"name": "no-1000s", "priority": 100,
           "match": {"ipv4-dst": "192.168.1.4", "tcp-dst": "1000-1999"}, "action": "drop"}""");
      awaitAclFlows(flows -> flows.stream().anyMatch(f -> f.contains("priority=101,tcp,nw_dst=192.168.1.4/30,tp_dst=22 "))
          && flows.stream().filter(f -> f.contains("priority=101")).count() == 8);

      assertFalse(tcp(con6, con8, 22), "TCP to port 22 in 192.168.1.4/30 is dropped");
      assertTrue(tcp(con6, con8, 80), "TCP to another port passes");
      assertTrue(con6.canReach(con8.ip()), "ICMP passes");
      assertTrue(tcp(con6, con7, 22), "port 22 outside the subnet passes");
      assertFalse(tcp(con6, con8, 1500), "a port inside the range 1000-1999 is dropped");
      assertTrue(tcp(con6, con8, 2000), "a port just past the range passes");

      assertEquals(200, ctl.delete("/acl/rules/no-ssh-to-con8-net").status());
      ControllerHarness.awaitTrue("ssh to con8 passes again", SETTLE, () -> tcp(con6, con8, 22));
    } finally {
      servers.forEach(BackgroundProcess::stop);
    }
  }

  @Test
  @Order(3)
  void higherPriorityWinsAndSwappingPrioritiesFlipsTheOutcome() throws Exception {
    String allow = """
        {"name": "con6-may-ping-con8", "priority": %d,
         "match": {"ipv4-src": "192.168.1.2", "ipv4-dst": "192.168.1.4", "ip-proto": "icmp"}, "action": "allow"}""";
    String drop = """
        {"name": "no-ping-to-con8", "priority": %d,
         "match": {"ipv4-dst": "192.168.1.4", "ip-proto": "icmp"}, "action": "drop"}""";
    post(allow.formatted(200));
    post(drop.formatted(100));
    awaitAclFlows(flows -> flows.stream().anyMatch(f -> f.contains("priority=201"))
        && flows.stream().anyMatch(f -> f.contains("priority=101")));
    assertTrue(con6.canReachWithin(con8.ip(), SETTLE), "the narrower allow above the broader drop wins");
    assertFalse(con7.canReach(con8.ip()), "everyone else is dropped");
    assertEquals(List.of(), rule("con6-may-ping-con8").get("warnings"));
    assertEquals(List.of(), rule("no-ping-to-con8").get("warnings"));

    assertEquals(200, ctl.delete("/acl/rules/con6-may-ping-con8").status());
    assertEquals(200, ctl.delete("/acl/rules/no-ping-to-con8").status());
    post(allow.formatted(100));
    post(drop.formatted(200));
    awaitAclFlows(flows -> flows.stream().anyMatch(f -> f.contains("priority=201,icmp,nw_dst=192.168.1.4 "))
        && flows.stream().anyMatch(f -> f.contains("priority=101,icmp,nw_src=192.168.1.2")));
    assertFalse(con6.canReach(con8.ip()), "swapped: the broader drop now wins");
    assertFalse(con7.canReach(con8.ip()));
    assertTrue(con6.canReach(con7.ip()), "other traffic is untouched");
    String warning = String.valueOf(rule("con6-may-ping-con8").get("warnings"));
    assertTrue(warning.contains("shadowed") && warning.contains("no-ping-to-con8"), warning);
  }

  @Test
  @Order(4)
  void badRestInputIsRefusedAndChangesNothing() throws Exception {
    List<String> aclBefore = aclFlows();
    Response r = ctl.post("/acl/rules", """
        {"name": "p", "priority": 70000, "action": "drop"}""");
    assertEquals(400, r.status(), r.body());
    assertTrue(error(r).contains("rule 'p': priority"), r.body());
    r = ctl.post("/acl/rules", """
        {"name": "f", "priority": 10, "match": {"tcp-port": 22}, "action": "drop"}""");
    assertEquals(400, r.status(), r.body());
    assertTrue(error(r).contains("match.tcp-port"), r.body());
    r = ctl.post("/acl/rules", """
        {"name": "c", "priority": 10, "match": {"ipv4-dst": "192.168.1.0/40"}, "action": "drop"}""");
    assertEquals(400, r.status(), r.body());
    assertTrue(error(r).contains("match.ipv4-dst"), r.body());
    r = ctl.post("/acl/rules", """
        {"name": "r", "priority": 10, "match": {"udp-dst": "2000-1000"}, "action": "drop"}""");
    assertEquals(400, r.status(), r.body());
    assertTrue(error(r).contains("match.udp-dst"), r.body());
    r = ctl.post("/acl/rules", """
        {"name": "x", "priority": 10, "match": {"tcp-dst": 22, "ip-proto": "udp"}, "action": "drop"}""");
    assertEquals(400, r.status(), r.body());
    assertTrue(error(r).contains("match.tcp-dst") && error(r).contains("ip-proto"), r.body());
    r = ctl.post("/acl/rules", "{not json");
    assertEquals(400, r.status(), r.body());

    r = ctl.post("/acl/rules", """
        {"name": "cfg-no-telnet", "priority": 10, "action": "drop"}""");
    assertEquals(409, r.status(), r.body());
    post("""
        {"name": "once", "priority": 10, "match": {"vlan": 3}, "action": "drop"}""");
    r = ctl.post("/acl/rules", """
        {"name": "once", "priority": 11, "action": "allow"}""");
    assertEquals(409, r.status(), r.body());
    assertTrue(error(r).contains("already exists"), r.body());

    assertEquals(404, ctl.get("/acl/rules/nope").status());
    assertEquals(404, ctl.delete("/acl/rules/nope").status());
    r = ctl.delete("/acl/rules/cfg-no-telnet");
    assertEquals(409, r.status(), r.body());
    assertTrue(error(r).contains("config file"), r.body());

    assertEquals(200, ctl.delete("/acl/rules/once").status());
    awaitAclFlows(flows -> flows.equals(aclBefore));
    assertEquals(Set.of("cfg-no-telnet"), names(rules()));
  }

  @Test
  @Order(5)
  void aRuleForAPortThatDoesNotExistYetAppliesWhenThePortAppears() throws Exception {
    Response r = post("""
        {"name": "isolate-con9", "priority": 300, "match": {"in-port": "con9-eth"}, "action": "drop"}""");
    assertTrue(json(r.body()).get("warnings").toString().contains("exists on no connected bridge"), r.body());
    assertTrue(aclFlows().stream().noneMatch(f -> f.contains("priority=301")));
    Container con9 = bed.container(host, "con9", "ovs0", "192.168.1.9/24", "02:00:00:00:01:09");
    awaitAclFlows(flows -> flows.stream().anyMatch(f -> f.contains("priority=301,in_port=" + con9.ofport())));
    assertFalse(con9.canReach(con6.ip()));
    assertEquals(List.of(), rule("isolate-con9").get("warnings"));
  }

  @Test
  @Order(6)
  void defaultDropFromAConfigReloadKeepsApiRules() throws Exception {
    post("""
        {"name": "icmp-ok", "priority": 20, "match": {"ip-proto": "icmp"}, "action": "allow"}""");
    reload(YAML.formatted("drop", "    - {name: arp-ok, priority: 10, match: {eth-type: arp}, action: allow}"));
    try {
      awaitAclFlows(flows -> flows.stream().anyMatch(f -> f.contains("priority=1 actions=drop")));
      assertTrue(ctlFlows().stream().anyMatch(f -> Integer.valueOf(1).equals(f.get("priority"))
          && "default".equals(f.get("rule"))), "the default entry is described as such");
      assertTrue(con6.canReach(con8.ip()), "the API rule survived the reload and still allows ICMP");
      assertEquals(Set.of("cfg-no-telnet", "arp-ok", "icmp-ok"), names(rules()));
      assertEquals(200, ctl.delete("/acl/rules/icmp-ok").status());
      awaitAclFlows(flows -> flows.stream().noneMatch(f -> f.contains("priority=21")));
      assertFalse(con6.canReach(con8.ip()), "default drop");
    } finally {
      reload(YAML.formatted("allow", ""));
    }
    awaitAclFlows(flows -> flows.stream().noneMatch(f -> f.contains("priority=1 ")));
    assertTrue(con6.canReachWithin(con8.ip(), SETTLE));
  }

  // ---- helpers

  private static void reload(String yaml) throws Exception {
    Set<String> apps = new HashSet<>();
    apps.add(FloodApp.NAME);
    SwitchboardConfig parsed = ConfigLoader.parse(yaml, "test.yaml", apps);
    SwitchboardConfig running = ctl.controller().config();
    ctl.controller().applyConfig(new SwitchboardConfig(running.openflow(), running.rest(), running.cluster(),
        parsed.apps(), parsed.bridges(), running.reconcile(), parsed.sections(),
        parsed.source()));
  }

  private static Response post(String body) throws Exception {
    Response r = ctl.post("/acl/rules", body);
    assertEquals(201, r.status(), r.body());
    return r;
  }

  /** A TCP connection from one container to another's server, which answers "ok". */
  private static boolean tcp(Container from, Container to, int port) {
    CommandResult r = from.run(Duration.ofSeconds(10), "socat", "-T2", "-u",
        "TCP:" + to.ip() + ":" + port + ",connect-timeout=2", "STDOUT");
    return r.ok() && r.stdout().contains("ok");
  }

  private static List<Map<String, Object>> rules() throws Exception {
    Response r = ctl.get("/acl/rules");
    assertEquals(200, r.status(), r.body());
    return JSON.readValue(r.body(), List.class);
  }

  private static Map<String, Object> rule(String name) throws Exception {
    Response r = ctl.get("/acl/rules/" + name);
    assertEquals(200, r.status(), r.body());
    return json(r.body());
  }

  @SuppressWarnings("unchecked")
  private static long hits(String name) {
    try {
      Map<String, Object> hits = (Map<String, Object>) rule(name).get("hits");
      return ((Number) hits.get("packets")).longValue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> ctlFlows() throws Exception {
    Response r = ctl.get("/switches/ovs0/flows?table=acl");
    assertEquals(200, r.status(), r.body());
    return JSON.readValue(r.body(), List.class);
  }

  private static Set<String> names(List<Map<String, Object>> rules) {
    Set<String> out = new HashSet<>();
    rules.forEach(r -> out.add((String) r.get("name")));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String body) throws Exception {
    return JSON.readValue(body, Map.class);
  }

  private static String error(Response r) throws Exception {
    return String.valueOf(json(r.body()).get("error"));
  }

  /** The ACL table's entries as ovs-ofctl prints them without counters. */
  private static List<String> aclFlows() {
    return ovs0.flows().stream().filter(f -> f.contains("table=1,") || f.contains("table=1 ")).sorted().toList();
  }

  private static void awaitAclFlows(java.util.function.Predicate<List<String>> cond) {
    try {
      ControllerHarness.awaitTrue("ACL flows on ovs0", SETTLE, () -> cond.test(aclFlows()));
    } catch (AssertionError | InterruptedException e) {
      throw new AssertionError(e.getMessage() + "; the ACL table holds:\n" + String.join("\n", aclFlows()), e);
    }
  }

  record FlowStats(double duration, long packets) {}

  private static final Pattern DURATION = Pattern.compile("duration=([0-9.]+)s, ");
  private static final Pattern PACKETS = Pattern.compile("n_packets=([0-9]+), ");
  private static final Pattern STATS = Pattern.compile("(duration=[0-9.]+s, |n_packets=[0-9]+, |n_bytes=[0-9]+, "
      + "|idle_age=[0-9]+, |hard_age=[0-9]+, )");

  /** dump-flows text to (cookie, table, priority, match, actions) -> counters. */
  static Map<String, FlowStats> flowStats(String dump) {
    Map<String, FlowStats> out = new LinkedHashMap<>();
    for (String line : dump.split("\n")) {
      Matcher d = DURATION.matcher(line);
      Matcher p = PACKETS.matcher(line);
      if (d.find() && p.find()) {
        out.put(STATS.matcher(line.strip()).replaceAll(""),
            new FlowStats(Double.parseDouble(d.group(1)), Long.parseLong(p.group(1))));
      }
    }
    return out;
  }

  private static String floodKey(Map<String, FlowStats> stats) {
    String key = stats.keySet().stream().filter(k -> k.contains("FLOOD")).findFirst().orElse(null);
    assertNotNull(key, "the flood entry: " + stats.keySet());
    return key;
  }
}
