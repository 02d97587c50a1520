package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.openflow.OpenFlowErrorException;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.PingResult;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFRoleRequestFailedCode;
import org.projectfloodlight.openflow.protocol.errormsg.OFRoleRequestFailedErrorMsg;

/**
 * Two clustered controllers in this JVM (Hazelcast on 5807/5808) and two real OVS bridges connected to both: each
 * bridge has exactly one master, the bridges are shared out, the switch refuses a stale generation, a crashed
 * master's bridge moves to the survivor within a second or two with its flows untouched, and a returning instance
 * gets a bridge back without a lost packet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEndToEndTest {
  private static final Duration CONNECT = Duration.ofSeconds(20);
  private static final Pattern DURATION = Pattern.compile("duration=([0-9.]+)s");

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("clue");

  static TestBed bed;
  static SimHost host;
  static Bridge br0;
  static Bridge br1;
  /** An OpenFlow 1.0 bridge: Nicira role requests, no generation ids. */
  static Bridge br2;
  static Container a;
  static Container b;
  static Container c;
  static Container d;
  static TestCluster cluster;

  @BeforeAll
  static void up() throws Exception {
    bed = e2e.bed();
    host = bed.host("h1");
    br0 = host.addBridge("br0", 0xc0L);
    br1 = host.addBridge("br1", 0xc1L);
    br2 = host.addBridge("br2", 0xc2L);
    host.vsctl("set", "bridge", "br2", "protocols=OpenFlow10");
    a = bed.container(host, "a", "br0", "10.30.0.1/24", "02:00:00:00:00:0a");
    b = bed.container(host, "b", "br0", "10.30.0.2/24", "02:00:00:00:00:0b");
    c = bed.container(host, "c", "br1", "10.31.0.1/24", "02:00:00:00:00:0c");
    d = bed.container(host, "d", "br1", "10.31.0.2/24", "02:00:00:00:00:0d");
    cluster = e2e.closeAtEnd(new TestCluster(5807, 5808));
    cluster.startAll();
    br0.setController(cluster.openflowPorts());
    br1.setController(cluster.openflowPorts());
    br2.setController(cluster.openflowPorts());
    awaitOneMasterEach();
  }

  /** Both bridges connected to every live controller, each mastered (and reconciled) by exactly one. */
  static long awaitOneMasterEach() throws InterruptedException {
    long start = System.nanoTime();
    for (Bridge br : List.of(br0, br1, br2)) {
      ControllerHarness.awaitTrue(br + " has one reconciled master and " + cluster.live().size() + " connections",
          CONNECT, () -> cluster.connectedTo(br.dpid()) == cluster.live().size()
              && cluster.masterReconciled(br.dpid()));
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** OVS's own view: controller target -> role ("master", "slave", "other"); it refreshes it every few seconds. */
  static Map<String, String> ovsRoles(Bridge br) {
    List<String> args = new ArrayList<>(List.of("--data=bare", "--format=csv", "--no-headings",
        "--columns=target,role", "list", "controller"));
    String refs = host.vsctl("get", "bridge", br.name(), "controller").replace("[", "").replace("]", "").trim();
    for (String uuid : refs.split(",")) {
      args.add(uuid.trim());
    }
    Map<String, String> roles = new LinkedHashMap<>();
    for (String line : host.vsctl(args.toArray(String[]::new)).split("\n")) {
      int comma = line.lastIndexOf(',');
      if (comma > 0) {
        roles.put(line.substring(0, comma).replace("\"", ""), line.substring(comma + 1).trim());
      }
    }
    return roles;
  }

  static String target(int openflowPort) {
    return "tcp:127.0.0.1:" + openflowPort;
  }

  /** ovs-ofctl dump-flows, in the bridge's OpenFlow version. */
  static String dump(Bridge br) {
    return br == br2 ? host.ofctl("-O", "OpenFlow10", "dump-flows", br.mgmtTarget()) : br.dumpFlows();
  }

  /** Flow text without counters, and each entry's age in seconds. */
  static Map<String, Double> flowAges(Bridge br) {
    Map<String, Double> ages = new HashMap<>();
    for (String line : dump(br).split("\n")) {
      Matcher m = DURATION.matcher(line);
      if (m.find()) {
        String key = line.replaceAll("(duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*, ?", "").trim();
        ages.put(key, Double.parseDouble(m.group(1)));
      }
    }
    return ages;
  }

  @Test
  @Order(1)
  void eachBridgeHasOneMasterAndTheBridgesAreSharedOut() throws Exception {
    assertEquals(2, cluster.live().size());
    List<ClusterNode> masters = List.of(cluster.mastersOf(br0.dpid()).get(0), cluster.mastersOf(br1.dpid()).get(0),
        cluster.mastersOf(br2.dpid()).get(0));
    assertEquals(2, masters.stream().distinct().count(), "three bridges shared out over both instances");
    for (Bridge br : List.of(br0, br1, br2)) {
      int masterPort = cluster.openflowPortOf(cluster.mastersOf(br.dpid()).get(0));
      ControllerHarness.awaitTrue("OVS shows exactly one master on " + br, Duration.ofSeconds(12), () -> {
        Map<String, String> roles = ovsRoles(br);
        return roles.values().stream().filter("master"::equals).count() == 1
            && "master".equals(roles.get(target(masterPort)))
            && roles.values().stream().filter("slave"::equals).count() == 1;
      });
      String flows = dump(br);
      assertTrue(flows.contains("actions=FLOOD"), flows);
    }
    assertTrue(a.ping(b.ip(), 3, Duration.ofSeconds(5)).allReceived());
    assertTrue(c.ping(d.ip(), 3, Duration.ofSeconds(5)).allReceived());

    ControllerHarness any = cluster.harness(cluster.live().get(0));
    var r = any.get("/cluster");
    assertEquals(200, r.status(), r.body());
    assertTrue(r.body().contains("\"dpid\" : \"00:00:00:00:00:00:00:c0\"") && r.body().contains("127.0.0.1:5808"),
        r.body());
    var sw = cluster.harness(masters.get(0)).get("/switches/br0");
    assertTrue(sw.body().contains("\"role\" : \"master\""), sw.body());
  }

  @Test
  @Order(2)
  void aReplicatedInputWrittenOnTheSlaveIsProgrammedByTheMaster() throws Exception {
    ClusterNode master = cluster.mastersOf(br0.dpid()).get(0);
    ClusterNode slave = cluster.live().stream().filter(n -> n != master).findFirst().orElseThrow();
    slave.stores().<String, Long>map(MarkerApp.STORE).put("m1", 0x020000000101L);
    ControllerHarness.awaitTrue("the marker's entry is on br0", Duration.ofSeconds(10),
        () -> br0.dumpFlows().contains(MarkerApp.dumped(0x020000000101L)));
  }

  @Test
  @Order(3)
  void theSwitchRefusesAStaleGeneration() throws Exception {
    ClusterNode master = cluster.mastersOf(br0.dpid()).get(0);
    long gen = master.mastership().generationOf(br0.dpid());
    assertTrue(gen > 0, "generation " + gen);
    ClusterNode slave = cluster.live().stream().filter(n -> n != master).findFirst().orElseThrow();
    SwitchSession slaveSession = cluster.harness(slave).controller().session(br0.dpid()).orElseThrow();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> slaveSession.requestRole(OFControllerRole.ROLE_MASTER, gen - 1).get(5, TimeUnit.SECONDS));
    OpenFlowErrorException err = assertInstanceOf(OpenFlowErrorException.class, e.getCause());
    OFRoleRequestFailedErrorMsg refused = assertInstanceOf(OFRoleRequestFailedErrorMsg.class, err.error());
    assertEquals(OFRoleRequestFailedCode.STALE, refused.getCode());
    assertEquals(List.of(master), cluster.mastersOf(br0.dpid()), "the master is unaffected");
  }

  @Test
  @Order(4)
  void aCrashedMastersBridgeMovesToTheSurvivorWithItsFlowsUntouched() throws Exception {
    ClusterNode victim = cluster.mastersOf(br0.dpid()).get(0);
    ClusterNode survivor = cluster.live().stream().filter(n -> n != victim).findFirst().orElseThrow();
    Map<String, Double> before0 = flowAges(br0);
    Map<String, Double> before1 = flowAges(br1);
    Map<String, Double> before2 = flowAges(br2);
    CompletableFuture<PingResult> pings = CompletableFuture.supplyAsync(() -> a.ping(b.ip(), 15,
        Duration.ofSeconds(1)));
    Thread.sleep(600);

    long killedAt = System.nanoTime();
    cluster.crash(victim);
    ControllerHarness.awaitTrue("the survivor masters every bridge", Duration.ofSeconds(10),
        () -> Stream.of(br0, br1, br2).allMatch(br -> survivor.mastership().isMaster(br.dpid())));
    long masterMs = (System.nanoTime() - killedAt) / 1_000_000;
    ControllerHarness.awaitTrue("br0 reconciled by the survivor", Duration.ofSeconds(10),
        () -> cluster.masterReconciled(br0.dpid()));
    long syncedMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf("failover: survivor confirmed master after %d ms, reconciled after %d ms%n", masterMs,
        syncedMs);
    assertTrue(masterMs < 5000, "failover took " + masterMs + " ms");

    PingResult p = pings.get(20, TimeUnit.SECONDS);
    assertEquals(0, p.lost(), "no packet lost across the failover: " + p);
    assertFlowsUntouched(before0, flowAges(br0), br0);
    assertFlowsUntouched(before1, flowAges(br1), br1);
    assertFlowsUntouched(before2, flowAges(br2), br2);
    int survivorPort = cluster.openflowPortOf(survivor);
    ControllerHarness.awaitTrue("OVS shows the survivor as master", Duration.ofSeconds(12),
        () -> "master".equals(ovsRoles(br0).get(target(survivorPort))));

    // the new master programs what the cluster's stores say
    survivor.stores().<String, Long>map(MarkerApp.STORE).put("m2", 0x020000000102L);
    ControllerHarness.awaitTrue("the new master adds the entry", Duration.ofSeconds(10),
        () -> br0.dumpFlows().contains(MarkerApp.dumped(0x020000000102L)));
    assertTrue(br0.dumpFlows().contains(MarkerApp.dumped(0x020000000101L)),
        "the earlier marker, written before the crash, is still wanted");
  }

  @Test
  @Order(5)
  void aReturningInstanceGetsABridgeBackWithoutALostPacket() throws Exception {
    Map<String, Double> before0 = flowAges(br0);
    Map<String, Double> before1 = flowAges(br1);
    Map<String, Double> before2 = flowAges(br2);
    CompletableFuture<PingResult> p0 = CompletableFuture.supplyAsync(() -> a.ping(b.ip(), 25, Duration.ofSeconds(1)));
    CompletableFuture<PingResult> p1 = CompletableFuture.supplyAsync(() -> c.ping(d.ip(), 25, Duration.ofSeconds(1)));
    cluster.restartCrashed();
    awaitOneMasterEach();
    ControllerHarness.awaitTrue("the bridges shared out again", Duration.ofSeconds(15), () -> Stream.of(br0, br1, br2)
        .map(br -> cluster.mastersOf(br.dpid())).filter(m -> m.size() == 1).map(m -> m.get(0)).distinct().count()
        == 2);
    assertEquals(0, p0.get(30, TimeUnit.SECONDS).lost(), "br0 forwarded throughout");
    assertEquals(0, p1.get(30, TimeUnit.SECONDS).lost(), "br1 forwarded throughout");
    assertFlowsUntouched(before0, flowAges(br0), br0);
    assertFlowsUntouched(before1, flowAges(br1), br1);
    assertFlowsUntouched(before2, flowAges(br2), br2);
    for (Bridge br : List.of(br0, br1, br2)) {
      ControllerHarness.awaitTrue("OVS shows one master on " + br, Duration.ofSeconds(12),
          () -> ovsRoles(br).values().stream().filter("master"::equals).count() == 1);
    }
  }

  /** Same entries, and none re-added: every entry is at least as old as before. */
  static void assertFlowsUntouched(Map<String, Double> before, Map<String, Double> after, Bridge br) {
    assertEquals(before.keySet(), after.keySet(), "the entries on " + br + " changed");
    before.forEach((flow, age) -> assertTrue(after.get(flow) >= age,
        "re-added (age " + age + " -> " + after.get(flow) + "): " + flow));
  }
}
