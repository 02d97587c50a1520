package io.switchboard.apps.staticflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.ControllerHarness.Response;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On real OVS, with static-flows the only app: the config's two flows join con1 and con2 (and nothing else), a flow
 * added through REST cuts ICMP from con1 off, and deleting it restores it.
 */
class StaticFlowsEndToEndTest {
  static final String YAML = """
      apps: [static-flows]
      bridges:
        - bridge: ovs0
      static-flows:
        flows:
          - {name: one-to-two, stage: classify, priority: 100, match: {in-port: con1-eth}, output: [con2-eth]}
          - {name: two-to-one, stage: classify, priority: 100, match: {in-port: con2-eth}, output: [con1-eth]}
      """;
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("sfl");

  static TestBed bed;
  static Bridge ovs0;
  static Container con1;
  static Container con2;
  static Container con3;
  static ControllerHarness ctl;

  @BeforeAll
  static void setUp() throws Exception {
    bed = e2e.bed();
    SimHost host = bed.host("h1");
    ovs0 = host.addBridge("ovs0", 0x5f1L);
    con1 = bed.container(host, "con1", "ovs0", "192.168.7.1/24", "02:00:00:00:07:01");
    con2 = bed.container(host, "con2", "ovs0", "192.168.7.2/24", "02:00:00:00:07:02");
    con3 = bed.container(host, "con3", "ovs0", "192.168.7.3/24", "02:00:00:00:07:03");
    ctl = e2e.start(YAML, new StaticFlowsApp());
    ctl.connect(ovs0);
  }

  @Test
  void theConfigsFlowsForwardAndARestFlowDropsUntilDeleted() throws Exception {
    assertTrue(con1.canReachWithin(con2.ip(), SETTLE), "the two config flows join con1 and con2");
    assertFalse(con1.canReach(con3.ip()), "no flow takes anything to con3: the classify stage drops it");
    String forward = "priority=100,in_port=" + con1.ofport() + " actions=output:" + con2.ofport();
    assertTrue(ovs0.dumpFlows().contains(forward), ovs0.dumpFlows());

    Response posted = ctl.post("/static-flows", """
        {"name": "no-icmp", "stage": "classify", "priority": 200, "match": {"in-port": "con1-eth", "ip-proto": "icmp"}}
        """);
    assertEquals(201, posted.status(), posted.body());
    assertEquals("[\"ovs0\"]", JSON.readTree(posted.body()).path("installed-on").toString(), posted.body());
    ControllerHarness.awaitTrue("the drop entry is on the switch", SETTLE,
        () -> ovs0.dumpFlows().contains("priority=200,icmp,in_port=" + con1.ofport() + " actions=drop"));
    assertFalse(con1.canReach(con2.ip()), "ICMP from con1 is dropped");

    Response listed = ctl.get("/static-flows/no-icmp");
    assertEquals(200, listed.status(), listed.body());
    assertEquals("api", JSON.readTree(listed.body()).path("source").asText(), listed.body());
    assertEquals(409, ctl.delete("/static-flows/one-to-two").status(), "the file's flows are changed in the file");
    Response bad = ctl.post("/static-flows", "{\"name\": \"x\", \"stage\": \"acl\", \"priority\": 5, "
        + "\"bridge\": \"ovs9\"}");
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.body().contains("unknown bridge 'ovs9'"), bad.body());

    assertEquals(200, ctl.delete("/static-flows/no-icmp").status());
    ControllerHarness.awaitTrue("the drop entry is gone", SETTLE,
        () -> !ovs0.dumpFlows().contains("priority=200"));
    assertTrue(con1.canReachWithin(con2.ip(), SETTLE), "deleting the flow restores ICMP");
  }
}
