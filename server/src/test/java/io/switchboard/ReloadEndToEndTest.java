package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.BackgroundProcess;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload on real OVS: only the difference reaches the switch; a bad file changes nothing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReloadEndToEndTest {
  static final String BASE = """
      openflow: {listen: 127.0.0.1:0, echo-interval: 2s}
      rest: {listen: 127.0.0.1:0, token-file: rest-token}
      reconcile: {audit-interval: 60s}
      apps: [%s]
      bridges:
        - bridge: ovs0
          ports:
            con6-eth: {vlan: 100}
            con7-eth: {vlan: 200}
            con8-eth: {vlan: 100}
            con9-eth: {vlan: %d}
      acl:
        rules:
          - {name: no-telnet, priority: 100, match: {tcp-dst: 23}, action: drop}
      """;

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("reload");

  @TempDir
  static Path dir;
  static Path file;
  static TestBed bed;
  static Bridge bridge;
  static Map<String, Container> c = new LinkedHashMap<>();
  static Switchboard sb;
  static Http http;

  @BeforeAll
  static void up() throws Exception {
    file = dir.resolve("switchboard.yaml");
    Files.writeString(file, BASE.formatted("l2-learning, acl", 300));
    bed = e2e.bed();
    SimHost h = bed.host("h1");
    bridge = h.addBridge("ovs0", 0xabcdL);
    int i = 6;
    for (String n : new String[] {"con6", "con7", "con8", "con9"}) {
      c.put(n, bed.container(h, n, "ovs0", "192.168.1." + i + "/24", "02:00:00:00:00:0" + i));
      i++;
    }
    sb = e2e.closeAtEnd(Switchboard.start(ConfigLoader.load(file), file));
    http = new Http(sb);
    bridge.setController(sb.openflowPort());
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (sb.controller().session("ovs0").map(s -> s.programmer() == null || !s.programmer().synced())
        .orElse(true)) {
      assertTrue(System.nanoTime() < end, "ovs0 did not connect");
      Thread.sleep(100);
    }
    assertTrue(c.get("con6").ping(c.get("con8").ip(), 2, Duration.ofSeconds(5)).allReceived());
  }

  /** cookie,table,priority,match -> {duration, n_packets} of every flow on the bridge. */
  static Map<String, long[]> snapshot() {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (String line : bridge.dumpFlows().split("\n")) {
      Matcher key = Pattern.compile("cookie=(0x[0-9a-f]+).*?(table=\\d+).*?n_bytes=\\d+, (.*) actions=")
          .matcher(line);
      if (!key.find()) {
        continue;
      }
      Matcher d = Pattern.compile("duration=(\\d+)").matcher(line);
      Matcher n = Pattern.compile("n_packets=(\\d+)").matcher(line);
      d.find();
      n.find();
      m.put(key.group(1) + " " + key.group(2) + " " + key.group(3),
          new long[] {Long.parseLong(d.group(1)), Long.parseLong(n.group(1))});
    }
    return m;
  }

  /** Whether a snapshot key's cookie names the app. */
  static boolean isApp(String key, String app) {
    long cookie = Long.parseUnsignedLong(key.substring(2, key.indexOf(' ')), 16);
    return Cookies.appIdOf(cookie) == Cookies.appId(app);
  }

  @Test
  @Order(1)
  void changingOnePortsVlanTouchesOnlyItsFlowsAndNoPingIsLost() throws Exception {
    assertFalse(c.get("con9").canReach(c.get("con7").ip()), "VLAN 300 and 200 are isolated");
    Map<String, long[]> before = snapshot();
    try (BackgroundProcess ping = c.get("con6").spawn("ping", "-i", "0.05", "-c", "80", c.get("con8").ip())) {
      Thread.sleep(1000);
      Files.writeString(file, BASE.formatted("l2-learning, acl", 200));
      Http.Response r = http.post("/config/reload", "");
      assertEquals(200, r.status(), r.body());
      assertTrue(r.body().contains("\"applied\" : true"), r.body());
      long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (ping.isAlive() && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      String out = ping.output();
      assertTrue(out.contains("80 packets transmitted, 80 received"), "the unrelated ping lost packets:\n" + out);
    }
    assertTrue(c.get("con9").canReach(c.get("con7").ip()), "con9 is in VLAN 200 now");
    Map<String, long[]> after = snapshot();
    int kept = 0;
    for (var e : before.entrySet()) {
      long[] now = after.get(e.getKey());
      if (now == null) {
        assertTrue(e.getKey().contains("in_port=") || e.getKey().contains("dl_vlan=300")
            || e.getKey().contains("vlan_vid=300") || e.getKey().contains("dl_vlan=200"),
            "an entry unrelated to con9 disappeared: " + e.getKey());
        continue;
      }
      kept++;
      assertTrue(now[0] >= e.getValue()[0], "duration reset (entry re-added): " + e.getKey());
      assertTrue(now[1] >= e.getValue()[1], "counter reset: " + e.getKey());
    }
    assertTrue(kept >= before.size() - 4, "most entries were kept: " + kept + " of " + before.size());
  }

  @Test
  @Order(2)
  void aBadFileChangesNothing() throws Exception {
    String flowsBefore = bridge.flows().toString();
    Files.writeString(file, "openflow: {echo-interval: 5}\napps: [l2-learning, acll]\n");
    Http.Response r = http.post("/config/reload", "");
    assertEquals(400, r.status(), r.body());
    assertTrue(r.body().contains("switchboard.yaml:1: openflow.echo-interval"), r.body());
    assertTrue(r.body().contains("did you mean 'acl'"), r.body());
    assertEquals(flowsBefore, bridge.flows().toString());
    String health = http.get("/health").body();
    assertTrue(health.contains("\"last-reload-ok\" : false"), health);
    assertTrue(http.get("/metrics").body().contains("switchboard_config_last_reload_ok 0"));
    assertTrue(c.get("con6").canReach(c.get("con8").ip()));
  }

  @Test
  @Order(3)
  void planShowsAndDisablingAnAppRemovesExactlyItsFlows() throws Exception {
    Map<String, long[]> before = snapshot();
    long aclFlows = before.keySet().stream().filter(k -> isApp(k, "acl")).count();
    assertTrue(aclFlows > 0, "acl flows present: " + before.keySet());
    String next = BASE.formatted("l2-learning", 200);
    Http.Response plan = http.post("/config/plan", next);
    assertEquals(200, plan.status(), plan.body());
    assertTrue(plan.body().contains("\"app\" : \"acl\""), plan.body());
    assertTrue(plan.body().contains("\"add\" : [ ]"), plan.body());
    assertEquals(before.keySet(), snapshot().keySet(), "a plan applies nothing");

    Files.writeString(file, next);
    assertEquals(200, http.post("/config/reload", "").status());
    Map<String, long[]> after = snapshot();
    for (String k : before.keySet()) {
      boolean isAcl = isApp(k, "acl");
      assertEquals(!isAcl, after.containsKey(k), (isAcl ? "acl entry kept: " : "other entry removed: ") + k);
    }
    assertEquals(before.size() - aclFlows, after.size());
  }
}
