package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.BackgroundProcess;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controller processes (separate JVMs running {@code switchboard run}, as the launcher does) sharing state
 * through Hazelcast, with real OVS bridges connected to both: one master per bridge, replicated hosts and rules,
 * failover after kill -9 with no flow churn, and a paused master that cannot change anything when it wakes up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessesEndToEndTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  static final long OVS1 = 0xc1L;
  static final long OVS2 = 0xc2L;

  /** One controller process. */
  static final class Instance {
    final String name;
    final int of;
    final int rest;
    final int hz;
    final Path config;
    Process process;

    Instance(String name, int of, int rest, int hz, Path config) {
      this.name = name;
      this.of = of;
      this.rest = rest;
      this.hz = hz;
      this.config = config;
    }

    void start(Path logDir) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.switchboard.Main", "run", "--config",
          config.toString()));
      File log = logDir.resolve(name + ".log").toFile();
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log))
          .start();
    }

    JsonNode get(String path) throws Exception {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/api/v1"
          + path)).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    }

    /** The REST token this instance generated next to its config on first start. */
    String token() throws IOException {
      return Files.readString(config.resolveSibling(name + "-token")).trim();
    }

    int post(String path, String body) throws Exception {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/api/v1" + path))
          .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
          .header("authorization", "Bearer " + token())
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    int delete(String path) throws Exception {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/api/v1" + path))
          .timeout(Duration.ofSeconds(10)).header("authorization", "Bearer " + token()).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The dpids this instance masters, as its own /cluster says; empty when it does not answer. */
    List<String> masters() {
      List<String> out = new ArrayList<>();
      try {
        for (JsonNode b : get("/cluster").path("bridges")) {
          if ("master".equals(b.path("local-role").asText())) {
            out.add(b.path("dpid").asText());
          }
        }
      } catch (Exception e) {
        // not up, or paused
      }
      return out;
    }

    void signal(String sig) throws Exception {
      new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
    }
  }

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("clup");

  @TempDir
  static Path dir;
  static TestBed bed;
  static SimHost host;
  static Map<String, Bridge> bridges = new LinkedHashMap<>();
  static Map<String, Container> c = new LinkedHashMap<>();
  static Instance a;
  static Instance b;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Instance instance(String name, int hzA, int hzB, int hzSelf) throws IOException {
    int of = freePort();
    int rest = freePort();
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, """
        openflow: {listen: 127.0.0.1:%d, echo-interval: 1s}
        rest: {listen: 127.0.0.1:%d, token-file: %s-token}
        cluster: {enabled: true, bind: 127.0.0.1:%d, members: [127.0.0.1:%d, 127.0.0.1:%d]}
        reconcile: {audit-interval: 30s}
        apps: [l2-learning, acl]
        bridges: [{bridge: ovs1}, {bridge: ovs2}]
        """.formatted(of, rest, name, hzSelf, hzA, hzB));
    return new Instance(name, of, rest, hzSelf, cfg);
  }

  static void await(String what, Duration timeout, java.util.function.BooleanSupplier cond) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what + "\n" + logs());
      }
      Thread.sleep(50);
    }
  }

  static String logs() {
    StringBuilder sb = new StringBuilder();
    for (String n : List.of("a", "b", "a2")) {
      Path p = dir.resolve(n + ".log");
      try {
        if (Files.exists(p)) {
          List<String> lines = Files.readAllLines(p);
          sb.append("--- ").append(n).append(".log (tail)\n")
              .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
        }
      } catch (IOException e) {
        sb.append(e);
      }
    }
    return sb.toString();
  }

  @BeforeAll
  static void up() throws Exception {
    int hzA = 5821;
    int hzB = 5822;
    a = instance("a", hzA, hzB, hzA);
    b = instance("b", hzA, hzB, hzB);
    a.start(dir);
    b.start(dir);
    bed = e2e.bed();
    host = bed.host("h1");
    bridges.put("ovs1", host.addBridge("ovs1", OVS1));
    bridges.put("ovs2", host.addBridge("ovs2", OVS2));
    c.put("a1", bed.container(host, "a1", "ovs1", "10.40.1.1/24", "02:00:00:00:01:01"));
    c.put("b1", bed.container(host, "b1", "ovs1", "10.40.1.2/24", "02:00:00:00:01:02"));
    c.put("a2", bed.container(host, "a2", "ovs2", "10.40.2.1/24", "02:00:00:00:02:01"));
    c.put("b2", bed.container(host, "b2", "ovs2", "10.40.2.2/24", "02:00:00:00:02:02"));
    await("both instances up and in one cluster", Duration.ofSeconds(60), () -> {
      try {
        return a.get("/cluster").path("members").size() == 2 && b.get("/cluster").path("members").size() == 2;
      } catch (Exception e) {
        return false;
      }
    });
    for (Bridge br : bridges.values()) {
      br.setController(a.of, b.of);
    }
    await("each bridge has exactly one master", Duration.ofSeconds(30), () -> {
      List<String> all = new ArrayList<>(a.masters());
      all.addAll(b.masters());
      return all.size() == 2 && all.contains("00:00:00:00:00:00:00:c1") && all.contains("00:00:00:00:00:00:00:c2");
    });
  }

  @AfterAll
  static void down() {
    for (Instance i : new Instance[] {a, b}) {
      if (i != null && i.process != null) {
        try {
          i.signal("CONT");
        } catch (Exception e) {
          // gone already
        }
        i.process.destroyForcibly();
      }
    }
  }

  static Instance masterOf(String dpid) {
    return a.masters().contains(dpid) ? a : b.masters().contains(dpid) ? b : null;
  }

  static Instance other(Instance i) {
    return i == a ? b : a;
  }

  /** table, priority, match -> duration of every flow of a bridge. */
  static Map<String, Long> durations(Bridge br) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : br.dumpFlows().split("\n")) {
      Matcher k = Pattern.compile("cookie=(0x[0-9a-f]+).*?(table=\\d+).*?n_bytes=\\d+, (.*) actions=").matcher(line);
      Matcher d = Pattern.compile("duration=(\\d+)").matcher(line);
      if (k.find() && d.find()) {
        m.put(k.group(1) + " " + k.group(2) + " " + k.group(3), Long.parseLong(d.group(1)));
      }
    }
    return m;
  }

  /** The role OVS gives each of a bridge's controller connections. */
  static List<String> roles(Bridge br) {
    List<String> out = new ArrayList<>();
    String uuids = br.host().vsctl("get", "bridge", br.name(), "controller").trim();
    for (String u : uuids.replaceAll("[\\[\\]\\s]", "").split(",")) {
      if (!u.isEmpty()) {
        out.add(br.host().vsctl("get", "controller", u, "role").trim());
      }
    }
    return out;
  }

  @Test
  @Order(1)
  void oneMasterPerBridgeAsOvsSeesItAndHostsAreShared() throws Exception {
    await("OVS reports the roles (it writes them to its database every few seconds)", Duration.ofSeconds(15),
        () -> bridges.values().stream().allMatch(br -> roles(br).contains("master") && roles(br).contains("slave")));
    for (Bridge br : bridges.values()) {
      List<String> roles = roles(br);
      assertEquals(1, roles.stream().filter("master"::equals).count(), "one master on " + br.name() + ": " + roles);
      assertEquals(1, roles.stream().filter("slave"::equals).count(), "one slave on " + br.name() + ": " + roles);
    }
    assertTrue(c.get("a1").ping(c.get("b1").ip(), 3, Duration.ofSeconds(5)).allReceived());
    Instance m = masterOf("00:00:00:00:00:00:00:c1");
    assertNotNull(m);
    Instance o = other(m);
    await("the slave lists a MAC its peer learned", Duration.ofSeconds(5), () -> {
      try {
        return o.get("/hosts").toString().contains("02:00:00:00:01:01");
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  @Order(2)
  void anAclRulePostedToOneInstanceIsEnforcedOnABridgeTheOtherMasters() throws Exception {
    assertTrue(c.get("a2").ping(c.get("b2").ip(), 2, Duration.ofSeconds(5)).allReceived());
    Instance m = masterOf("00:00:00:00:00:00:00:c2");
    Instance o = other(m);
    assertEquals(201, o.post("/acl/rules", "{\"name\": \"cut-b2\", \"priority\": 300, \"bridge\": \"ovs2\", "
        + "\"match\": {\"in-port\": \"b2-eth\"}, \"action\": \"drop\"}"));
    await("the rule is on ovs2", Duration.ofSeconds(5), () -> bridges.get("ovs2").dumpFlows().contains("priority=301"));
    assertTrue(!c.get("a2").canReach(c.get("b2").ip()), "b2 is cut off by a rule posted to the slave");
    assertEquals(200, m.delete("/acl/rules/cut-b2"), "and deleted through the master");
    await("the rule is gone", Duration.ofSeconds(5), () -> !bridges.get("ovs2").dumpFlows().contains("priority=301"));
    assertTrue(c.get("a2").canReachWithin(c.get("b2").ip(), Duration.ofSeconds(5)));
  }

  @Test
  @Order(3)
  void killingTheMasterMovesItsBridgesWithoutChurnOrLoss() throws Exception {
    String dpid = "00:00:00:00:00:00:00:c1";
    Instance m = masterOf(dpid);
    Instance o = other(m);
    Map<String, Long> before = durations(bridges.get("ovs1"));
    try (BackgroundProcess ping = c.get("a1").spawn("ping", "-i", "0.05", "-c", "100", c.get("b1").ip())) {
      Thread.sleep(1000);
      long killed = System.nanoTime();
      m.process.destroyForcibly(); // SIGKILL
      await("the survivor masters " + dpid, Duration.ofSeconds(15), () -> o.masters().contains(dpid));
      long ms = (System.nanoTime() - killed) / 1_000_000;
      System.out.println("failover after kill -9: the other instance was master of ovs1 after " + ms + " ms");
      assertTrue(ms < 10_000, "took " + ms + " ms");
      await("ping done", Duration.ofSeconds(15), () -> !ping.isAlive());
      Matcher r = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(ping.output());
      assertTrue(r.find(), ping.output());
      int lost = Integer.parseInt(r.group(1)) - Integer.parseInt(r.group(2));
      assertTrue(lost <= 1, "an established ping lost " + lost + " packets:\n" + ping.output());
    }
    Thread.sleep(1500); // the new master's reconciliation
    Map<String, Long> after = durations(bridges.get("ovs1"));
    for (var e : before.entrySet()) {
      Long now = after.get(e.getKey());
      assertNotNull(now, "entry gone after failover: " + e.getKey());
      assertTrue(now >= e.getValue(), "entry re-added after failover (duration reset): " + e.getKey());
    }
    // bring the killed instance back: it rejoins and gets a fair share back, without a blip
    Instance back = m;
    back.start(dir);
    await("the returning instance masters one bridge again", Duration.ofSeconds(60),
        () -> back.masters().size() == 1 && other(back).masters().size() == 1);
    assertTrue(c.get("a1").ping(c.get("b1").ip(), 3, Duration.ofSeconds(5)).allReceived());
    assertTrue(c.get("a2").ping(c.get("b2").ip(), 3, Duration.ofSeconds(5)).allReceived());
  }

  @Test
  @Order(4)
  void aPausedMasterThatWakesUpAfterATakeoverChangesNothing() throws Exception {
    String dpid = "00:00:00:00:00:00:00:c2";
    Instance m = masterOf(dpid);
    assertNotNull(m);
    Instance o = other(m);
    m.signal("STOP");
    try {
      await("the other instance takes over " + dpid, Duration.ofSeconds(30), () -> o.masters().contains(dpid));
      // a change while the old master sleeps: a rule through the new master
      assertEquals(201, o.post("/acl/rules", "{\"name\": \"while-asleep\", \"priority\": 50, "
          + "\"match\": {\"tcp-dst\": 9}, \"action\": \"drop\"}"));
      await("the rule is on ovs2", Duration.ofSeconds(5), () -> bridges.get("ovs2").dumpFlows().contains("priority=51"));
    } finally {
      m.signal("CONT");
    }
    Map<String, Long> before = durations(bridges.get("ovs2"));
    Thread.sleep(12_000); // the woken master's timers fire, its stale-role hold (10 s) passes: nothing may change
    Map<String, Long> after = durations(bridges.get("ovs2"));
    assertEquals(before.keySet(), after.keySet(), "the woken master changed the flow table");
    for (var e : before.entrySet()) {
      assertTrue(after.get(e.getKey()) >= e.getValue(), "entry re-added: " + e.getKey());
    }
    List<String> roles = roles(bridges.get("ovs2"));
    assertEquals(1, roles.stream().filter("master"::equals).count(), "still exactly one master: " + roles);
    assertTrue(c.get("a2").ping(c.get("b2").ip(), 2, Duration.ofSeconds(5)).allReceived());
  }
}
