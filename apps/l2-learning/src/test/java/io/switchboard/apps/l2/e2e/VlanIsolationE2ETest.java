package io.switchboard.apps.l2.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.apps.l2.L2LearningApp;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.PortCounters;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 1 on real OVS: one host, bridge ovs0, con6 and con8 in VLAN 100, con7 in VLAN 200 (access ports from
 * config). Then, on the same bed: a MAC move, and a controller restart that keeps what was learned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VlanIsolationE2ETest {
  static final String YAML = """
      apps: [l2-learning]
      bridges:
        - bridge: ovs0
          ports:
            con6-eth: {vlan: 100}
            con7-eth: {vlan: 200}
            con8-eth: {vlan: 100}
            con8-b: {vlan: 100}      # where con8 moves to; not there at start
            con9-eth: {vlan: 100}    # a twin of con8 (same MAC and IP) that takes over while con8-b stays
      l2-learning:
        idle-timeout: 300s
      """;
  static final Duration CONNECT = Duration.ofSeconds(20);

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("l2a");

  TestBed bed;
  ControllerHarness ctl;
  Bridge br;
  SimHost h1;
  Container con6;
  Container con7;
  Container con8;

  @BeforeAll
  void up() throws Exception {
    bed = e2e.bed();
    h1 = bed.host("h1");
    br = h1.addBridge("ovs0");
    con6 = bed.container(h1, "con6", "ovs0", "192.168.1.2/24", "02:00:00:00:01:06");
    con7 = bed.container(h1, "con7", "ovs0", "192.168.1.3/24", "02:00:00:00:01:07");
    con8 = bed.container(h1, "con8", "ovs0", "192.168.1.4/24", "02:00:00:00:01:08");
    ctl = e2e.start(YAML, new L2LearningApp());
    br.setController(ctl.openflowPort());
    ctl.awaitSwitch("ovs0", CONNECT);
  }

  @Test
  @Order(1)
  void sameVlanReachesAndOtherVlanDoesNot() {
    assertTrue(con8.canReachWithin(con6.ip(), Duration.ofSeconds(10)), "con8 -> con6 (VLAN 100)");
    assertTrue(con6.canReach(con8.ip()), "con6 -> con8 (VLAN 100)");
    assertFalse(con8.canReach(con7.ip()), "con8 (VLAN 100) must not reach con7 (VLAN 200)");
    assertFalse(con6.canReach(con7.ip()), "con6 (VLAN 100) must not reach con7 (VLAN 200)");
  }

  @Test
  @Order(2)
  void broadcastStaysInItsVlan() {
    // quiet VLAN 100 while we count what reaches its ports: no ARP retries (for con7, from the first test)
    // nor probes between con6 and con8
    for (Container c : List.of(con6, con8)) {
      c.exec("ip", "neigh", "flush", "dev", "eth0");
    }
    con6.exec("ip", "neigh", "replace", con8.ip(), "lladdr", con8.mac(), "dev", "eth0", "nud", "permanent");
    con8.exec("ip", "neigh", "replace", con6.ip(), "lladdr", con6.mac(), "dev", "eth0", "nud", "permanent");
    Map<String, PortCounters> before = br.portCounters();
    con7.ping("192.168.1.99", 3, Duration.ofSeconds(1)); // ARP broadcasts for an unknown address
    con7.run("ping", "-n", "-b", "-c", "2", "-i", "0.2", "-W", "1", "192.168.1.255");
    Map<String, PortCounters> after = br.portCounters();
    assertTrue(after.get("con7-eth").rxPackets() >= before.get("con7-eth").rxPackets() + 3,
        "con7 did send its broadcasts: " + before.get("con7-eth") + " -> " + after.get("con7-eth"));
    assertEquals(before.get("con6-eth").txPackets(), after.get("con6-eth").txPackets(), "nothing reached con6");
    assertEquals(before.get("con8-eth").txPackets(), after.get("con8-eth").txPackets(), "nothing reached con8");
  }

  @Test
  @Order(3)
  void hostsApiListsLearnedHosts() throws Exception {
    ControllerHarness.Response r = ctl.get("/hosts");
    assertEquals(200, r.status());
    String body = r.body();
    for (String expected : List.of("\"mac\":\"02:00:00:00:01:06\"", "\"mac\":\"02:00:00:00:01:08\"",
        "\"port\":\"con6-eth\"", "\"port\":\"con8-eth\"", "\"bridge\":\"ovs0\"", "\"vlan\":100",
        "\"port-number\":" + con6.ofport(), "\"age-seconds\":")) {
      assertTrue(body.replaceAll("\\s", "").contains(expected), expected + " in " + body);
    }
    assertTrue(body.replaceAll("\\s", "").contains("\"vlan\":200,\"mac\":\"02:00:00:00:01:07\""),
        "con7 in VLAN 200: " + body);
    ControllerHarness.Response one = ctl.get("/hosts/02:00:00:00:01:06");
    assertEquals(200, one.status(), one.body());
    assertTrue(one.body().contains("con6-eth"), one.body());
  }

  @Test
  @Order(4)
  void movedHostIsRelearnedAndItsOldEntryGoes() throws Exception {
    int oldPort = con8.ofport();
    assertTrue(E2e.flowsWith(br, con8.mac()).stream().anyMatch(l -> l.contains("output:" + oldPort)),
        "before the move, con8's entry outputs to its port " + oldPort + ": " + br.dumpFlows());
    con8.replug(h1, "ovs0", "con8-b");
    int newPort = con8.ofport();
    assertTrue(con8.canReachWithin(con6.ip(), Duration.ofSeconds(10)), "con8 reaches con6 again after the move");
    assertTrue(con6.canReach(con8.ip()), "con6 reaches con8 at its new port");
    List<String> flows = E2e.flowsWith(br, con8.mac());
    assertTrue(flows.stream().anyMatch(l -> l.contains("output:" + newPort)), "new entry: " + flows);
    assertTrue(flows.stream().noneMatch(l -> l.contains("output:" + oldPort + ",") || l.endsWith("output:"
        + oldPort) || l.contains("in_port=" + oldPort + ",")), "old entries gone: " + flows);
    assertTrue(ctl.get("/hosts").body().contains("con8-b"), "the API shows the new port");
    assertFalse(con8.canReach(con7.ip()), "still isolated from VLAN 200 at the new port");
    assertEquals(0.0, E2e.auditChanges(ctl, "ovs0"), "entries read back from the switch are as desired");
  }

  /** The MAC shows up on another port while its old port is still there (link down): a move proper. */
  @Test
  @Order(5)
  void macSeenOnAnotherPortMovesAtOnce() throws Exception {
    int oldPort = con8.ofport();
    con8.exec("ip", "link", "set", "eth0", "down");
    Container twin = bed.container(h1, "con9", "ovs0", con8.ipCidr(), con8.mac());
    int newPort = twin.ofport();
    assertTrue(twin.canReachWithin(con6.ip(), Duration.ofSeconds(10)), "the twin reaches con6");
    List<String> flows = E2e.flowsWith(br, con8.mac());
    assertTrue(flows.stream().anyMatch(l -> l.contains("in_port=" + newPort + ",")), "learned anew: " + flows);
    assertTrue(flows.stream().noneMatch(l -> l.contains("in_port=" + oldPort + ",") || l.endsWith("output:"
        + oldPort)), "the old location's entries went: " + flows);
    assertTrue(ctl.get("/hosts").body().contains("con9-eth"), "the API shows the new port");
    con8 = twin;
  }

  @Test
  @Order(6)
  void restartedControllerKeepsLearnedFlows() throws Exception {
    String learnLine = E2e.flowsWith(br, "dl_src=" + con6.mac()).stream().findFirst()
        .orElseThrow(() -> new AssertionError("no learned entry for con6: " + br.dumpFlows()));
    double before = E2e.duration(learnLine);
    ctl = e2e.restart(YAML, new L2LearningApp());
    ctl.awaitSwitch("ovs0", CONNECT);
    String hosts = ctl.get("/hosts").body();
    assertTrue(hosts.contains(con6.mac()) && hosts.contains(con8.mac()),
        "the new controller adopted the learned hosts right after reconnecting: " + hosts);
    assertEquals(0.0, E2e.metric(ctl, "switchboard_flow_mods_total"), "nothing was rewritten on reconnect");
    assertTrue(con8.canReach(con6.ip()), "con8 -> con6 after the restart");
    String after = E2e.flowsWith(br, "dl_src=" + con6.mac()).stream().findFirst().orElseThrow();
    assertTrue(E2e.duration(after) >= before, "the learned entry was kept, not re-added: " + learnLine + " / "
        + after);
    assertEquals(0.0, E2e.metric(ctl, "switchboard_packet_ins_total"), "known hosts cause no packet-ins");
    assertFalse(con6.canReach(con7.ip()), "isolation holds after the restart");
  }
}
