package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.controller.spi.ControllerApp.TraceHop;
import io.switchboard.controller.spi.Field;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where the tracer's packet goes after the overlay's tunnel port: the host of the tunnel destination. */
class TunnelHopsTest {
  private final OverlayConfig overlay = Fixtures.overlay(Fixtures.YAML);

  @Test
  void theTunnelLeadsToTheDestinationHostsBridgeAndItsTunnelPort() {
    TraceHop h = TunnelHops.hop(overlay, "vxlan0", Map.of(Field.TUN_IPV4_DST, 0x0a630002L, Field.TUNNEL_ID, 200L))
        .orElseThrow();
    assertEquals("tunnel", h.kind());
    assertEquals("through the tunnel to host2 (10.99.0.2), VNI 200", h.summary());
    assertEquals(Map.of("remote-ip", "10.99.0.2", "host", "host2"), h.details());
    assertEquals(Optional.of("00:00:00:00:00:00:00:02"), h.nextBridge());
    assertEquals("vxlan0", h.nextInPort());
  }

  @Test
  void anUnknownDestinationIsReportedButLeadsNowhere() {
    TraceHop h = TunnelHops.hop(overlay, "vxlan0", Map.of(Field.TUN_IPV4_DST, 0x0a630009L)).orElseThrow();
    assertEquals("through the tunnel to an unknown host (10.99.0.9), VNI 0", h.summary());
    assertEquals(Map.of("remote-ip", "10.99.0.9"), h.details());
    assertEquals(Optional.empty(), h.nextBridge());
  }

  @Test
  void otherPortsAndPacketsWithoutATunnelDestinationAreLeftToTheCore() {
    assertEquals(Optional.empty(), TunnelHops.hop(overlay, "con6-eth", Map.of(Field.TUN_IPV4_DST, 0x0a630002L)));
    assertEquals(Optional.empty(), TunnelHops.hop(overlay, "vxlan0", Map.of()));
  }
}
