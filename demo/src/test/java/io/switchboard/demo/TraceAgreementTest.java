package io.switchboard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.Switchboard;
import io.switchboard.Http;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.HostPort;
import io.switchboard.config.OpenFlowSettings;
import io.switchboard.config.RestSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller's trace (POST /trace) and OVS's own {@code ovs-appctl ofproto/trace} agree on the real bridges of
 * the demo network, for a routed, a switched, a dropped and a flooded packet.
 */
class TraceAgreementTest {
  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("trace");

  static TestBed bed;
  static Demo.Topology topo;
  static Switchboard sb;
  static Http http;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void up() throws Exception {
    bed = e2e.bed();
    topo = Demo.build(bed, false);
    SwitchboardConfig c = ConfigLoader.load(Demo.CONFIG);
    java.nio.file.Path tokenDir = java.nio.file.Files.createTempDirectory("sb-trace");
    tokenDir.toFile().deleteOnExit();
    tokenDir.resolve("rest-token").toFile().deleteOnExit(); // deleted first: the reverse order of registration
    SwitchboardConfig cfg = new SwitchboardConfig(new OpenFlowSettings(new HostPort("127.0.0.1", 0),
        c.openflow().echoInterval()), new RestSettings(new HostPort("127.0.0.1", 0)).withTokenFile(
        tokenDir.resolve("rest-token")), c.cluster(), c.apps(),
        c.bridges(), c.reconcile(), c.sections(), c.source());
    sb = e2e.closeAtEnd(Switchboard.start(cfg, null));
    http = new Http(sb);
    for (Bridge b : topo.bridges().values()) {
      b.setController(sb.openflowPort());
    }
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (sb.controller().sessions().stream().filter(s -> s.programmer() != null && s.programmer().synced())
        .count() < 2) {
      assertTrue(System.nanoTime() < end, "bridges did not connect");
      Thread.sleep(100);
    }
    // real traffic across the underlay first: OVS's native tunnelling resolves the remote tunnel IP (ARP on
    // br-phy) on first use, and ofproto/trace shows no tunnel push before that
    assertTrue(topo.containers().get("con9").canReachWithin("192.168.1.2", Duration.ofSeconds(5)));
    assertTrue(topo.containers().get("con6").canReachWithin("192.168.1.6", Duration.ofSeconds(5)));
  }

  static JsonNode ours(String json) throws Exception {
    Http.Response r = http.post("/trace", json);
    assertEquals(200, r.status(), r.body());
    return JSON.readTree(r.body());
  }

  static List<String> outcomes(JsonNode t) {
    List<String> out = new ArrayList<>();
    t.path("outcome").forEach(o -> out.add(o.path("summary").asText()));
    return out;
  }

  /** The datapath actions line of ofproto/trace. */
  static String ovs(String host, String flow) {
    String text = topo.bridges().get(host).trace(flow);
    for (String line : text.split("\n")) {
      if (line.startsWith("Datapath actions:")) {
        return line;
      }
    }
    throw new AssertionError("no datapath actions in\n" + text);
  }

  static int odpPort(String host, String port) {
    // ofproto/trace prints datapath port numbers; dpif/show maps names to them
    String show = topo.hosts().get(host).appctl("dpif/show");
    for (String line : show.split("\n")) {
      String t = line.trim();
      if (t.startsWith(port + " ")) {
        // e.g. "con8-eth 3/4: (system)" : ofport/odp port
        String nums = t.substring(port.length()).trim().split(":")[0].trim();
        return Integer.parseInt(nums.split("/")[1]);
      }
    }
    throw new AssertionError("no port " + port + " in\n" + show);
  }

  @Test
  void routedAcrossHosts() throws Exception {
    JsonNode t = ours("{\"bridge\": \"00:00:00:00:00:00:d0:02\", \"in-port\": \"con9-eth\", "
        + "\"ipv4-dst\": \"192.168.1.2\", \"ip-proto\": \"icmp\"}");
    List<String> o = outcomes(t);
    assertTrue(o.contains("through the tunnel to host1 (10.99.0.1), VNI 100"), o.toString());
    assertTrue(o.contains("output to con6-eth on br-int"), "the trace continues on host1: " + o);
    String dp = ovs("host2", "in_port=con9-eth,dl_src=02:00:00:00:00:09,dl_dst=0a:58:c0:a8:02:01,icmp,"
        + "nw_src=192.168.2.2,nw_dst=192.168.1.2,nw_ttl=64,icmp_type=8");
    assertTrue(dp.contains("vni=0x64") && dp.contains("dst=10.99.0.1"), dp);
    assertTrue(dp.contains("ttl=63") || dp.contains("set(ipv4(ttl=63))") || dp.contains("ttl=63)"),
        "OVS decrements the TTL too: " + dp);
    // and on host1, the packet from the tunnel reaches con6
    String dp1 = ovs("host1", "in_port=vxlan0,tun_id=0x64,tun_src=10.99.0.2,tun_dst=10.99.0.1,"
        + "dl_src=0a:58:c0:a8:01:01,dl_dst=02:00:00:00:00:06,icmp,nw_src=192.168.2.2,nw_dst=192.168.1.2,nw_ttl=63");
    assertEquals("Datapath actions: " + odpPort("host1", "con6-eth"), dp1);
  }

  @Test
  void switchedOnOneHost() throws Exception {
    List<String> o = outcomes(ours("{\"bridge\": \"00:00:00:00:00:00:d0:01\", \"in-port\": \"con6-eth\", "
        + "\"ipv4-dst\": \"192.168.1.4\", \"ip-proto\": \"icmp\"}"));
    assertEquals(List.of("output to con8-eth on br-int"), o);
    String dp = ovs("host1", "in_port=con6-eth,dl_src=02:00:00:00:00:06,dl_dst=02:00:00:00:00:08,icmp,"
        + "nw_src=192.168.1.2,nw_dst=192.168.1.4,nw_ttl=64,icmp_type=8");
    assertEquals("Datapath actions: " + odpPort("host1", "con8-eth"), dp);
  }

  @Test
  void droppedByAnAclRule() throws Exception {
    JsonNode t = ours("{\"bridge\": \"00:00:00:00:00:00:d0:01\", \"in-port\": \"con8-eth\", "
        + "\"ipv4-dst\": \"192.168.2.2\", \"ip-proto\": \"icmp\"}");
    List<String> o = outcomes(t);
    assertEquals(List.of("dropped by rule no-ping-con8-to-net2"), o);
    assertEquals("no-ping-con8-to-net2", t.path("outcome").get(0).path("rule").asText());
    String dp = ovs("host1", "in_port=con8-eth,dl_src=02:00:00:00:00:08,dl_dst=0a:58:c0:a8:01:01,icmp,"
        + "nw_src=192.168.1.4,nw_dst=192.168.2.2,nw_ttl=64,icmp_type=8");
    assertEquals("Datapath actions: drop", dp);
  }

  @Test
  void floodedWithinTheNetwork() throws Exception {
    // an ARP request for an address no endpoint has: flooded to net1's other local port and to host2
    List<String> o = outcomes(ours("{\"bridge\": \"00:00:00:00:00:00:d0:01\", \"in-port\": \"con6-eth\", "
        + "\"eth-type\": \"arp\", \"ipv4-src\": \"192.168.1.2\", \"ipv4-dst\": \"192.168.1.99\"}"));
    assertTrue(o.contains("output to con8-eth on br-int"), o.toString());
    assertTrue(o.contains("through the tunnel to host2 (10.99.0.2), VNI 100"), o.toString());
    assertTrue(o.contains("output to con11-eth on br-int"), "continues on host2: " + o);
    assertTrue(o.stream().noneMatch(x -> x.contains("con7") || x.contains("con10")), "never leaves net1: " + o);
    String dp = ovs("host1", "in_port=con6-eth,dl_src=02:00:00:00:00:06,dl_dst=ff:ff:ff:ff:ff:ff,arp,"
        + "arp_op=1,arp_spa=192.168.1.2,arp_tpa=192.168.1.99,arp_sha=02:00:00:00:00:06");
    assertTrue(dp.contains(Integer.toString(odpPort("host1", "con8-eth"))), dp);
    assertTrue(dp.contains("vni=0x64") && dp.contains("dst=10.99.0.2"), dp);
    assertTrue(!dp.matches(".*\\b" + odpPort("host1", "con7-eth") + "\\b.*"), "OVS agrees con7 gets nothing: " + dp);
  }
}
