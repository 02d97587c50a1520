package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The lists the change path walks on every change are of one class whatever their size: compiled code that saw only
 * one class is thrown away the first time another comes (a class-check trap), and the change path then waits for
 * seconds of recompiling (docs/overlay-scale.md, session 11).
 */
class TopologyIndexTest {
  // 4 hosts, 9 endpoints in 3 networks: host h0 holds all three networks, h1-h3 two each; h9 none.
  // Routers of 3 networks (r0: net0-net2), or of 2 (r0: net0, net1; net2 on none).
  private static OverlayTopology topology(int routerSize) {
    return OverlayTopology.of(Fixtures.overlay("apps: [vxlan-overlay]\n"
        + new SyntheticOverlay(4, 9, 3, routerSize).config()));
  }

  @Test
  void aHostsNetworksAreOneClassWhetherItHasNoneTwoOrThree() {
    OverlayTopology t = topology(3);
    assertEquals(3, t.networksOn("h0").size());
    assertEquals(2, t.networksOn("h1").size());
    assertEquals(0, t.networksOn("h9").size());
    Set<Class<?>> classes = List.of("h0", "h1", "h9").stream().map(h -> t.networksOn(h).getClass())
        .collect(Collectors.toSet());
    assertEquals(1, classes.size(), classes.toString());
    assertThrows(UnsupportedOperationException.class, () -> t.networksOn("h0").clear());
  }

  @Test
  void aNetworksRoutedPeersAreOneClassWhetherThereAreNoneOneOrTwo() {
    OverlayTopology three = topology(3);
    OverlayTopology pairs = topology(2);
    assertEquals(2, three.routedPeers("net0").size());
    assertEquals(1, pairs.routedPeers("net0").size());
    assertEquals(0, pairs.routedPeers("net2").size());
    Set<Class<?>> classes = new HashSet<>(List.of(three.routedPeers("net0").getClass(), pairs.routedPeers("net0").getClass(),
        pairs.routedPeers("net2").getClass(), three.networksOn("h0").getClass()));
    assertEquals(1, classes.size(), classes.toString());
  }
}
