package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.apps.acl.AclEndToEndTest.FlowStats;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stateful ACLs on real OVS (userspace conntrack): one bridge ovs0 with con7 192.168.1.3 and con9 192.168.2.2
 * ("net2", one L2 segment /16), forwarding by the test-only {@link FloodApp}, {@code acl.default: drop}, ARP
 * allowed, and one allow-related rule: con7 may open TCP/22 to net2.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatefulAclEndToEndTest {
  static final String YAML = """
      apps: [flood, acl]
      bridges:
        - bridge: ovs0
      acl:
        default: drop
        rules:
          - {name: arp-ok, priority: 10, match: {eth-type: arp}, action: allow}
          - name: ssh-to-net2
            priority: 100
            match: {ipv4-src: 192.168.1.3, ipv4-dst: 192.168.2.0/24, tcp-dst: 22}
            action: allow-related
      %s
      """;
  static final long DPID = 0x5a1L;
  /** The bridge's conntrack zone: 0xF000 | (dpid & 0xfff). */
  static final int ZONE = 0xF000 | 0x5a1;
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("sacl");

  static TestBed bed;
  static SimHost host;
  static Bridge ovs0;
  static Container con7;
  static Container con9;
  static Container con8;
  static ControllerHarness ctl;

  @BeforeAll
  static void setUp() throws Exception {
    bed = e2e.bed();
    host = bed.host("h1");
    ovs0 = host.addBridge("ovs0", DPID);
    con7 = bed.container(host, "con7", "ovs0", "192.168.1.3/16", "02:00:00:00:01:03");
    con9 = bed.container(host, "con9", "ovs0", "192.168.2.2/16", "02:00:00:00:02:02");
    con8 = bed.container(host, "con8", "ovs0", "192.168.1.4/16", "02:00:00:00:01:04");
    // con9's server says "ok", then a tick every 0.3 s for three minutes: the server speaks without being asked
    con9.spawn("socat", "TCP-LISTEN:22,fork,reuseaddr",
        "SYSTEM:echo ok; i=0; while [ $i -lt 600 ]; do sleep 0.3; echo tick; i=$((i+1)); done");
    con7.spawn("socat", "TCP-LISTEN:22,fork,reuseaddr", "SYSTEM:echo ok");
    ctl = e2e.start(YAML.formatted(""), new FloodApp(), new AclApp());
    ctl.connect(ovs0);
    ControllerHarness.awaitTrue("the ACL's conntrack entries are on ovs0", SETTLE,
        () -> aclFlows().stream().anyMatch(f -> f.contains("ct(table=1,zone=" + ZONE + ")")));
  }

  @Test
  @Order(1)
  void con7OpensSshToNet2ButNotTheReverse() throws Exception {
    ControllerHarness.awaitTrue("con7 -> con9 tcp/22 (allow-related)", SETTLE, () -> tcp(con7, con9, 22));
    assertFalse(tcp(con9, con7, 22), "con9 -> con7 tcp/22 is refused: no rule allows it, and it is no reply");
    assertFalse(con7.canReach(con9.ip()), "ICMP is not allowed by the ssh rule");
    String conntrack = host.appctl("dpctl/dump-conntrack", "zone=" + ZONE);
    assertTrue(conntrack.contains("orig=(src=192.168.1.3,dst=192.168.2.2,") && conntrack.contains("dport=22"),
        "the switch tracked the session in the bridge's zone: " + conntrack);
    assertFalse(conntrack.contains("orig=(src=192.168.2.2,"), "no connection from con9 was committed: " + conntrack);
    Map<String, Object> rule = json(ctl.get("/acl/rules/ssh-to-net2").body());
    assertEquals("allow-related", rule.get("action"));
    ControllerHarness.awaitTrue("the rule counts the new connections", SETTLE, () -> hits("ssh-to-net2") >= 1);
  }

  @Test
  @Order(2)
  void icmpEchoIsAllowedOneWayOnly() throws Exception {
    Response r = ctl.post("/acl/rules", """
        {"name": "ping-net2", "priority": 90,
         "match": {"ipv4-src": "192.168.1.3", "ipv4-dst": "192.168.2.0/24", "ip-proto": "icmp"},
         "action": "allow-related"}""");
    assertEquals(201, r.status(), r.body());
    assertTrue(con7.canReachWithin(con9.ip(), SETTLE), "con7 pings con9: the echo replies are +est");
    assertFalse(con9.canReach(con7.ip()), "con9 cannot ping con7");
    assertEquals(200, ctl.delete("/acl/rules/ping-net2").status());
    ControllerHarness.awaitTrue("the rule is gone", SETTLE,
        () -> aclFlows().stream().noneMatch(f -> f.contains("priority=91")));
  }

  @Test
  @Order(3)
  void anOpenSessionSurvivesAConfigReloadAndAControllerRestartAndItsFlowsAreNotTouched() throws Exception {
    // the client only listens: everything it receives was sent by the server on its own, so a lost conntrack
    // entry would show as the ticks stopping (the server's packets would be +new and meet the default drop)
    BackgroundProcess client = con7.spawn("socat", "-u", "TCP:" + con9.ip() + ":22,connect-timeout=2", "STDOUT");
    try {
      ControllerHarness.awaitTrue("the session is up", SETTLE, () -> ticks(client) >= 3);
      Map<String, FlowStats> before = AclEndToEndTest.flowStats(ovs0.dumpFlows());
      reload(YAML.formatted("    - {name: no-telnet, priority: 200, match: {tcp-dst: 23}, action: drop}"));
      ControllerHarness.awaitTrue("the reloaded rule is on ovs0", SETTLE,
          () -> aclFlows().stream().anyMatch(f -> f.contains("priority=201")));
      int atReload = ticks(client);
      Thread.sleep(2000);
      assertTrue(ticks(client) >= atReload + 4, "the server's data still arrives after the reload: "
          + atReload + " -> " + ticks(client));
      assertTrue(client.isAlive(), "the session is still open");

      Map<String, FlowStats> after = AclEndToEndTest.flowStats(ovs0.dumpFlows());
      before.forEach((key, b) -> {
        FlowStats a = after.get(key);
        assertTrue(a != null && a.duration() >= b.duration(), "kept, never re-installed: " + key + " " + b + " -> " + a);
      });
      FlowStats est = after.entrySet().stream().filter(e -> e.getKey().contains("ct_state=+est+trk"))
          .map(Map.Entry::getValue).findFirst().orElseThrow();
      assertTrue(est.packets() > 10, "the session's packets pass as established: " + est);

      // a controller restart: a new controller finds every entry right and touches nothing; conntrack is the switch's
      ctl = e2e.start(YAML.formatted(
          "    - {name: no-telnet, priority: 200, match: {tcp-dst: 23}, action: drop}"), new FloodApp(), new AclApp());
      ctl.connect(ovs0);
      int atRestart = ticks(client);
      Thread.sleep(2000);
      assertTrue(ticks(client) >= atRestart + 4, "the server's data still arrives after a controller restart: "
          + atRestart + " -> " + ticks(client));
      Map<String, FlowStats> restarted = AclEndToEndTest.flowStats(ovs0.dumpFlows());
      after.forEach((key, b) -> {
        FlowStats a = restarted.get(key);
        assertTrue(a != null && a.duration() >= b.duration(), "kept over the restart: " + key + " " + b + " -> " + a);
      });
    } finally {
      client.stop();
      reload(YAML.formatted(""));
    }
  }

  @Test
  @Order(4)
  void traceShowsTheConntrackStepAndTheAssumedState() throws Exception {
    String forward = """
        {"bridge": "ovs0", "in-port": "con7-eth", "eth-src": "02:00:00:00:01:03", "ipv4-src": "192.168.1.3",
         "ipv4-dst": "192.168.2.2", "tcp-dst": 22%s}""";
    Map<String, Object> t = trace(forward.formatted(""));
    String text = JSON.writeValueAsString(t);
    assertTrue(text.contains("\"conntrack\":{\"zone\":" + ZONE + ",\"state\":\"+trk+new\",\"assumed\":\"new\""), text);
    assertTrue(text.contains("committed in zone " + ZONE), text);
    assertTrue(text.contains("\"kind\":\"output\""), "a new ssh connection from con7 is allowed: " + text);

    String reply = """
        {"bridge": "ovs0", "in-port": "con9-eth", "eth-src": "02:00:00:00:02:02", "ipv4-src": "192.168.2.2",
         "ipv4-dst": "192.168.1.3", "tcp-src": 22, "tcp-dst": 40000%s}""";
    text = JSON.writeValueAsString(trace(reply.formatted("")));
    assertTrue(text.contains("\"kind\":\"dropped\"") && !text.contains("\"kind\":\"output\""),
        "as a new connection, con9's packet meets the default drop: " + text);
    text = JSON.writeValueAsString(trace(reply.formatted(", \"ct-state\": \"established\"")));
    assertTrue(text.contains("\"state\":\"+trk+est\"") && text.contains("\"kind\":\"output\""),
        "as a reply of an established connection it passes: " + text);
    text = JSON.writeValueAsString(trace(reply.formatted(", \"ct-state\": \"invalid\"")));
    assertTrue(text.contains("\"kind\":\"dropped\""), text);

    Response bad = ctl.post("/trace", reply.formatted(", \"ct-state\": \"half-open\""));
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.body().contains("ct-state: expected new, established, related or invalid"), bad.body());
  }

  @Test
  @Order(5)
  void connectionsAreNotAvailableOverOpenFlow() throws Exception {
    Response r = ctl.get("/acl/connections");
    assertEquals(501, r.status(), r.body());
    assertTrue(r.body().contains("not available over OpenFlow"), r.body());
    Response bad = ctl.post("/acl/rules", """
        {"name": "arp-related", "priority": 5, "match": {"eth-type": "arp"}, "action": "allow-related"}""");
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.body().contains("allow-related tracks IP connections"), bad.body());
  }

  /** Overlay endpoints for security groups; their host's bridge is not ovs0, so ovs0 stays an l2 bridge. */
  static final String ENDPOINTS = """
      overlay:
        hosts:
          - {name: h9, bridge: br-x, tunnel-ip: 10.99.0.9}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24}
        endpoints:
          - {name: web1, network: net1, host: h9, port: p1, mac: "02:00:00:00:01:03", ip: 192.168.1.3}
          - {name: web2, network: net1, host: h9, port: p2, mac: "02:00:00:00:01:04", ip: 192.168.1.4}
          - {name: db1, network: net2, host: h9, port: p3, mac: "02:00:00:00:02:02", ip: 192.168.2.2}
      """;

  @Test
  @Order(6)
  void aSecurityGroupLetsWebReachDbOn5432OnlyAndAddingAMemberTouchesNoOtherFlow() throws Exception {
    BackgroundProcess pg = con9.spawn("socat", "TCP-LISTEN:5432,fork,reuseaddr", "SYSTEM:echo ok");
    BackgroundProcess other = con9.spawn("socat", "TCP-LISTEN:5433,fork,reuseaddr", "SYSTEM:echo ok");
    reload(YAML.formatted("") + ENDPOINTS);
    try {
      Response r = ctl.post("/acl/groups", """
          {"name": "web", "members": ["web1"]}""");
      assertEquals(201, r.status(), r.body());
      r = ctl.post("/acl/groups", """
          {"name": "db", "members": ["db1"], "rules": [
            {"direction": "ingress", "remote-group": "web", "match": {"tcp-dst": 5432}, "action": "allow-related"}]}""");
      assertEquals(201, r.status(), r.body());
      assertEquals(1, json(r.body()).get("entries-per-bridge"), r.body());
      ControllerHarness.awaitTrue("web1 (con7) reaches db1 (con9) on 5432", SETTLE, () -> tcp(con7, con9, 5432));
      assertFalse(tcp(con7, con9, 5433), "and nothing else");
      assertFalse(tcp(con8, con9, 5432), "con8 is not in web (yet)");

      Map<String, FlowStats> before = AclEndToEndTest.flowStats(ovs0.dumpFlows());
      r = ctl.put("/acl/groups/web", """
          {"members": ["web1", "web2"]}""");
      assertEquals(200, r.status(), r.body());
      ControllerHarness.awaitTrue("con8's entry is on ovs0", SETTLE,
          () -> aclFlows().stream().anyMatch(f -> f.contains("nw_src=192.168.1.4,nw_dst=192.168.2.2")));
      assertTrue(tcp(con8, con9, 5432), "web2 (con8) now reaches db on 5432");
      Map<String, FlowStats> after = AclEndToEndTest.flowStats(ovs0.dumpFlows());
      before.forEach((key, b) -> {
        FlowStats a = after.get(key);
        assertTrue(a != null && a.duration() >= b.duration(), "untouched (duration kept): " + key + " " + b + " -> " + a);
      });
      Set<String> added = new HashSet<>(after.keySet());
      added.removeAll(before.keySet());
      assertEquals(1, added.size(), "exactly one entry was added: " + added);
      assertTrue(added.iterator().next().contains("nw_src=192.168.1.4"), added.toString());

      assertEquals(409, ctl.post("/acl/groups", "{\"name\": \"web\"}").status());
      Response bad = ctl.put("/acl/groups/web", """
          {"members": ["web1"], "rules": [{"direction": "sideways", "action": "allow"}]}""");
      assertEquals(400, bad.status(), bad.body());
      assertTrue(bad.body().contains("rules[0].direction: expected ingress or egress"), bad.body());
    } finally {
      ctl.delete("/acl/groups/db");
      ctl.delete("/acl/groups/web");
      pg.stop();
      other.stop();
      reload(YAML.formatted(""));
    }
  }

  // ---- helpers

  private static Map<String, Object> trace(String body) throws Exception {
    Response r = ctl.post("/trace", body);
    assertEquals(200, r.status(), r.body());
    return json(r.body());
  }

  private static int ticks(BackgroundProcess client) {
    return client.output().split("tick", -1).length - 1;
  }

  private static void reload(String yaml) throws Exception {
    Set<String> apps = new HashSet<>();
    apps.add(FloodApp.NAME);
    SwitchboardConfig parsed = ConfigLoader.parse(yaml, "test.yaml", apps);
    SwitchboardConfig running = ctl.controller().config();
    ctl.controller().applyConfig(new SwitchboardConfig(running.openflow(), running.rest(), running.cluster(),
        parsed.apps(), parsed.bridges(), running.reconcile(), parsed.sections(),
        parsed.source()));
  }

  /** A TCP connection to the server on {@code port}, which first says "ok". */
  private static boolean tcp(Container from, Container to, int port) {
    CommandResult r = from.run(Duration.ofSeconds(10), "timeout", "3", "socat", "-u",
        "TCP:" + to.ip() + ":" + port + ",connect-timeout=2", "STDOUT");
    return r.stdout().contains("ok");
  }

  @SuppressWarnings("unchecked")
  private static long hits(String name) {
    try {
      Map<String, Object> hits = (Map<String, Object>) json(ctl.get("/acl/rules/" + name).body()).get("hits");
      return ((Number) hits.get("packets")).longValue();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String body) throws Exception {
    return JSON.readValue(body, Map.class);
  }

  private static List<String> aclFlows() {
    return ovs0.flows().stream().filter(f -> f.contains("table=1,") || f.contains("table=1 ")).sorted().toList();
  }
}
