package io.switchboard.apps.l2.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A short idle timeout (3s) on three bridges of one host: ovs0 (OpenFlow 1.3, no port roles: one flat learning
 * switch), ovs10 (OpenFlow 1.0 only, single-table mode, access ports in two VLANs) and ovs13 (OpenFlow 1.3), joined
 * to ovs10 by a patch-port trunk of both VLANs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiryAndOpenFlow10E2ETest {
  static final String YAML = """
      apps: [l2-learning]
      bridges:
        - bridge: ovs10
          ports:
            c-eth: {vlan: 10}
            d-eth: {vlan: 10}
            e-eth: {vlan: 20}
            p10: {trunk: [10, 20]}
        - bridge: ovs13
          ports:
            f-eth: {vlan: 10}
            p13: {trunk: [10, 20]}
      l2-learning:
        idle-timeout: 3s
      """;
  static final Duration EXPIRY = Duration.ofSeconds(15);

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("l2c");

  TestBed bed;
  ControllerHarness ctl;
  SimHost h1;
  Bridge ovs0;
  Container a;
  Container b;
  Container c;
  Container d;
  Container e;
  Container f;

  @BeforeAll
  void up() throws Exception {
    bed = e2e.bed();
    h1 = bed.host("h1");
    ovs0 = h1.addBridge("ovs0");
    Bridge ovs10 = h1.addBridge("ovs10");
    h1.vsctl("set", "bridge", "ovs10", "protocols=OpenFlow10");
    a = bed.container(h1, "a", "ovs0", "172.29.0.1/24", "02:00:00:00:0a:01");
    b = bed.container(h1, "b", "ovs0", "172.29.0.2/24", "02:00:00:00:0a:02");
    c = bed.container(h1, "c", "ovs10", "172.29.1.1/24", "02:00:00:00:0b:01");
    d = bed.container(h1, "d", "ovs10", "172.29.1.2/24", "02:00:00:00:0b:02");
    e = bed.container(h1, "e", "ovs10", "172.29.1.3/24", "02:00:00:00:0b:03");
    Bridge ovs13 = h1.addBridge("ovs13");
    h1.vsctl("add-port", "ovs10", "p10", "--", "set", "interface", "p10", "type=patch", "options:peer=p13");
    h1.vsctl("add-port", "ovs13", "p13", "--", "set", "interface", "p13", "type=patch", "options:peer=p10");
    f = bed.container(h1, "f", "ovs13", "172.29.1.4/24", "02:00:00:00:0b:04");
    ctl = e2e.start(YAML, new L2LearningApp());
    ctl.connect(ovs0, ovs10, ovs13);
  }

  @Test
  void learnedHostsExpireAfterTheIdleTimeout() throws Exception {
    assertTrue(a.canReachWithin(b.ip(), Duration.ofSeconds(10)), "a -> b on the flat bridge");
    assertTrue(ctl.get("/hosts").body().contains(a.mac()), "a is learned");
    assertTrue(!E2e.flowsWith(ovs0, a.mac()).isEmpty(), "a has entries: " + ovs0.dumpFlows());
    // both at once: the switch no longer holds their entries and the API has forgotten them
    ControllerHarness.awaitTrue("a and b expire", EXPIRY, () -> {
      try {
        String hosts = ctl.get("/hosts").body();
        return E2e.flowsWith(ovs0, a.mac()).isEmpty() && E2e.flowsWith(ovs0, b.mac()).isEmpty()
            && !hosts.contains(a.mac()) && !hosts.contains(b.mac());
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    });
    assertTrue(a.canReachWithin(b.ip(), Duration.ofSeconds(10)), "a and b are learned again when they talk");
  }

  @Test
  void openFlow10BridgeIsAVlanAwareLearningSwitch() throws Exception {
    assertTrue(ctl.controller().session("ovs10").orElseThrow().view().openFlowVersion().startsWith("1.0"),
        "ovs10 speaks OpenFlow 1.0");
    assertTrue(c.canReachWithin(d.ip(), Duration.ofSeconds(10)), "c -> d in VLAN 10");
    assertTrue(d.canReach(c.ip()), "d -> c in VLAN 10");
    String flows = E2e.dumpFlows10(h1, "ovs10");
    assertTrue(flows.contains("dl_src=" + c.mac() + ",dl_dst=" + d.mac()), "a pair entry c -> d: " + flows);
    assertTrue(f.canReachWithin(c.ip(), Duration.ofSeconds(10)), "f (ovs13) -> c (ovs10) over the VLAN 10 trunk");
    assertTrue(d.canReach(f.ip()), "d -> f: retagged for the trunk by the 1.0 bridge");
    assertFalse(f.canReach(e.ip()), "f (VLAN 10) must not reach e (VLAN 20) through the trunk");
    flows = E2e.dumpFlows10(h1, "ovs10");
    assertTrue(flows.contains("mod_vlan_vid:10") && flows.contains("strip_vlan"), "retagging pairs: " + flows);
    assertEquals(0.0, E2e.auditChanges(ctl, "ovs10"), "entries read back from the 1.0 switch are as desired");
    assertFalse(c.canReach(e.ip()), "c (VLAN 10) must not reach e (VLAN 20)");
    assertFalse(e.canReach(d.ip()), "e (VLAN 20) must not reach d (VLAN 10)");
    ControllerHarness.awaitTrue("c's entries expire on the 1.0 bridge", EXPIRY,
        () -> !E2e.dumpFlows10(h1, "ovs10").contains(c.mac()));
    assertTrue(c.canReachWithin(d.ip(), Duration.ofSeconds(10)), "c -> d again after expiry");
  }
}
