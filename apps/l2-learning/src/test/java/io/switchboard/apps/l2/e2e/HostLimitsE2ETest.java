package io.switchboard.apps.l2.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.apps.l2.L2LearningApp;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On real OVS: a bridge capped at 2 learned hosts still carries the third host's traffic (flooded to it), counts
 * it and does not list it; and the bridge's hosts are forgotten a grace period after it leaves the controller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostLimitsE2ETest {
  static final String YAML = """
      apps: [l2-learning]
      l2-learning:
        max-hosts-per-switch: 2
        forget-after: 2s
      """;

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("hbl2");

  TestBed bed;
  ControllerHarness ctl;
  SimHost h1;
  Bridge ovs0;
  Container a;
  Container b;
  Container c;

  @BeforeAll
  void up() throws Exception {
    bed = e2e.bed();
    h1 = bed.host("h1");
    ovs0 = h1.addBridge("ovs0");
    a = bed.container(h1, "a", "ovs0", "172.29.0.1/24", "02:00:00:00:0a:01");
    b = bed.container(h1, "b", "ovs0", "172.29.0.2/24", "02:00:00:00:0a:02");
    c = bed.container(h1, "c", "ovs0", "172.29.0.3/24", "02:00:00:00:0a:03");
    ctl = e2e.start(YAML, new L2LearningApp());
    ctl.connect(ovs0);
  }

  @Test
  @Order(1)
  void aHostOverTheCapIsNotLearnedButStillReached() throws Exception {
    assertTrue(a.canReachWithin(b.ip(), Duration.ofSeconds(10)), "a -> b");
    assertTrue(c.canReachWithin(a.ip(), Duration.ofSeconds(10)), "c -> a though c is over the cap");
    String hosts = ctl.get("/hosts").body();
    assertTrue(hosts.contains(a.mac()) && hosts.contains(b.mac()), hosts);
    assertFalse(hosts.contains(c.mac()), "c is not learned: " + hosts);
    assertTrue(E2e.flowsWith(ovs0, c.mac()).isEmpty(), "no entry for c: " + ovs0.dumpFlows());
    assertTrue(E2e.metric(ctl, "switchboard_app_events_total", "event=\"host_over_switch_cap\"") >= 1,
        ctl.get("/metrics").body());
  }

  @Test
  @Order(2)
  void aBridgeThatLeftHasItsHostsForgottenAfterTheGracePeriod() throws Exception {
    assertTrue(ctl.get("/hosts").body().contains(a.mac()));
    ovs0.setController(); // the bridge leaves
    ControllerHarness.awaitTrue("the hosts of ovs0 forgotten", Duration.ofSeconds(20), () -> {
      try {
        return !ctl.get("/hosts").body().contains(a.mac());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
