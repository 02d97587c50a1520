package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.Localnet;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.apps.overlay.config.OverlayRouter;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Localnet networks: bridged to a physical network on each host through the patch port {@code int-BRIDGE} to the
 * host's mapped bridge (created by the operator; the controller finds it by name), no VXLAN.
 *
 * <pre>
 * CLASSIFY 100 in_port=PATCH,vlan=V (or untagged)        -> (pop_vlan,) metadata=VNI, goto acl
 * L2       100 metadata=VNI,eth_dst=MAC  local endpoint   -> output:PORT
 * L2       100 metadata=VNI,eth_dst=MAC  other host's     -> (push_vlan,vlan=V,) output:PATCH
 * L2        20 metadata=VNI,in_port=PATCH                 -> the network's local ports
 * L2        10 metadata=VNI                               -> local ports, then (push_vlan,vlan=V,) output:PATCH
 * </pre>
 *
 * Endpoint ports get the same port security as overlay endpoints ({@link ClassifyFlows}). A network is on a host
 * when it has endpoints there, or when it is the external network of a router whose gateway host it is.
 */
final class LocalnetFlows {
  static final int FROM_PHYSICAL = 100;
  static final int UNICAST = 100;
  static final int FLOOD_FROM_PHYSICAL = 20;
  static final int FLOOD = 10;

  private LocalnetFlows() {}

  static void add(HostBridge bridge, FlowSink out) {
    for (OverlayNetwork n : networksOn(bridge)) {
      OptionalLong patch = patchPort(bridge, n);
      if (patch.isEmpty()) {
        continue; // no patch port yet: VxlanOverlayApp says so when the bridge connects
      }
      long p = patch.getAsLong();
      Localnet l = n.localnet().orElseThrow();
      FlowMatch.Builder fromPhysical = FlowMatch.builder().inPort(p);
      List<Action> classify = new ArrayList<>();
      if (l.vlan().isPresent()) {
        fromPhysical.vlan(l.vlan().getAsInt());
        classify.add(new Action.PopVlan());
      } else {
        fromPhysical.untagged();
      }
      out.add(OverlayFlows.entry(Stage.CLASSIFY, FROM_PHYSICAL, fromPhysical.build(), n.vni()).actions(classify)
          .writeMetadata(n.vni(), -1L).next(Stage.ACL).build());
      List<Action> toPhysical = toPhysical(l, p);
      List<Action> local = new ArrayList<>();
      for (OverlayEndpoint e : bridge.topology().endpointsIn(n.name())) {
        FlowMatch m = OverlayFlows.inNetwork(n).ethDst(e.mac().value()).build();
        if (bridge.isLocal(e)) {
          bridge.ofport(e).ifPresent(port -> {
            local.add(Action.output(port));
            out.add(OverlayFlows.entry(Stage.L2, UNICAST, m, n.vni()).actions(Action.output(port)).build());
          });
        } else {
          out.add(OverlayFlows.entry(Stage.L2, UNICAST, m, n.vni()).actions(toPhysical).build());
        }
      }
      out.add(OverlayFlows.entry(Stage.L2, FLOOD_FROM_PHYSICAL, OverlayFlows.inNetwork(n).inPort(p).build(),
          n.vni()).actions(local).build());
      List<Action> all = new ArrayList<>(local);
      all.addAll(toPhysical);
      out.add(OverlayFlows.entry(Stage.L2, FLOOD, OverlayFlows.inNetwork(n).build(), n.vni()).actions(all).build());
    }
  }

  /** Onto the physical network: tagged for a VLAN provider network, then out of the patch port. */
  static List<Action> toPhysical(Localnet l, long patch) {
    if (l.vlan().isEmpty()) {
      return List.of(Action.output(patch));
    }
    return List.of(new Action.PushVlan(), Action.setField(Field.VLAN_VID, l.vlan().getAsInt() | Field.VID_PRESENT),
        Action.output(patch));
  }

  /** The localnet networks on this host, by VNI. */
  static List<OverlayNetwork> networksOn(HostBridge bridge) {
    Map<Long, OverlayNetwork> out = new TreeMap<>();
    OverlayTopology topo = bridge.topology();
    topo.networksOn(bridge.hostName()).stream().filter(OverlayNetwork::isLocalnet).forEach(n -> out.put(n.vni(), n));
    for (OverlayRouter r : topo.overlay().routers()) {
      r.external().filter(x -> x.host().equals(bridge.hostName())).flatMap(x -> topo.network(x.network()))
          .ifPresent(n -> out.put(n.vni(), n));
    }
    return List.copyOf(out.values());
  }

  /** The patch port to the network's physical bridge on this host, when the host maps it and the bridge has it. */
  static OptionalLong patchPort(HostBridge bridge, OverlayNetwork n) {
    return bridge.host().patchPortFor(n.localnet().orElseThrow().physicalNetwork())
        .flatMap(name -> bridge.sw().port(name)).map(PortInfo::number).map(OptionalLong::of)
        .orElse(OptionalLong.empty());
  }
}
