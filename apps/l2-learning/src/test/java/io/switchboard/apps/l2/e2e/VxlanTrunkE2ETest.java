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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 2 on real OVS: two hosts, each with its own OVS, joined by an underlay; a VXLAN port with a fixed remote
 * IP on each bridge is a trunk of VLANs 100 and 200. con11 (VLAN 100, host2) reaches con6 (VLAN 100, host1), never
 * con7 (VLAN 200, host1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VxlanTrunkE2ETest {
  static final String YAML = """
      apps: [l2-learning]
      bridges:
        - bridge: ovs0
          ports:
            con6-eth: {vlan: 100}
            con7-eth: {vlan: 200}
            vxlan1: {trunk: [100, 200]}
        - bridge: ovs1
          ports:
            con11-eth: {vlan: 100}
            con12-eth: {vlan: 200}
            vxlan1: {trunk: [100, 200]}
      """;

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("l2b");

  TestBed bed;
  ControllerHarness ctl;
  Bridge ovs0;
  Bridge ovs1;
  Container con6;
  Container con7;
  Container con11;
  Container con12;

  @BeforeAll
  void up() throws Exception {
    bed = e2e.bed();
    SimHost h1 = bed.host("h1");
    SimHost h2 = bed.host("h2");
    bed.connectHosts("10.99.0.0/24", h1, h2);
    ovs0 = h1.addBridge("ovs0");
    ovs1 = h2.addBridge("ovs1");
    ovs0.addVxlanPort("vxlan1", h2.underlayIp().orElseThrow(), "5000");
    ovs1.addVxlanPort("vxlan1", h1.underlayIp().orElseThrow(), "5000");
    con6 = bed.container(h1, "con6", "ovs0", "192.168.1.2/24", "02:00:00:00:01:06");
    con7 = bed.container(h1, "con7", "ovs0", "192.168.1.3/24", "02:00:00:00:01:07");
    con11 = bed.container(h2, "con11", "ovs1", "192.168.1.6/24", "02:00:00:00:01:11");
    con12 = bed.container(h2, "con12", "ovs1", "192.168.1.7/24", "02:00:00:00:01:12");
    ctl = e2e.start(YAML, new L2LearningApp());
    ctl.connect(ovs0, ovs1);
  }

  @Test
  void vlansStretchOverTheVxlanTrunkAndStayApart() throws Exception {
    assertTrue(con11.canReachWithin(con6.ip(), Duration.ofSeconds(10)), "con11 (host2) -> con6 (host1), VLAN 100");
    assertFalse(con11.canReach(con7.ip()), "con11 (VLAN 100) must not reach con7 (VLAN 200)");
    assertTrue(con12.canReachWithin(con7.ip(), Duration.ofSeconds(10)), "con12 -> con7 across hosts, VLAN 200");
    assertFalse(con12.canReach(con6.ip()), "con12 (VLAN 200) must not reach con6 (VLAN 100)");

    // on host1, con11 is learned on the tunnel in VLAN 100 and reached tagged (no pop_vlan before vxlan1)
    int vxlan = ovs0.ofport("vxlan1");
    List<String> toCon11 = E2e.flowsWith(ovs0, "dl_dst=" + con11.mac());
    assertEquals(1, toCon11.size(), "one entry for con11 on ovs0: " + toCon11);
    assertTrue(toCon11.get(0).contains("dl_vlan=100") && toCon11.get(0).endsWith("actions=output:" + vxlan),
        toCon11.get(0));
    String hosts = ctl.get("/hosts").body().replaceAll("\\s", "");
    assertTrue(hosts.contains("\"bridge\":\"ovs0\",\"dpid\":\"" + dpid(ovs0) + "\",\"vlan\":100,\"mac\":\""
        + con11.mac() + "\",\"port\":\"vxlan1\""), hosts);
  }

  private static String dpid(Bridge br) {
    return String.format("%016x", br.dpid()).replaceAll("(..)(?!$)", "$1:");
  }
}
