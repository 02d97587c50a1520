package io.switchboard.apps.l2;

import static io.switchboard.controller.spi.Action.output;

import io.switchboard.apps.l2.PortPlan.Port;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenFlow 1.0: one table, a plain VLAN-aware learning switch. Matches see frames as they are on the ingress wire
 * (untagged on access ports), so every entry names its ingress port.
 *
 * <pre>
 * 200  in_port=P,dl_vlan=W,dl_src=S,dl_dst=D   [strip_vlan | mod_vlan_vid:V,]output:PORT_OF_D   (a talking pair)
 * 100  in_port=P,dl_vlan=W,dl_src=S            CONTROLLER          idle timeout, flow-removed (a learned host)
 *   0  any                                     CONTROLLER          (table miss)
 * </pre>
 *
 * A pair entry is added when the controller sees S send to a known D, and goes when either host is forgotten or
 * moves. A host's own entry counts only the traffic of S that no pair entry takes (broadcasts, new destinations):
 * when it expires S is forgotten, and its next frame is learned afresh.
 */
final class SingleTableFlows implements LearningFlows {
  static final SingleTableFlows INSTANCE = new SingleTableFlows();

  static final int PAIR_PRIORITY = 200;
  static final int HOST_PRIORITY = 100;
  static final int MISS_PRIORITY = 0;

  /** Two hosts of one VLAN on one bridge, one talking to the other. */
  record Pair(int vlan, long src, long dst) {}

  private SingleTableFlows() {}

  @Override
  public void bridgeEntries(PortPlan plan, FlowSink out) {
    out.add(FlowEntry.in(Stage.L2).priority(MISS_PRIORITY).actions(output(Action.PORT_CONTROLLER)).build());
  }

  @Override
  public List<FlowEntry> hostEntries(PortPlan plan, LearnedHost h, int idleTimeout) {
    Port p = plan.port(h.port());
    long vid = p == null ? 0 : PortPlan.wireVid(p, h.vlan());
    return List.of(FlowEntry.in(Stage.L2).priority(HOST_PRIORITY)
        .match(FlowMatch.builder().inPort(h.port()).exact(Field.VLAN_VID, vid).ethSrc(h.mac()).build())
        .actions(output(Action.PORT_CONTROLLER)).idleTimeout(idleTimeout).notifyRemoval(true).tag(h.mac())
        .build());
  }

  /** S to D, both learned in the same VLAN on ports of the plan. */
  FlowEntry pairEntry(PortPlan plan, LearnedHost src, LearnedHost dst) {
    Port in = plan.port(src.port());
    Port out = plan.port(dst.port());
    return FlowEntry.in(Stage.L2).priority(PAIR_PRIORITY)
        .match(FlowMatch.builder().inPort(in.number()).exact(Field.VLAN_VID, PortPlan.wireVid(in, src.vlan()))
            .ethSrc(src.mac()).ethDst(dst.mac()).build())
        .actions(forward(in, out, src.vlan())).tag(src.mac()).build();
  }

  @Override
  public HostAt sourceEntryHost(PortPlan plan, FlowEntry e) {
    return e.priority() == HOST_PRIORITY ? LearningFlows.readSource(e, plan::vlanOfWireVid) : null;
  }

  /** The pair a pair entry stands for, or null. */
  static Pair pairOf(FlowEntry e, PortPlan plan) {
    FlowMatch m = e.match();
    if (e.priority() != PAIR_PRIORITY || !m.has(Field.IN_PORT) || !m.has(Field.VLAN_VID) || !m.has(Field.ETH_SRC)
        || !m.has(Field.ETH_DST)) {
      return null;
    }
    var vlan = plan.vlanOfWireVid(m.get(Field.IN_PORT).value(), m.get(Field.VLAN_VID).value());
    return vlan.isPresent()
        ? new Pair(vlan.getAsInt(), m.get(Field.ETH_SRC).value(), m.get(Field.ETH_DST).value()) : null;
  }

  /** Actions that carry a frame of this VLAN from one port's wire format to another's, then out of it. */
  static List<Action> forward(Port in, Port out, int vlan) {
    List<Action> actions = new ArrayList<>(retag(in.tagged(vlan), out.tagged(vlan), vlan));
    actions.add(output(out.number()));
    return actions;
  }

  /** Out of every other port of the VLAN: first those with the ingress's tagging, then the others after a retag. */
  static List<Action> flood(PortPlan plan, Port in, int vlan) {
    boolean inTagged = in.tagged(vlan);
    List<Action> same = new ArrayList<>();
    List<Action> other = new ArrayList<>();
    for (Port p : plan.members(vlan)) {
      if (p.number() != in.number()) {
        (p.tagged(vlan) == inTagged ? same : other).add(output(p.number()));
      }
    }
    List<Action> actions = new ArrayList<>(same);
    if (!other.isEmpty()) {
      actions.addAll(retag(inTagged, !inTagged, vlan));
      actions.addAll(other);
    }
    return actions;
  }

  private static List<Action> retag(boolean fromTagged, boolean toTagged, int vlan) {
    if (fromTagged && !toTagged) {
      return List.of(new Action.PopVlan());
    }
    if (!fromTagged && toTagged) {
      return List.of(Action.setField(Field.VLAN_VID, vlan | Field.VID_PRESENT));
    }
    return List.of();
  }
}
