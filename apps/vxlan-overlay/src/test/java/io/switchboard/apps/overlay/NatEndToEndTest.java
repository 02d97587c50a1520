package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.ControllerHarness.Response;
import io.switchboard.testbed.BackgroundProcess;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.CommandResult;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.PingResult;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * The seed's classic network and floating IP on real Open vSwitch (userspace conntrack with NAT): two hosts joined by
 * VXLAN; host1 is the gateway host, its physical bridge br-eth (a plain learning switch the controller does not
 * program, patched to br-int as int-br-eth / phy-br-eth) holds the "outside" namespace 192.168.66.1/23, which is
 * also the router's upstream gateway. Tenant network net1 172.66.1.0/24 is SNATed to 192.168.66.45; endpoint fip
 * (172.66.1.103, on host2) has the floating IP 192.168.66.46; net2 is routed to net1 without NAT (the latency
 * comparison); l1 is a localnet endpoint on the physical network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatEndToEndTest {
  static final String YAML = """
      apps: [vxlan-overlay]
      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: "00:00:00:00:00:00:00:01", tunnel-ip: 10.99.0.1, bridge-mappings: {wanNet: br-eth}}
          - {name: host2, bridge: "00:00:00:00:00:00:00:02", tunnel-ip: 10.99.0.2, bridge-mappings: {wanNet: br-eth}}
        networks:
          - {name: net1, vni: 100, subnet: 172.66.1.0/24, gateway: 172.66.1.1}
          - {name: net2, vni: 200, subnet: 172.66.2.0/24, gateway: 172.66.2.1}
          - {name: wan, vni: 66, subnet: 192.168.66.0/23, type: localnet, physical-network: wanNet}
          - {name: prov, vni: 67, subnet: 10.7.0.0/24, type: localnet, physical-network: wanNet, vlan: 70}
        routers:
          - name: r1
            networks: [net1, net2]
            external: {network: wan, ip: 192.168.66.45/23, gateway: 192.168.66.1, host: host1}
            nat:
              - {type: snat, logical-ip: 172.66.1.0/24, external-ip: 192.168.66.45}
              - {type: dnat-and-snat, logical-ip: 172.66.1.103, external-ip: 192.168.66.46}
        endpoints:
          - {name: c1, network: net1, host: host1, port: c1-eth, mac: "02:00:00:00:01:65", ip: 172.66.1.101}
          - {name: c2, network: net1, host: host2, port: c2-eth, mac: "02:00:00:00:01:66", ip: 172.66.1.102}
          - {name: fip, network: net1, host: host2, port: fip-eth, mac: "02:00:00:00:01:67", ip: 172.66.1.103}
          - {name: c3, network: net2, host: host1, port: c3-eth, mac: "02:00:00:00:02:02", ip: 172.66.2.2}
          - {name: l1, network: wan, host: host1, port: l1-eth, mac: "02:00:00:00:42:0a", ip: 192.168.66.10}
          - {name: l2, network: wan, host: host2, port: l2-eth, mac: "02:00:00:00:42:0b", ip: 192.168.66.11}
          - {name: v1, network: prov, host: host2, port: v1-eth, mac: "02:00:00:00:07:0a", ip: 10.7.0.10}
      """;
  static final String OUTSIDE = "192.168.66.1";
  static final String SNAT_IP = "192.168.66.45";
  static final String FIP_IP = "192.168.66.46";
  static final String FIP_RULE = "/overlay/routers/r1/nat/dnat-and-snat:172.66.1.103";
  static final int ZONE = 0xE000 | 66;
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final Duration SECOND = Duration.ofSeconds(1);

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("nate");

  TestBed bed;
  SimHost h1;
  ControllerHarness ctl;
  Bridge br1;
  Bridge br2;
  Container c1;
  Container c2;
  Container c3;
  Container fip;
  Container l1;
  Container l2;
  Container v1;
  Container pv;
  Container out;

  @BeforeAll
  void setUp() throws Exception {
    bed = e2e.bed();
    h1 = bed.host("h1");
    SimHost h2 = bed.host("h2");
    bed.connectHosts("10.99.0.0/24", h1, h2);
    br1 = h1.addBridge("br-int", 0x1);
    br2 = h2.addBridge("br-int", 0x2);
    br1.addVxlanPort("vxlan0", "flow", "flow");
    br2.addVxlanPort("vxlan0", "flow", "flow");
    // the physical network: on each host a standalone learning switch, patched to br-int by the operator, and a
    // wire between the two hosts' switches (the provider network's L2)
    for (SimHost h : new SimHost[] {h1, h2}) {
      h.vsctl("add-br", "br-eth", "--", "set", "bridge", "br-eth", "datapath_type=netdev");
      h.vsctl("add-port", "br-int", "int-br-eth", "--", "set", "interface", "int-br-eth", "type=patch",
          "options:peer=phy-br-eth", "--", "add-port", "br-eth", "phy-br-eth", "--", "set", "interface",
          "phy-br-eth", "type=patch", "options:peer=int-br-eth");
    }
    h1.exec("ip", "link", "add", "wire1", "type", "veth", "peer", "name", "wire2", "netns", h2.namespace());
    h1.exec("ip", "link", "set", "wire1", "up");
    h2.exec("ip", "link", "set", "wire2", "up");
    h1.vsctl("add-port", "br-eth", "wire1");
    h2.vsctl("add-port", "br-eth", "wire2");
    out = bed.container(h1, "out", "br-eth", OUTSIDE + "/23", "02:00:00:00:66:01");
    c1 = bed.container(h1, "c1", "br-int", "172.66.1.101/24", "02:00:00:00:01:65");
    c2 = bed.container(h2, "c2", "br-int", "172.66.1.102/24", "02:00:00:00:01:66");
    fip = bed.container(h2, "fip", "br-int", "172.66.1.103/24", "02:00:00:00:01:67");
    c3 = bed.container(h1, "c3", "br-int", "172.66.2.2/24", "02:00:00:00:02:02");
    l1 = bed.container(h1, "l1", "br-int", "192.168.66.10/23", "02:00:00:00:42:0a");
    l2 = bed.container(h2, "l2", "br-int", "192.168.66.11/23", "02:00:00:00:42:0b");
    // a tagged provider network: on the physical side an access port of VLAN 70 (the kernel here has no VLAN
    // devices), on the overlay side the localnet network prov with vlan: 70, on host2 (so across the wire)
    v1 = bed.container(h2, "v1", "br-int", "10.7.0.10/24", "02:00:00:00:07:0a");
    pv = bed.container(h1, "pv", "br-eth", "10.7.0.1/24", "02:00:00:00:07:01");
    h1.vsctl("set", "port", "pv-eth", "tag=70");
    for (Container c : new Container[] {c1, c2, fip}) {
      c.addDefaultRoute("172.66.1.1");
    }
    c3.addDefaultRoute("172.66.2.1");
    // the outside's servers tell each client the address it came from; the ticker speaks without being asked (the
    // bed stops them all when it closes)
    out.spawn("socat", "TCP-LISTEN:7000,fork,reuseaddr", "SYSTEM:echo peer=$SOCAT_PEERADDR");
    out.spawn("socat", "UDP-RECVFROM:7001,bind=" + OUTSIDE + ",fork", "SYSTEM:echo peer=$SOCAT_PEERADDR");
    out.spawn("socat", "TCP-LISTEN:7002,fork,reuseaddr",
        "SYSTEM:i=0; while [ $i -lt 600 ]; do sleep 0.3; echo tick; i=$((i+1)); done");
    fip.spawn("socat", "TCP-LISTEN:7000,fork,reuseaddr", "SYSTEM:echo peer=$SOCAT_PEERADDR");

    ctl = e2e.start(YAML, new VxlanOverlayApp());
    ctl.connect(br1, br2);
  }

  @Test
  @Order(1)
  void anEndpointWithoutFipOnTheOtherHostLeavesWithTheSnatAddress() {
    assertTrue(c2.canReachWithin(OUTSIDE, SETTLE), "c2 -> outside" + context());
    PingResult p = c2.ping(OUTSIDE, 3, SECOND);
    assertTrue(p.allReceived(), p.output());
    assertEquals(63, p.ttl(), "one routed hop: " + p.output());
    assertEquals("peer=" + SNAT_IP, tcpPeer(c2, OUTSIDE), "the outside sees the SNAT address" + context());
    assertEquals("peer=" + SNAT_IP, udpPeer(c2), "UDP too");
    String conntrack = h1.appctl("dpctl/dump-conntrack", "zone=" + ZONE);
    assertTrue(conntrack.contains("orig=(src=172.66.1.102,dst=192.168.66.1,")
        && conntrack.contains("reply=(src=192.168.66.1,dst=192.168.66.45,"), "the gateway host tracks the "
        + "translation in the router's zone: " + conntrack);
    assertTrue(c1.canReachWithin(OUTSIDE, SETTLE), "c1, on the gateway host itself");
    assertEquals("peer=" + SNAT_IP, tcpPeer(c1, OUTSIDE));
  }

  @Test
  @Order(2)
  void theOutsideReachesTheFloatingIpAndItsEndpointLeavesWithIt() {
    assertTrue(out.canReachWithin(FIP_IP, SETTLE), "outside -> FIP" + context());
    assertEquals("peer=" + OUTSIDE, tcpPeer(out, FIP_IP), "the endpoint sees the outside's own address");
    assertEquals("peer=" + FIP_IP, tcpPeer(fip, OUTSIDE), "the FIP wins over the subnet's SNAT");
  }

  @Test
  @Order(3)
  void theGatewayAnswersPingsAndALocalnetEndpointIsOnThePhysicalNetwork() {
    assertTrue(out.canReachWithin(SNAT_IP, SETTLE), "the router's external address answers" + context());
    assertTrue(l1.canReachWithin(OUTSIDE, SETTLE), "localnet endpoint -> outside" + context());
    PingResult p = l1.ping(OUTSIDE, 3, SECOND);
    assertTrue(p.allReceived(), p.output());
    assertEquals(64, p.ttl(), "the same L2, not routed: " + p.output());
    assertEquals("peer=192.168.66.10", tcpPeer(l1, OUTSIDE), "no NAT on the physical network");
    assertTrue(out.canReach("192.168.66.10"), "outside -> localnet endpoint");
    String neighbour = out.exec("ip", "neigh", "show", "192.168.66.10");
    assertTrue(neighbour.contains("02:00:00:00:42:0a"), neighbour);
    // a localnet endpoint on the other host: bridged there, through host2's br-eth and the wire, no VXLAN
    assertTrue(l2.canReachWithin(OUTSIDE, SETTLE), "localnet endpoint on host2 -> outside" + context());
    PingResult p2 = l2.ping(OUTSIDE, 3, SECOND);
    assertTrue(p2.allReceived() && p2.ttl() == 64, p2.output());
    assertEquals("peer=192.168.66.11", tcpPeer(l2, OUTSIDE));
    assertTrue(l2.canReach("192.168.66.10"), "the two localnet endpoints, across the physical network");
    String toL1 = br2.dumpFlows().lines().filter(l -> l.contains("metadata=0x42")
        && l.contains("dl_dst=02:00:00:00:42:0a")).findFirst().orElse("none");
    assertTrue(toL1.endsWith("actions=output:" + br2.ofport("int-br-eth")) && !toL1.contains("tun_dst"),
        "host2 reaches l1 through the physical network, not VXLAN: " + toL1);
    // the VLAN provider network: v1's frames leave tagged 70 and reach only VLAN 70's access port
    assertTrue(v1.canReachWithin("10.7.0.1", SETTLE), "v1 (vlan 70) -> the VLAN 70 host" + context());
    assertTrue(pv.canReach("10.7.0.10"));
    pv.exec("ip", "addr", "add", "192.168.66.99/23", "dev", "eth0");
    try {
      assertFalse(pv.canReach("192.168.66.10"), "an access port of VLAN 70 reached the untagged network");
    } finally {
      pv.exec("ip", "addr", "del", "192.168.66.99/23", "dev", "eth0");
    }
  }

  @Test
  @Order(3)
  void theTraceShowsTheNatStepOnTheGatewayHost() throws Exception {
    Response r = ctl.post("/trace", """
        {"bridge": "0000000000000002", "in-port": "c2-eth", "eth-type": "ipv4", "ipv4-dst": "192.168.66.1",
         "ip-proto": "tcp", "tcp-src": 40000, "tcp-dst": 7000}""");
    assertEquals(200, r.status(), r.body());
    String t = r.body();
    assertTrue(t.contains("through the tunnel to host1 (10.99.0.1), VNI 66"), "to the gateway host: " + t);
    assertTrue(t.contains("ct(nat): source 172.66.1.102 -> 192.168.66.45 (SNAT of a new connection, zone "
        + ZONE + ")"), "the NAT step with its addresses: " + t);
    assertTrue(t.contains("\"to\":\"192.168.66.45\"") || t.contains("\"to\" : \"192.168.66.45\""), t);
    assertTrue(t.contains("output to int-br-eth"), "out to the physical network: " + t);
    Response in = ctl.post("/trace", """
        {"bridge": "0000000000000001", "in-port": "int-br-eth", "eth-type": "ipv4", "eth-src": "02:00:00:00:66:01",
         "eth-dst": "0a:58:c0:a8:42:2d", "ipv4-src": "192.168.66.1", "ipv4-dst": "192.168.66.46", "ip-proto": "icmp"}
        """);
    assertEquals(200, in.status(), in.body());
    assertTrue(in.body().contains("ct(nat): destination 192.168.66.46 -> 172.66.1.103 (DNAT"), in.body());
    assertTrue(in.body().contains("through the tunnel to host2"), "to the FIP's endpoint on host2: " + in.body());
  }

  @Test
  @Order(4)
  void anAuditFindsTheNatEntriesAsSent() throws Exception {
    // ct with nat, ct_clear, set_field to metadata, meters: each must read back from the switch as sent
    var s1 = ctl.awaitSwitch("0000000000000001", Duration.ofSeconds(5));
    var s2 = ctl.awaitSwitch("0000000000000002", Duration.ofSeconds(5));
    long sentBefore = s1.programmer().flowModsSent() + s2.programmer().flowModsSent();
    long auditsBefore = audits();
    ctl.controller().auditAll();
    ControllerHarness.awaitTrue("two audits", SETTLE, () -> audits() >= auditsBefore + 2);
    assertEquals(sentBefore, s1.programmer().flowModsSent() + s2.programmer().flowModsSent(),
        "the audit found drift" + context());
  }

  private static final Pattern AUDITS = Pattern.compile(
      "(?m)^switchboard_reconciliations_total\\{kind=\"audit\"} (\\d+)");

  private long audits() {
    Matcher m = AUDITS.matcher(ctl.controller().metrics().render());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  @Order(5)
  void natRulesOverRest() throws Exception {
    Response list = ctl.get("/overlay/routers/r1/nat");
    assertEquals(200, list.status(), list.body());
    assertTrue(list.body().contains("\"dnat-and-snat:172.66.1.103\"") && list.body().contains("\"snat:172.66.1.0/24\""),
        list.body());
    Response outside = ctl.post("/overlay/routers/r1/nat", """
        {"type": "dnat-and-snat", "logical-ip": "172.66.1.102", "external-ip": "192.168.80.47"}""");
    assertEquals(400, outside.status(), outside.body());
    assertTrue(outside.body().contains("outside the external network wan"), outside.body());
    Response taken = ctl.post("/overlay/routers/r1/nat", """
        {"type": "dnat-and-snat", "logical-ip": "172.66.1.102", "external-ip": "192.168.66.46"}""");
    assertEquals(400, taken.status(), taken.body());
    assertTrue(taken.body().contains("already used by rule dnat-and-snat:172.66.1.103"), taken.body());
    Response logical = ctl.post("/overlay/routers/r1/nat", """
        {"type": "snat", "logical-ip": "10.1.0.0/16", "external-ip": "192.168.66.47"}""");
    assertEquals(400, logical.status(), logical.body());
    assertTrue(logical.body().contains("outside router r1's networks"), logical.body());
    assertEquals(404, ctl.get("/overlay/routers/r9/nat").status());
    assertEquals(409, ctl.delete("/overlay/routers/r1/nat/snat:172.66.1.0%2F24").status(),
        "a rule of the config file");

    // a FIP added over REST works, and deleting it changes nothing else
    Response added = ctl.post("/overlay/routers/r1/nat", """
        {"type": "dnat-and-snat", "logical-ip": "172.66.1.102", "external-ip": "192.168.66.47"}""");
    assertEquals(201, added.status(), added.body());
    assertTrue(out.canReachWithin("192.168.66.47", SETTLE), "the new FIP" + context());
    assertEquals("peer=192.168.66.47", tcpPeer(c2, OUTSIDE), "c2 now leaves with its FIP");
    Map<String, Double> before = durations(br1);
    before.putAll(durations(br2));
    Thread.sleep(1100);
    Response deleted = ctl.delete("/overlay/routers/r1/nat/dnat-and-snat:172.66.1.102");
    assertEquals(200, deleted.status(), deleted.body());
    ControllerHarness.awaitTrue("the FIP's entries are gone", SETTLE,
        () -> !br1.dumpFlows().contains("192.168.66.47"));
    assertFalse(out.canReach("192.168.66.47"), "the deleted FIP still answers");
    assertEquals("peer=" + SNAT_IP, tcpPeer(c2, OUTSIDE), "back to the subnet's SNAT");
    Map<String, Double> after = durations(br1);
    after.putAll(durations(br2));
    before.forEach((flow, d) -> {
      if (flow.contains("192.168.66.47")) {
        return; // the rule's own entries: each names its external address
      }
      Double a = after.get(flow);
      assertTrue(a != null && a >= d + 1, "re-installed or touched: " + flow + " " + d + " -> " + a);
    });
  }

  @Test
  @Order(6)
  void deletingTheSeedsFipCutsTheOutsideOffButSnatStillWorks() throws Exception {
    Response deleted = ctl.delete(FIP_RULE);
    assertEquals(409, deleted.status(), "a config rule: " + deleted.body());
    // the seed's FIP comes from the config file: the same rule added over REST instead, then deleted
    String withoutFip = YAML.replace("        - {type: dnat-and-snat, logical-ip: 172.66.1.103, external-ip: 192.168.66.46}\n",
        "");
    assertFalse(withoutFip.contains("192.168.66.46"), withoutFip);
    reload(withoutFip);
    ControllerHarness.awaitTrue("the FIP is gone after the reload", SETTLE,
        () -> !br1.dumpFlows().contains(FIP_IP));
    Response added = ctl.post("/overlay/routers/r1/nat", """
        {"type": "dnat-and-snat", "logical-ip": "172.66.1.103", "external-ip": "192.168.66.46"}""");
    assertEquals(201, added.status(), added.body());
    assertTrue(out.canReachWithin(FIP_IP, SETTLE), "the FIP again, added over REST");
    Map<String, Double> before = durations(br1);
    Thread.sleep(1100);
    assertEquals(200, ctl.delete(FIP_RULE).status());
    ControllerHarness.awaitTrue("the FIP's entries are gone", SETTLE, () -> !br1.dumpFlows().contains(FIP_IP));
    assertFalse(out.canReach(FIP_IP), "outside still reaches the deleted FIP");
    CommandResult tcp = out.run(Duration.ofSeconds(10), "timeout", "3", "socat", "-u",
        "TCP:" + FIP_IP + ":7000,connect-timeout=2", "STDOUT");
    assertFalse(tcp.stdout().contains("peer="), "TCP to the deleted FIP: " + tcp.output());
    assertEquals("peer=" + SNAT_IP, tcpPeer(c2, OUTSIDE), "SNAT still works");
    assertEquals("peer=" + SNAT_IP, tcpPeer(fip, OUTSIDE), "the endpoint leaves with the SNAT address now");
    Map<String, Double> after = durations(br1);
    before.forEach((flow, d) -> {
      if (flow.contains(FIP_IP)) {
        return;
      }
      Double a = after.get(flow);
      assertTrue(a != null && a >= d + 1, "re-installed or touched: " + flow + " " + d + " -> " + a);
    });
  }

  @Test
  @Order(7)
  void anOpenSessionThroughSnatSurvivesAReloadAndARestart() throws Exception {
    BackgroundProcess client = c2.spawn("socat", "-u", "TCP:" + OUTSIDE + ":7002,connect-timeout=2", "STDOUT");
    try {
      ControllerHarness.awaitTrue("the session is up", SETTLE, () -> ticks(client) >= 3);
      reload(YAML); // the config's FIP comes back (the previous test removed it): a real change
      ControllerHarness.awaitTrue("the reloaded FIP is on br-int", SETTLE, () -> br1.dumpFlows().contains(FIP_IP));
      int atReload = ticks(client);
      Thread.sleep(2000);
      assertTrue(ticks(client) >= atReload + 4, "the server's data still arrives after a reload: " + atReload
          + " -> " + ticks(client));
      ctl = e2e.start(YAML, new VxlanOverlayApp());
      ctl.connect(br1, br2);
      int atRestart = ticks(client);
      Thread.sleep(2000);
      assertTrue(ticks(client) >= atRestart + 4, "the server's data still arrives after a controller restart: "
          + atRestart + " -> " + ticks(client) + context());
      assertTrue(client.isAlive(), "the session is still open");
    } finally {
      client.stop();
    }
  }

  /** Not an assertion of speed: the extra round-trip time of the NAT path over the routed one, for the docs. */
  @Test
  @Order(8)
  void latencyOfTheNatPathAgainstTheRoutedPath() {
    assertTrue(c2.canReachWithin(OUTSIDE, SETTLE));
    assertTrue(c2.canReachWithin("172.66.2.2", SETTLE));
    // alternating rounds, the median round of each: the machine is shared, single rounds are noisy
    double[] nat = new double[7];
    double[] routed = new double[7];
    for (int i = 0; i < nat.length; i++) {
      nat[i] = avgRtt(c2.run(Duration.ofSeconds(60), "ping", "-n", "-q", "-c", "30", "-i", "0.02", OUTSIDE)
          .stdout());
      routed[i] = avgRtt(c2.run(Duration.ofSeconds(60), "ping", "-n", "-q", "-c", "30", "-i", "0.02",
          "172.66.2.2").stdout());
    }
    java.util.Arrays.sort(nat);
    java.util.Arrays.sort(routed);
    System.out.printf("NAT-LATENCY median of 7 rounds of 30 pings: nat-path %.3f ms, routed-path %.3f ms, "
        + "extra %.3f ms%n", nat[3], routed[3], nat[3] - routed[3]);
    assertTrue(nat[0] > 0 && routed[0] > 0);
  }

  // ---- helpers

  private void reload(String yaml) throws Exception {
    SwitchboardConfig parsed = ConfigLoader.parse(yaml, "test.yaml");
    SwitchboardConfig running = ctl.controller().config();
    ctl.controller().applyConfig(new SwitchboardConfig(running.openflow(), running.rest(), running.cluster(),
        parsed.apps(), parsed.bridges(), running.reconcile(), parsed.sections(), parsed.source()));
  }

  /** What the TCP echo server on {@code ip}:7000 says the connection came from ("peer=ADDRESS"), or the output. */
  private static String tcpPeer(Container from, String ip) {
    for (int attempt = 0; attempt < 3; attempt++) {
      CommandResult r = from.run(Duration.ofSeconds(10), "timeout", "3", "socat", "-u",
          "TCP:" + ip + ":7000,connect-timeout=2", "STDOUT");
      if (r.stdout().contains("peer=")) {
        return r.stdout().strip().replaceAll(":\\d+$", "");
      }
    }
    return "no answer";
  }

  /** As {@link #tcpPeer}, over UDP: a datagram may be lost (nothing retransmits it), so up to three tries. */
  private static String udpPeer(Container from) {
    String last = "";
    for (int attempt = 0; attempt < 3; attempt++) {
      CommandResult r = from.run(Duration.ofSeconds(10), "sh", "-c",
          "echo hi | timeout 3 socat -T 2 - UDP:" + OUTSIDE + ":7001");
      last = r.stdout().strip().replaceAll(":\\d+$", "");
      if (last.contains("peer=")) {
        return last;
      }
    }
    return last;
  }

  private static int ticks(BackgroundProcess client) {
    return client.output().split("tick", -1).length - 1;
  }

  private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/");

  private static double avgRtt(String pingOutput) {
    Matcher m = RTT.matcher(pingOutput);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static final Pattern DURATION = Pattern.compile("duration=([0-9.]+)s, ");
  private static final Pattern STATS = Pattern.compile("(duration=[0-9.]+s, |n_packets=[0-9]+, |n_bytes=[0-9]+, "
      + "|idle_age=[0-9]+, |hard_age=[0-9]+, )");

  /** Every entry (without its counters) to its duration. */
  private static Map<String, Double> durations(Bridge b) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String line : b.dumpFlows().split("\n")) {
      Matcher d = DURATION.matcher(line);
      if (d.find()) {
        m.put(b.name() + "@" + b.host().name() + " " + STATS.matcher(line.strip()).replaceAll(""),
            Double.parseDouble(d.group(1)));
      }
    }
    return m;
  }

  private String context() {
    StringBuilder sb = new StringBuilder();
    for (Bridge b : new Bridge[] {br1, br2}) {
      sb.append("\n--- ").append(b).append('\n').append(b.dumpFlows());
    }
    sb.append("\n--- conntrack\n").append(h1.appctl("dpctl/dump-conntrack"));
    return sb.toString();
  }
}
