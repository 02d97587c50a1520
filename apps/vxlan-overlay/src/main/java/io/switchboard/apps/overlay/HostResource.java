package io.switchboard.apps.overlay;

import io.switchboard.config.Dpid;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/overlay/hosts}: the overlay's hosts with their bridge, tunnel address and, when that bridge is
 * connected, its dpid. Read-only (hosts are config). A CNI plugin uses it to find which host its local bridge is.
 */
final class HostResource implements RestResource {
  private final VxlanOverlayApp app;

  HostResource(VxlanOverlayApp app) {
    this.app = app;
  }

  @Override
  public String path() {
    return "overlay/hosts";
  }

  @Override
  public List<Map<String, Object>> list() {
    OverlayTopology topo = app.topology();
    Collection<SwitchView> switches = app.switches();
    List<Map<String, Object>> out = new ArrayList<>();
    for (OverlayHost h : topo.overlay().hosts()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", h.name());
      m.put("bridge", h.bridge());
      m.put("tunnel-ip", h.tunnelIpText());
      Optional<SwitchView> sw = switches.stream().filter(s -> topo.hostOf(s).filter(h::equals).isPresent())
          .findFirst();
      m.put("connected", sw.isPresent());
      sw.ifPresent(s -> m.put("dpid", Dpid.format(s.dpid())));
      out.add(m);
    }
    return out;
  }
}
