package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.controller.spi.ControllerApp.TraceHop;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * For traces: a packet output to the tunnel port with a tunnel destination goes to the host with that tunnel IP,
 * and arrives on its bridge's tunnel port.
 */
final class TunnelHops {
  private TunnelHops() {}

  static Optional<TraceHop> hop(OverlayConfig overlay, String port, Map<Field, Long> packet) {
    Long dst = packet.get(Field.TUN_IPV4_DST);
    if (!port.equals(overlay.tunnelPort()) || dst == null) {
      return Optional.empty();
    }
    Optional<OverlayHost> host = overlay.hosts().stream().filter(h -> (h.tunnelIp() & 0xffffffffL) == dst)
        .findFirst();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("remote-ip", Values.ipv4(dst));
    host.ifPresent(h -> details.put("host", h.name()));
    String summary = "through the tunnel to " + host.map(OverlayHost::name).orElse("an unknown host") + " ("
        + Values.ipv4(dst) + "), VNI " + packet.getOrDefault(Field.TUNNEL_ID, 0L);
    return Optional.of(new TraceHop("tunnel", summary, details, host.map(OverlayHost::bridge), overlay.tunnelPort()));
  }
}
