package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.DhcpSettings;
import io.switchboard.config.Ipv4;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.RestResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/overlay/networks}: the overlay's logical switches with subnet, gateway, router and, when DHCP is
 * on, what DHCP tells clients (MTU, DNS, domain). Read-only (networks are config). A CNI plugin reads a network's
 * prefix length, gateway and DNS from here to configure an interface as DHCP would.
 */
final class NetworkResource implements RestResource {
  private final VxlanOverlayApp app;

  NetworkResource(VxlanOverlayApp app) {
    this.app = app;
  }

  @Override
  public String path() {
    return "overlay/networks";
  }

  @Override
  public List<Map<String, Object>> list() {
    OverlayTopology topo = app.topology();
    List<Map<String, Object>> out = new ArrayList<>();
    for (OverlayNetwork n : topo.overlay().networks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", n.name());
      m.put("vni", n.vni());
      m.put("subnet", n.subnet().toString());
      n.gatewayText().ifPresent(g -> m.put("gateway", g));
      topo.overlay().routerOf(n.name()).ifPresent(r -> m.put("router", r.name()));
      n.dhcpEnabled().ifPresent(d -> dhcp(d, m));
      out.add(m);
    }
    return out;
  }

  private static void dhcp(DhcpSettings d, Map<String, Object> m) {
    m.put("mtu", d.mtu());
    m.put("dns", d.dns().stream().map(Ipv4::format).toList());
    d.domain().ifPresent(x -> m.put("domain", x));
  }
}
