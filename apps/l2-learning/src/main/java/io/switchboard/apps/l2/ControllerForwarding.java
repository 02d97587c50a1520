package io.switchboard.apps.l2;

import io.switchboard.apps.l2.SingleTableFlows.Pair;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenFlow 1.0 (one table): the controller forwards each frame itself, and adds a pair entry the first time it
 * sees a source talk to a known destination. The new pair entry forwards the frame too: its flow-mod carries the
 * switch's buffered packet where it can, so a new pair costs one message, not a flow-mod and a packet-out.
 */
final class ControllerForwarding {
  private static final Logger log = LoggerFactory.getLogger(ControllerForwarding.class);

  private final TalkingPairs pairs;
  /** Bridges whose full pair table was logged (again once it had room). */
  private final Set<Long> fullLogged = ConcurrentHashMap.newKeySet();

  ControllerForwarding(TalkingPairs pairs) {
    this.pairs = pairs;
  }

  /**
   * Forwards a frame of {@code vlan} from {@code source} (null: not learned) to {@code dst} (null: unknown or not
   * unicast, flooded), adding the pair's entry to {@code changes} when it is new.
   */
  void forward(AppContext ctx, SwitchView sw, PortPlan plan, PacketIn in, int vlan, LearnedHost source,
               LearnedHost dst, FlowChanges changes) {
    PortPlan.Port ingress = plan.port(in.inPort());
    if (dst == null || !plan.valid(dst.port(), vlan)) {
      List<Action> flood = SingleTableFlows.flood(plan, ingress, vlan);
      if (!flood.isEmpty()) {
        ctx.packetOut(sw.dpid(), in, flood);
      }
      return;
    }
    List<Action> actions = SingleTableFlows.forward(ingress, plan.port(dst.port()), vlan);
    Pair pair = source == null ? null : new Pair(vlan, source.mac(), dst.mac());
    FlowEntry added = pair == null ? null : pairs.add(sw.dpid(), pair,
        p -> SingleTableFlows.INSTANCE.pairEntry(plan, source, dst));
    if (added != null) {
      fullLogged.remove(sw.dpid());
      changes.addCarrying(added, in, actions);
      return;
    }
    if (pair != null && pairs.full(sw.dpid(), pair)) {
      ctx.count(sw.dpid(), "pair_table_full");
      if (fullLogged.add(sw.dpid())) {
        log.warn("switch {}: no room for another host pair entry ({} per bridge, {} on all bridges); further pairs"
            + " are forwarded by the controller until some expire", Values.dpid(sw.dpid()),
            TalkingPairs.MAX_PER_BRIDGE, TalkingPairs.MAX_TOTAL);
      }
    }
    ctx.packetOut(sw.dpid(), in, actions);
  }

  /** A bridge went away. */
  void forget(long dpid) {
    fullLogged.remove(dpid);
  }
}
