package io.switchboard.apps.l2;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Runs a frame through a bridge's entries the way OVS would, for the fields l2-learning uses: in_port, VLAN tag,
 * MACs. Multi-table: stages in order with the core's miss entries (acl, l3, learn continue; the others drop);
 * single-table: one table. Output to the ingress port is skipped, as OVS does.
 */
final class PipelineSim {
  private PipelineSim() {}

  /**
   * Where the frame leaves: "PORT untagged", "PORT vlan=V", or "CONTROLLER", in action order.
   *
   * @param wireVlan the frame's tag on the ingress wire, or {@link Frame#NO_VLAN}
   */
  static List<String> run(Collection<FlowEntry> entries, boolean multiTable, long inPort, int wireVlan, String src,
                          String dst) {
    long vid = wireVlan == Frame.NO_VLAN ? 0 : wireVlan | Field.VID_PRESENT;
    Map<Field, Long> pkt = new java.util.EnumMap<>(Field.class);
    pkt.put(Field.IN_PORT, inPort);
    pkt.put(Field.ETH_SRC, Values.parseMac(src));
    pkt.put(Field.ETH_DST, Values.parseMac(dst));
    List<String> out = new ArrayList<>();
    Stage stage = multiTable ? Stage.CLASSIFY : null;
    while (true) {
      pkt.put(Field.VLAN_VID, vid);
      FlowEntry hit = lookup(entries, stage, pkt);
      if (hit == null) {
        if (stage == Stage.ACL || stage == Stage.L3 || stage == Stage.LEARN) {
          stage = Stage.values()[stage.ordinal() + 1];
          continue;
        }
        return out; // miss: drop
      }
      for (Action a : hit.actions()) {
        vid = apply(a, vid, inPort, out);
      }
      if (hit.next() == null) {
        return out;
      }
      stage = hit.next();
    }
  }

  /** Applies packet-out actions to a frame as it came in. */
  static List<String> packetOut(List<Action> actions, long inPort, int wireVlan) {
    long vid = wireVlan == Frame.NO_VLAN ? 0 : wireVlan | Field.VID_PRESENT;
    List<String> out = new ArrayList<>();
    for (Action a : actions) {
      vid = apply(a, vid, inPort, out);
    }
    return out;
  }

  private static long apply(Action a, long vid, long inPort, List<String> out) {
    if (a instanceof Action.Output o) {
      if (o.port() == Action.PORT_CONTROLLER) {
        out.add("CONTROLLER");
      } else if (o.port() != inPort) {
        out.add(o.port() + ((vid & Field.VID_PRESENT) == 0 ? " untagged" : " vlan=" + (vid & 0xfff)));
      }
      return vid;
    } else if (a instanceof Action.PushVlan) {
      return Field.VID_PRESENT;
    } else if (a instanceof Action.PopVlan) {
      return 0;
    } else if (a instanceof Action.SetField s && s.field() == Field.VLAN_VID) {
      return s.value();
    }
    throw new IllegalArgumentException("the simulator does not know " + a);
  }

  private static FlowEntry lookup(Collection<FlowEntry> entries, Stage stage, Map<Field, Long> pkt) {
    FlowEntry best = null;
    for (FlowEntry e : entries) {
      if ((stage == null || e.stage() == stage) && e.match().matches(pkt)) {
        if (best != null && best.priority() == e.priority()) {
          throw new AssertionError("two entries of one priority match: " + best + " and " + e);
        }
        if (best == null || e.priority() > best.priority()) {
          best = e;
        }
      }
    }
    return best;
  }
}
