package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.PingResult;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenarios 4 and 5 on real Open vSwitch: two simulated hosts, each with its own OVS and a br-int whose vxlan0
 * port is flow-based, joined by the testbed's underlay (br-phy, 10.99.0.1 and .2). One controller runs the
 * overlay app. One test bed for the class; the tests run in order (the REST ones change the overlay).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverlayEndToEndTest {
  static final String YAML = """
      apps: [vxlan-overlay]
      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: "00:00:00:00:00:00:00:01", tunnel-ip: 10.99.0.1}
          - {name: host2, bridge: "00:00:00:00:00:00:00:02", tunnel-ip: 10.99.0.2}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
          - {name: tenant-a, vni: 1001, subnet: 10.0.0.0/24, gateway: 10.0.0.1}
          - {name: tenant-b, vni: 1002, subnet: 10.0.0.0/24, gateway: 10.0.0.1}
        routers:
          - {name: r1, networks: [net1, net2]}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          - {name: con9, network: net2, host: host2, port: con9-eth, mac: "02:00:00:00:02:02", ip: 192.168.2.2}
          - {name: con11, network: net1, host: host2, port: con11-eth, mac: "02:00:00:00:01:05", ip: 192.168.1.5}
          - {name: a1, network: tenant-a, host: host1, port: a1-eth, mac: "02:00:00:0a:00:02", ip: 10.0.0.2}
          - {name: a2, network: tenant-a, host: host2, port: a2-eth, mac: "02:00:00:0a:00:03", ip: 10.0.0.3}
          - {name: b1, network: tenant-b, host: host1, port: b1-eth, mac: "02:00:00:0b:00:02", ip: 10.0.0.2}
          - {name: b3, network: tenant-b, host: host2, port: b3-eth, mac: "02:00:00:0b:00:04", ip: 10.0.0.4}
      """;
  static final String CON12_JSON = """
      {"name": "con12", "network": "net2", "host": "host1", "port": "con12-eth",
       "mac": "02:00:00:00:02:0c", "ip": "192.168.2.12"}""";
  static final Duration SECOND = Duration.ofSeconds(1);

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("ovla");

  TestBed bed;
  ControllerHarness ctl;
  Bridge br1;
  Bridge br2;
  Container con6;
  Container con9;
  Container con11;
  Container con12;
  Container a1;
  Container a2;
  Container b1;
  Container b3;

  @BeforeAll
  void setUp() throws Exception {
    bed = e2e.bed();
    SimHost h1 = bed.host("h1");
    SimHost h2 = bed.host("h2");
    bed.connectHosts("10.99.0.0/24", h1, h2);
    br1 = h1.addBridge("br-int", 0x1);
    br2 = h2.addBridge("br-int", 0x2);
    br1.addVxlanPort("vxlan0", "flow", "flow");
    br2.addVxlanPort("vxlan0", "flow", "flow");
    con6 = bed.container(h1, "con6", "br-int", "192.168.1.2/24", "02:00:00:00:01:02");
    con9 = bed.container(h2, "con9", "br-int", "192.168.2.2/24", "02:00:00:00:02:02");
    con11 = bed.container(h2, "con11", "br-int", "192.168.1.5/24", "02:00:00:00:01:05");
    a1 = bed.container(h1, "a1", "br-int", "10.0.0.2/24", "02:00:00:0a:00:02");
    a2 = bed.container(h2, "a2", "br-int", "10.0.0.3/24", "02:00:00:0a:00:03");
    b1 = bed.container(h1, "b1", "br-int", "10.0.0.2/24", "02:00:00:0b:00:02");
    b3 = bed.container(h2, "b3", "br-int", "10.0.0.4/24", "02:00:00:0b:00:04");
    con6.addDefaultRoute("192.168.1.1");
    con9.addDefaultRoute("192.168.2.1");
    con11.addDefaultRoute("192.168.1.1");

    ctl = e2e.start(YAML, new VxlanOverlayApp());
    ctl.connect(br1, br2);
  }

  private static String context(Bridge... bridges) {
    StringBuilder sb = new StringBuilder();
    for (Bridge b : bridges) {
      sb.append("\n--- ").append(b).append('\n').append(b.dumpFlows());
    }
    return sb.toString();
  }

  @Test
  @Order(1)
  void scenario4RoutedBetweenSubnetsAcrossHostsWithOneHop() {
    assertTrue(con6.canReachWithin("192.168.2.2", Duration.ofSeconds(5)), "con6 -> con9" + context(br1, br2));
    PingResult there = con6.ping("192.168.2.2", 3, SECOND);
    assertTrue(there.allReceived(), there.output());
    assertEquals(63, there.ttl(), "one routed hop: " + there.output());
    PingResult back = con9.ping("192.168.1.2", 3, SECOND);
    assertTrue(back.allReceived(), back.output());
    assertEquals(63, back.ttl(), back.output());
  }

  @Test
  @Order(2)
  void scenario4SameNetworkAcrossTheTunnelIsNotRouted() {
    PingResult p = con11.ping("192.168.1.2", 3, SECOND);
    assertTrue(p.allReceived(), p.output() + context(br1, br2));
    assertEquals(64, p.ttl(), p.output());
  }

  @Test
  @Order(3)
  void theGatewaysAnswerPings() {
    PingResult own = con6.ping("192.168.1.1", 2, SECOND);
    assertTrue(own.allReceived(), own.output());
    PingResult other = con9.ping("192.168.1.1", 2, SECOND);
    assertTrue(other.allReceived(), "the router's address in net1, from net2: " + other.output());
  }

  @Test
  @Order(4)
  void ttlOneIsNotRouted() {
    var oneHop = con6.run(Duration.ofSeconds(10), "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-t", "1",
        "192.168.2.2");
    assertFalse(oneHop.ok(), "a TTL-1 packet crossed the router: " + oneHop.output());
    var twoHops = con6.run(Duration.ofSeconds(10), "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "-t", "2",
        "192.168.2.2");
    assertTrue(twoHops.ok(), twoHops.output());
  }

  @Test
  @Order(5)
  void ofprotoTraceAgreesWithTheRoutedPath() {
    String routed = "in_port=con6-eth,dl_src=02:00:00:00:01:02,dl_dst=0a:58:c0:a8:01:01,"
        + "icmp,nw_src=192.168.1.2,nw_dst=192.168.2.2,nw_ttl=64,icmp_type=8";
    String trace = br1.trace(routed);
    for (String expected : new String[] {"dec_ttl", "set_field:0a:58:c0:a8:02:01->eth_src",
        "set_field:02:00:00:00:02:02->eth_dst", "set_field:0xc8->tun_id", "set_field:10.99.0.2->tun_dst",
        "output:" + br1.ofport("vxlan0")}) {
      assertTrue(trace.contains(expected), "missing " + expected + " in\n" + trace);
    }
    String datapath = datapathActions(trace);
    assertTrue(datapath.contains("tnl_push") && datapath.contains("vni=0xc8") && datapath.contains(
        "dst=10.99.0.2"), "the VXLAN encapsulation to host2 with VNI 200: " + datapath + "\n" + trace);
    assertTrue(datapath.contains("ttl=63"), "the inner TTL is decremented: " + datapath);

    String dying = br1.trace(routed.replace("nw_ttl=64", "nw_ttl=1"));
    assertFalse(datapathActions(dying).contains("tnl_push"), "TTL 1 must not be forwarded:\n" + dying);
  }

  @Test
  @Order(6)
  void scenario5TenantsWithTheSameSubnetStayIsolated() {
    assertTrue(a1.canReachWithin("10.0.0.3", Duration.ofSeconds(3)), "tenant-a across hosts" + context(br1, br2));
    assertTrue(b1.canReach("10.0.0.4"), "tenant-b across hosts");
    assertFalse(a1.canReach("10.0.0.4"), "a1 (tenant-a) reached b3 (tenant-b)");
    assertFalse(b1.canReach("10.0.0.3"), "b1 (tenant-b) reached a2 (tenant-a)");
    String neighbour = a1.exec("ip", "neigh", "show", "10.0.0.3");
    assertTrue(neighbour.contains("02:00:00:0a:00:03"), "10.0.0.3 in tenant-a is a2: " + neighbour);
    assertFalse(con6.canReach("10.0.0.2"), "net1 reached a tenant network that no router joins");
  }

  @Test
  @Order(7)
  void spoofedSourcesAreDroppedAtTheEndpointsPort() {
    String spoofedIp = br2.trace("in_port=con11-eth,dl_src=02:00:00:00:01:05,dl_dst=02:00:00:00:01:02,"
        + "icmp,nw_src=192.168.1.66,nw_dst=192.168.1.2");
    assertEquals("drop", datapathActions(spoofedIp), spoofedIp);
    String spoofedMac = br2.trace("in_port=con11-eth,dl_src=02:00:00:00:99:99,dl_dst=02:00:00:00:01:02,"
        + "icmp,nw_src=192.168.1.5,nw_dst=192.168.1.2");
    assertEquals("drop", datapathActions(spoofedMac), spoofedMac);

    con11.exec("ip", "addr", "add", "192.168.1.66/24", "dev", "eth0");
    try {
      var r = con11.run(Duration.ofSeconds(10), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", "-I",
          "192.168.1.66", "192.168.1.2");
      assertFalse(r.ok(), "a ping from a spoofed IP got through: " + r.output());
    } finally {
      con11.exec("ip", "addr", "del", "192.168.1.66/24", "dev", "eth0");
    }
    con11.exec("ip", "link", "set", "eth0", "address", "02:00:00:00:99:99");
    try {
      assertFalse(con11.canReach("192.168.1.2"), "a ping from a spoofed MAC got through");
    } finally {
      con11.exec("ip", "link", "set", "eth0", "address", "02:00:00:00:01:05");
    }
    assertTrue(con11.canReachWithin("192.168.1.2", Duration.ofSeconds(3)), "con11 with its own addresses");
  }

  @Test
  @Order(8)
  void anEndpointAddedThroughRestIsReachableWithinASecondAndGoneWhenDeleted() throws Exception {
    con12 = bed.container(bed.findHost("h1").orElseThrow(), "con12", "br-int", "192.168.2.12/24",
        "02:00:00:00:02:0c");
    con12.addDefaultRoute("192.168.2.1");
    assertFalse(con9.canReach("192.168.2.12"), "con12 is not an endpoint yet");

    String unrelatedBefore = flowLine(br2, "dl_dst=02:00:00:00:01:02");
    var created = ctl.post("/overlay/endpoints", CON12_JSON);
    assertEquals(201, created.status(), created.body());
    PingResult p = con9.ping("192.168.2.12", 5, SECOND);
    assertTrue(p.success(), "not reachable within a second of the POST: " + p.output() + context(br1, br2));
    assertTrue(con6.ping("192.168.2.12", 2, SECOND).success(), "routed to it from net1 on the same host");

    var listed = ctl.get("/overlay/endpoints/con12");
    assertEquals(200, listed.status(), listed.body());
    assertTrue(listed.body().contains("\"bound\":true") || listed.body().contains("\"bound\" : true"),
        listed.body());
    assertTrue(listed.body().contains("\"ofport\""), listed.body());

    // hitless: an entry that does not depend on con12 was left alone (same entry, its counters kept growing)
    String unrelatedAfter = flowLine(br2, "dl_dst=02:00:00:00:01:02");
    assertTrue(durationOf(unrelatedAfter) >= durationOf(unrelatedBefore),
        "re-installed:\n" + unrelatedBefore + "\n" + unrelatedAfter);

    var deleted = ctl.delete("/overlay/endpoints/con12");
    assertTrue(deleted.status() == 200 || deleted.status() == 204, deleted.status() + " " + deleted.body());
    // the answer means the endpoint is gone from the store; its entries leave the switches right after, as they
    // came (an echo sent in that moment may still be answered): at most a second, then three pings all fail
    long goneBy = System.nanoTime() + SECOND.toNanos();
    while (System.nanoTime() < goneBy && con9.ping("192.168.2.12", 1, Duration.ofMillis(200)).success()) {
      Thread.onSpinWait();
    }
    assertFalse(con9.canReach("192.168.2.12"), "still reachable a second after DELETE");
    assertEquals(404, ctl.get("/overlay/endpoints/con12").status());
  }

  @Test
  @Order(9)
  void badEndpointsAreRefusedThroughRest() throws Exception {
    var dupIp = ctl.post("/overlay/endpoints", CON12_JSON.replace("192.168.2.12", "192.168.2.2"));
    assertEquals(409, dupIp.status(), dupIp.body());
    assertTrue(dupIp.body().contains("already used by endpoint 'con9'"), dupIp.body());
    var outside = ctl.post("/overlay/endpoints", CON12_JSON.replace("192.168.2.12", "192.168.7.12"));
    assertEquals(400, outside.status(), outside.body());
    assertTrue(outside.body().contains("outside network net2's subnet"), outside.body());
    var unknownNet = ctl.post("/overlay/endpoints", CON12_JSON.replace("\"net2\"", "\"net7\""));
    assertEquals(400, unknownNet.status(), unknownNet.body());
    assertTrue(unknownNet.body().contains("unknown network 'net7'"), unknownNet.body());
    var configOne = ctl.delete("/overlay/endpoints/con6");
    assertEquals(409, configOne.status(), configOne.body());
  }

  @Test
  @Order(10)
  void anAuditFindsTheSwitchesHoldingExactlyWhatTheAppWants() throws Exception {
    // every action kind the overlay uses (moves, ARP/ICMP set_field, tun_id/tun_dst, dec_ttl, write_metadata)
    // must read back from the switch as sent, or each audit would rewrite it
    var s1 = ctl.awaitSwitch("0000000000000001", Duration.ofSeconds(5));
    var s2 = ctl.awaitSwitch("0000000000000002", Duration.ofSeconds(5));
    long sentBefore = s1.programmer().flowModsSent() + s2.programmer().flowModsSent();
    long auditsBefore = audits();
    ctl.controller().auditAll();
    ControllerHarness.awaitTrue("two audits", Duration.ofSeconds(10), () -> audits() >= auditsBefore + 2);
    assertEquals(sentBefore, s1.programmer().flowModsSent() + s2.programmer().flowModsSent(),
        "the audit found drift" + context(br1, br2));
  }

  private static final Pattern AUDITS = Pattern.compile(
      "(?m)^switchboard_reconciliations_total\\{kind=\"audit\"} (\\d+)");

  private long audits() {
    Matcher m = AUDITS.matcher(ctl.controller().metrics().render());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static final Pattern DURATION = Pattern.compile("duration=([0-9.]+)s");

  private static String flowLine(Bridge b, String needle) {
    return b.dumpFlows().lines().filter(l -> l.contains(needle) && l.contains("table=4")).findFirst()
        .orElseThrow(() -> new AssertionError("no l2 entry with " + needle + context(b)));
  }

  private static double durationOf(String flowLine) {
    Matcher m = DURATION.matcher(flowLine);
    assertTrue(m.find(), flowLine);
    return Double.parseDouble(m.group(1));
  }

  private static String datapathActions(String trace) {
    return trace.lines().filter(l -> l.startsWith("Datapath actions:")).map(l -> l.substring(17).strip())
        .reduce((a, b) -> b).orElse("");
  }
}
