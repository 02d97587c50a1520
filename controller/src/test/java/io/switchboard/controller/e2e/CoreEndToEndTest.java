package io.switchboard.controller.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The core against real ovs-vswitchd: a bridge connects and is listed, an app's entries appear on it, drift is
 * repaired by the audit, a controller restart touches nothing, and a deleted bridge disappears.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoreEndToEndTest {
  /** A hub: every port floods; enough to see entries, counters and forwarding. */
  static final class HubApp implements ControllerApp {
    public String name() {
      return "hub";
    }

    public void desiredFlows(SwitchView sw, FlowSink out) {
      out.add(FlowEntry.in(Stage.CLASSIFY).priority(10).next(Stage.ACL).build());
      out.add(FlowEntry.in(Stage.L2).priority(10).actions(Action.output(Action.PORT_FLOOD)).build());
      sw.port("a-eth").ifPresent(p -> out.add(FlowEntry.in(Stage.L2).priority(20)
          .match(FlowMatch.builder().inPort(p.number()).ethType(0x86dd).build()).build()));
    }
  }

  static final String CONFIG = """
      openflow: {echo-interval: 1s}
      reconcile: {audit-interval: 2s}
      apps: [hub]
      """;

  static String expectedVersion() {
    return Boolean.getBoolean("switchboard.openflow15") ? "1.5" : "1.4";
  }

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("core");

  static SimHost host;
  static Bridge bridge;
  static Container a;
  static Container b;
  static ControllerHarness ctl;

  @BeforeAll
  static void up() throws Exception {
    host = e2e.bed().host("h1");
    bridge = host.addBridge("ovs0", 0x00000000000000c1L);
    a = e2e.bed().container(host, "a", "ovs0", "10.20.0.1/24", "02:00:00:00:00:0a");
    b = e2e.bed().container(host, "b", "ovs0", "10.20.0.2/24", "02:00:00:00:00:0b");
    ctl = e2e.start(CONFIG, new HubApp());
    ctl.connect(bridge);
  }

  @Test
  @Order(1)
  void theBridgeIsListedWithItsDpidNameAndPorts() throws Exception {
    var r = ctl.get("/switches");
    assertEquals(200, r.status());
    assertTrue(r.body().contains("\"dpid\" : \"00:00:00:00:00:00:00:c1\""), r.body());
    assertTrue(r.body().contains("\"name\" : \"ovs0\""), r.body());
    assertTrue(r.body().contains("\"openflow-version\" : \"" + expectedVersion() + "\""),
        "OVS offers 1.0-1.5: the highest we offer wins\n" + r.body());
    assertTrue(r.body().contains("\"name\" : \"a-eth\"") && r.body().contains("\"name\" : \"b-eth\""), r.body());
    var one = ctl.get("/switches/00:00:00:00:00:00:00:c1");
    assertEquals(200, one.status());
    assertTrue(one.body().contains("\"name\" : \"ovs0\""));
    var missing = ctl.get("/switches/nope");
    assertEquals(404, missing.status());
    assertTrue(missing.body().contains("\"error\""), missing.body());
    assertEquals(400, ctl.get("/switches/ovs0/flows?source=bogus").status());
  }

  @Test
  @Order(2)
  void theAppsEntriesAreOnTheSwitchAndForward() throws Exception {
    String flows = bridge.dumpFlows();
    assertTrue(flows.contains("table=4") && flows.contains("priority=10 actions=FLOOD"), flows);
    assertTrue(flows.contains("priority=20,ipv6,in_port=\"a-eth\"") || flows.contains("priority=20,ipv6,in_port=1"),
        flows);
    assertTrue(a.ping(b.ip(), 3, Duration.ofSeconds(5)).allReceived());
    var diff = ctl.get("/switches/ovs0/flows?diff=true");
    assertTrue(diff.body().contains("\"in-sync\" : true"), diff.body());
    var live = ctl.get("/switches/ovs0/flows");
    assertTrue(live.body().contains("\"app\" : \"hub\"") && live.body().contains("\"app\" : \"core\""));
    long[] flood = floodEntry(bridge.dumpFlows());
    var stats = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ctl.get("/switches/ovs0/flows?table=l2")
        .body());
    long packets = -1;
    for (var f : stats) {
      if (f.path("actions").toString().contains("FLOOD")) {
        packets = f.path("packets").asLong();
      }
    }
    assertTrue(packets >= flood[1] && packets > 0, "the switch's counters reach the API: " + packets + " vs "
        + flood[1] + " in dump-flows");
    var desired = ctl.get("/switches/ovs0/flows?source=desired&app=hub");
    assertFalse(desired.body().contains("\"app\" : \"core\""), desired.body());
  }

  @Test
  @Order(2)
  void metricsAreScrapedInPrometheusFormat() throws Exception {
    var r = ctl.get("/metrics");
    assertEquals(200, r.status());
    String m = r.body();
    for (String expected : List.of("# TYPE switchboard_switches_connected gauge", "switchboard_switches_connected 1",
        "switchboard_messages_in_total{type=\"FEATURES_REPLY\"} 1", "switchboard_messages_out_total{type=\"BUNDLE_ADD_MESSAGE\"}",
        "switchboard_reconciliations_total{kind=\"connect\"} 1", "switchboard_reconciliation_seconds_count",
        "switchboard_echo_rtt_seconds{dpid=\"00:00:00:00:00:00:00:c1\"}", "switchboard_rest_request_seconds_bucket",
        "switchboard_flow_mods_total{dpid=\"00:00:00:00:00:00:00:c1\"}")) {
      assertTrue(m.contains(expected), "missing " + expected + " in\n" + m);
    }
  }

  @Test
  @Order(2)
  void aTraceFollowsTheHubAndBadTraceRequestsGet400() throws Exception {
    var ok = ctl.post("/trace", "{\"bridge\": \"ovs0\", \"in-port\": \"a-eth\", \"ipv4-dst\": \"10.20.0.2\"}");
    assertEquals(200, ok.status(), ok.body());
    assertTrue(ok.body().contains("\"summary\" : \"output to b-eth on ovs0\""), ok.body());
    var v6 = ctl.post("/trace", "{\"bridge\": \"ovs0\", \"in-port\": \"a-eth\", \"eth-type\": \"ipv6\"}");
    assertTrue(v6.body().contains("\"kind\" : \"dropped\""), v6.body());
    var unknownField = ctl.post("/trace", "{\"bridge\": \"ovs0\", \"in-port\": \"a-eth\", \"ipv4_dst\": \"1.2.3.4\"}");
    assertEquals(400, unknownField.status());
    assertTrue(unknownField.body().contains("ipv4_dst"), unknownField.body());
    var badAddr = ctl.post("/trace", "{\"bridge\": \"ovs0\", \"in-port\": \"a-eth\", \"ipv4-dst\": \"1.2.3\"}");
    assertEquals(400, badAddr.status());
    assertTrue(badAddr.body().contains("ipv4-dst"), badAddr.body());
    var badPort = ctl.post("/trace", "{\"bridge\": \"ovs0\", \"in-port\": \"nope\"}");
    assertEquals(400, badPort.status());
    assertTrue(badPort.body().contains("in-port"), badPort.body());
    assertEquals(404, ctl.post("/trace", "{\"bridge\": \"nope\", \"in-port\": \"a-eth\"}").status());
    var notJson = ctl.post("/trace", "{bridge");
    assertEquals(400, notJson.status());
    assertFalse(notJson.body().contains("Exception"), notJson.body());
  }

  @Test
  @Order(3)
  void deletedFlowsComeBackWithinOneAuditInterval() throws Exception {
    bridge.delFlows();
    assertFalse(bridge.dumpFlows().contains("actions=FLOOD"), "del-flows took effect");
    ControllerHarness.awaitTrue("flows restored by the audit", Duration.ofSeconds(4),
        () -> bridge.dumpFlows().contains("actions=FLOOD"));
    assertTrue(a.ping(b.ip(), 2, Duration.ofSeconds(5)).allReceived());
  }

  @Test
  @Order(4)
  void aControllerRestartTouchesNothing() throws Exception {
    assertTrue(a.ping(b.ip(), 3, Duration.ofSeconds(5)).allReceived());
    long[] before = floodEntry(bridge.dumpFlows());
    ctl = e2e.restart(CONFIG, new HubApp());
    ctl.awaitSwitch("ovs0", Duration.ofSeconds(20));
    long[] after = floodEntry(bridge.dumpFlows());
    assertTrue(after[0] >= before[0], "duration was reset: " + before[0] + "s -> " + after[0] + "s");
    assertTrue(after[1] >= before[1], "packet counter was reset");
    var metrics = ctl.get("/metrics").body();
    assertTrue(metrics.contains("switchboard_flow_mods_total{dpid=\"00:00:00:00:00:00:00:c1\"} 0"), metrics);
  }

  /** duration (s) and n_packets of the L2 flood entry. */
  static long[] floodEntry(String dump) {
    for (String line : dump.split("\n")) {
      if (line.contains("actions=FLOOD")) {
        Matcher d = Pattern.compile("duration=(\\d+)").matcher(line);
        Matcher n = Pattern.compile("n_packets=(\\d+)").matcher(line);
        assertTrue(d.find() && n.find(), line);
        return new long[] {Long.parseLong(d.group(1)), Long.parseLong(n.group(1))};
      }
    }
    throw new AssertionError("no flood entry in\n" + dump);
  }

  @Test
  @Order(5)
  void aDeletedBridgeDisappearsWithinThreeEchoIntervals() throws Exception {
    host.deleteBridge("ovs0");
    ControllerHarness.awaitTrue("ovs0 gone from GET /switches", Duration.ofSeconds(3),
        () -> ctl.controller().session("ovs0").isEmpty());
    assertFalse(ctlGet("/switches").contains("ovs0"));
  }

  static String ctlGet(String path) {
    try {
      return ctl.get(path).body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

}
