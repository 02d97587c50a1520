package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.List;

/**
 * Every entry the overlay wants on one bridge, computed from the topology and the bridge's ports alone.
 *
 * <p>The contract between stages (and with the acl app's {@code network} scope): from CLASSIFY on, the metadata
 * register holds the packet's network VNI, all 64 bits, nothing else. Routing rewrites it to the destination
 * network's VNI. Bridges that are no overlay host, and OpenFlow 1.0 bridges (one table, no metadata), get nothing.
 */
public final class OverlayFlows {
  /** Tag of entries that belong to no network (the tunnel's catch-alls). */
  static final long NO_NETWORK = 0;

  private OverlayFlows() {}

  public static void compute(OverlayTopology topology, SwitchView sw, FlowSink out) {
    compute(topology, ExternalState.of(topology.overlay()), sw, out);
  }

  /** With the routers' NAT rules in force and the next hops learned ({@link ExternalState}). */
  public static void compute(OverlayTopology topology, ExternalState external, SwitchView sw, FlowSink out) {
    if (!sw.multiTable()) {
      return;
    }
    topology.hostOf(sw).ifPresent(host -> {
      HostBridge bridge = new HostBridge(topology, sw, host);
      ClassifyFlows.add(bridge, out);
      RouterFlows.add(bridge, out);
      SwitchFlows.add(bridge, out);
      LocalnetFlows.add(bridge, out);
      ExternalFlows.add(bridge, external, out);
    });
  }

  /** The same entries as a list, e.g. for tests. */
  public static List<FlowEntry> compute(OverlayTopology topology, SwitchView sw) {
    List<FlowEntry> list = new ArrayList<>();
    compute(topology, sw, list::add);
    return list;
  }

  static FlowEntry.Builder entry(Stage stage, int priority, FlowMatch match, long tag) {
    return FlowEntry.in(stage).priority(priority).match(match).tag(tag);
  }

  static FlowMatch.Builder inNetwork(OverlayNetwork n) {
    return FlowMatch.builder().metadata(n.vni());
  }

  /** Actions that send a frame to another host in a network: VNI and remote endpoint, then the tunnel port. */
  static List<Action> toHost(long vni, int tunnelIp, long tunnelPort) {
    return List.of(Action.setField(Field.TUNNEL_ID, vni), Action.setField(Field.TUN_IPV4_DST, tunnelIp & 0xffff_ffffL),
        Action.output(tunnelPort));
  }
}
