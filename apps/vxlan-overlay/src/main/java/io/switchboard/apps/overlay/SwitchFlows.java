package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * L2: delivery within a network, to a local port or across the tunnel to the endpoint's host.
 *
 * <pre>
 * 100 metadata=VNI,eth_dst=MAC    local endpoint            -> output:PORT
 * 100 metadata=VNI,eth_dst=MAC    endpoint on another host  -> tun_id=VNI, tun_dst=HOST-IP, output:TUNNEL
 *  20 in_port=TUNNEL,metadata=VNI (broadcast, unknown)      -> output to the network's local ports (split horizon)
 *  10 metadata=VNI                (broadcast, unknown)      -> local ports, then one tunnel copy per other host
 *                                                              with endpoints in the network
 * </pre>
 *
 * Unicast entries exist for every network this host can send to (its own and, through routers, their peers);
 * flooding only for the networks it has ports in.
 */
final class SwitchFlows {
  static final int UNICAST = 100;
  static final int FLOOD_FROM_TUNNEL = 20;
  static final int FLOOD = 10;

  private SwitchFlows() {}

  static void add(HostBridge bridge, FlowSink out) {
    OverlayTopology topo = bridge.topology();
    OptionalLong tunnel = bridge.tunnelPort();
    for (OverlayNetwork n : topo.reachableFrom(bridge.hostName())) {
      if (n.isLocalnet()) {
        continue; // LocalnetFlows
      }
      for (OverlayEndpoint e : topo.endpointsIn(n.name())) {
        unicastEntry(bridge, n, e, tunnel).ifPresent(out::add);
      }
    }
    for (OverlayNetwork n : topo.networksOn(bridge.hostName())) {
      if (n.isLocalnet()) {
        continue;
      }
      flood(bridge, n, tunnel, out);
    }
  }

  /** Delivery to one endpoint of a network this bridge can send to; empty when it cannot deliver (yet). */
  static Optional<FlowEntry> unicastEntry(HostBridge bridge, OverlayNetwork n, OverlayEndpoint e,
      OptionalLong tunnel) {
    return unicast(bridge, n, e, tunnel).map(actions -> OverlayFlows.entry(Stage.L2, UNICAST,
        OverlayFlows.inNetwork(n).ethDst(e.mac().value()).build(), n.vni()).actions(actions).build());
  }

  /** Broadcast and unknown destinations in a network this host has ports in. */
  static void flood(HostBridge bridge, OverlayNetwork n, OptionalLong tunnel, FlowSink out) {
    OverlayTopology topo = bridge.topology();
    List<Action> local = new ArrayList<>();
    bridge.localPorts(n).forEach(p -> local.add(Action.output(p)));
    List<Action> all = new ArrayList<>(local);
    tunnel.ifPresent(t -> {
      List<OverlayHost> remote = topo.remoteHostsOf(n.name(), bridge.hostName());
      if (!remote.isEmpty()) {
        all.add(Action.setField(Field.TUNNEL_ID, n.vni()));
      }
      for (OverlayHost h : remote) {
        all.add(Action.setField(Field.TUN_IPV4_DST, h.tunnelIp() & 0xffff_ffffL));
        all.add(Action.output(t));
      }
      FlowMatch fromTunnel = OverlayFlows.inNetwork(n).inPort(t).build();
      out.add(OverlayFlows.entry(Stage.L2, FLOOD_FROM_TUNNEL, fromTunnel, n.vni()).actions(local).build());
    });
    out.add(OverlayFlows.entry(Stage.L2, FLOOD, OverlayFlows.inNetwork(n).build(), n.vni()).actions(all).build());
  }

  private static Optional<List<Action>> unicast(HostBridge bridge, OverlayNetwork n, OverlayEndpoint e,
      OptionalLong tunnel) {
    if (bridge.isLocal(e)) {
      OptionalLong port = bridge.ofport(e);
      return port.isPresent() ? Optional.of(List.of(Action.output(port.getAsLong())))
          : Optional.empty();
    }
    if (tunnel.isEmpty()) {
      return Optional.empty();
    }
    OverlayHost host = bridge.topology().host(e.host()).orElseThrow();
    return Optional.of(OverlayFlows.toHost(n.vni(), host.tunnelIp(), tunnel.getAsLong()));
  }
}
