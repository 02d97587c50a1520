package io.switchboard.apps.acl;

import io.switchboard.config.LogicalTopology;
import io.switchboard.controller.spi.SwitchView;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which conntrack zone a packet is tracked in (docs/apps/acl.md, "Conntrack zones"). Zones keep connections of
 * different address spaces apart in the switch's one connection table.
 *
 * <ul>
 *   <li>Overlay networks: the networks joined (directly or through each other) by routers form a routing domain,
 *       because a routed connection enters the ACL stage in the client's network and its replies in the
 *       server's; the domain's zone is its lowest VNI, folded into 1-65535 ({@code 1 + (vni - 1) mod 65535}, so
 *       VNIs up to 65535 are their own zone). A network that no router joins is a domain of its own.</li>
 *   <li>Any other bridge (l2-learning): one zone per bridge, {@code 0xF000 | (dpid & 0xFFF)} (61440-65535).</li>
 * </ul>
 *
 * Any later stage that also needs conntrack (NAT) must reuse the zone of the ACL's pass, as the commit does
 * ({@code zone=NXM_NX_CT_ZONE[]}), so that each direction of a connection goes through conntrack once per bridge.
 */
final class ConntrackZones {
  static final int BRIDGE_ZONE_BASE = 0xF000;

  private final Map<Long, Integer> zoneOfVni;

  private ConntrackZones(Map<Long, Integer> zoneOfVni) {
    this.zoneOfVni = zoneOfVni;
  }

  static ConntrackZones of(LogicalTopology overlay) {
    Map<String, String> parent = new HashMap<>();
    Map<String, Long> vni = new HashMap<>();
    for (LogicalTopology.Network n : overlay.networks()) {
      parent.put(n.name(), n.name());
      vni.put(n.name(), n.vni());
    }
    for (LogicalTopology.Router r : overlay.routers()) {
      List<String> nets = r.networks().stream().filter(parent::containsKey).toList();
      for (int i = 1; i < nets.size(); i++) {
        parent.put(root(parent, nets.get(i)), root(parent, nets.get(0)));
      }
    }
    Map<String, Long> lowest = new HashMap<>();
    for (LogicalTopology.Network n : overlay.networks()) {
      lowest.merge(root(parent, n.name()), n.vni(), Math::min);
    }
    Map<Long, Integer> zones = new LinkedHashMap<>();
    for (LogicalTopology.Network n : overlay.networks()) {
      zones.put(n.vni(), fold(lowest.get(root(parent, n.name()))));
    }
    return new ConntrackZones(zones);
  }

  private static String root(Map<String, String> parent, String n) {
    while (!parent.get(n).equals(n)) {
      n = parent.get(n);
    }
    return n;
  }

  /** A VNI as a zone: 1-65535 as is, larger ones folded into that range. */
  static int fold(long vni) {
    return (int) (1 + Math.floorMod(vni - 1, 65535L));
  }

  /** The overlay networks' VNIs and their zones, in config order. */
  Map<Long, Integer> zoneOfVni() {
    return zoneOfVni;
  }

  /** The zone of a bridge's packets that are not of an overlay network. */
  static int bridgeZone(SwitchView sw) {
    return BRIDGE_ZONE_BASE | (int) (sw.dpid() & 0xfff);
  }
}
