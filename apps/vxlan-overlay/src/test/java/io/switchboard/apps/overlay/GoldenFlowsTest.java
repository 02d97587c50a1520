package io.switchboard.apps.overlay;

import static io.switchboard.apps.overlay.Fixtures.assertGolden;
import static io.switchboard.apps.overlay.Fixtures.dump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.testing.FakeSwitchView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every entry of each host's bridge, as readable golden dumps (src/test/resources/golden). */
class GoldenFlowsTest {
  private final OverlayTopology topo = Fixtures.topology();

  @Test
  void host1() {
    assertGolden("host1.flows", dump(OverlayFlows.compute(topo, Fixtures.host1())));
  }

  @Test
  void host2() {
    assertGolden("host2.flows", dump(OverlayFlows.compute(topo, Fixtures.host2())));
  }

  @Test
  void bridgesThatAreNoOverlayHostGetNothing() {
    assertEquals(List.of(), OverlayFlows.compute(topo, FakeSwitchView.of("ovs0", 3).withPort(1, "vxlan0")));
  }

  @Test
  void openFlow10BridgesGetNothing() {
    assertEquals(List.of(), OverlayFlows.compute(topo, Fixtures.host1().openFlow10()));
  }

  @Test
  void aBridgeThatTwoHostsNameGetsNothing() {
    OverlayTopology ambiguous = OverlayTopology.of(Fixtures.overlay(Fixtures.YAML
        .replace("\"00:00:00:00:00:00:00:01\"", "br-int").replace("\"00:00:00:00:00:00:00:02\"", "br-int")));
    assertEquals(2, ambiguous.hostsNaming(Fixtures.host1()).size());
    assertEquals(List.of(), OverlayFlows.compute(ambiguous, Fixtures.host1()));
  }

  @Test
  void withoutTheTunnelPortOnlyLocalEntriesRemain() {
    String flows = dump(OverlayFlows.compute(topo, Fixtures.host1().withoutPort("vxlan0")));
    assertTrue(flows.contains("output:6"), flows);
    assertTrue(!flows.contains("tun_"), flows);
  }
}
