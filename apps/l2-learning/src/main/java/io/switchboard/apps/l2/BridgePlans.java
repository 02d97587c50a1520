package io.switchboard.apps.l2;

import io.switchboard.config.BridgeConfig;
import io.switchboard.config.Dpid;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.SwitchView;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each bridge's port plan (the roles of its ports) and whether the bridge is left to another app (a host bridge of
 * the {@linkplain SwitchboardConfig#topologies() logical topology} of an enabled app: vxlan-overlay's), kept while its
 * view (the core hands out one instance until ports change) and the config stay the same: the packet-in path must
 * not rebuild it per packet.
 */
final class BridgePlans {
  /** One bridge's plan, for one view and one config. */
  record Planned(SwitchView view, SwitchboardConfig config, PortPlan plan, boolean leftToOverlay) {}

  private final Map<Long, Planned> plans = new ConcurrentHashMap<>();

  /** The plan of {@code sw} under {@code c}, built again when either changed. */
  Planned of(SwitchView sw, SwitchboardConfig c) {
    Planned p = plans.get(sw.dpid());
    if (p != null && p.view() == sw && p.config() == c) {
      return p;
    }
    BridgeConfig config = c.bridge(sw.name(), sw.dpid()).orElse(null);
    boolean overlay = c.topologies().stream().filter(t -> c.appEnabled(t.app())).flatMap(t -> t.hosts().stream())
        .anyMatch(h -> sw.isCalled(h.bridge()) || Dpid.parse(h.bridge()).stream().anyMatch(d -> d == sw.dpid()));
    p = new Planned(sw, c, PortPlan.of(sw, config), overlay);
    plans.put(sw.dpid(), p);
    return p;
  }

  /** Drops a bridge's plan (its ports changed, or it went away). */
  void forget(long dpid) {
    plans.remove(dpid);
  }
}
