package io.switchboard.apps.l2;

import static io.switchboard.controller.spi.Action.output;

import io.switchboard.apps.l2.PortPlan.Port;
import io.switchboard.config.PortRole;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * OpenFlow 1.3+ pipeline. Inside the pipeline every frame of VLAN v carries tag v (access ports push it in
 * classify); native-VLAN frames of unlisted ports stay untagged.
 *
 * <pre>
 * classify  100  in_port=ACCESS,vlan_vid=0              push_vlan,set vlan_vid=V,goto acl
 *           100  in_port=TRUNK,vlan_vid=V  (each V)      goto acl
 *           100  in_port=UNLISTED                        goto acl
 *           (anything else: the stage's miss, drop)
 * learn     100  in_port=P,vlan_vid=V,eth_src=MAC        goto l2          idle timeout, flow-removed
 *             1  any                                     CONTROLLER,goto l2
 * l2        100  vlan_vid=V,eth_dst=MAC                  [pop_vlan,]output:P
 *            10  vlan_vid=V   (each configured V)        output:tagged ports,pop_vlan,output:access ports
 *            10  vlan_vid=0   (when unlisted ports)      output:unlisted ports
 *             5  vlan_vid=0x1000/0x1000 (idem)           output:unlisted ports
 * </pre>
 */
final class MultiTableFlows implements LearningFlows {
  static final MultiTableFlows INSTANCE = new MultiTableFlows();

  static final int PORT_PRIORITY = 100;
  static final int HOST_PRIORITY = 100;
  static final int VLAN_FLOOD_PRIORITY = 10;
  static final int ANY_VLAN_FLOOD_PRIORITY = 5;
  static final int UNKNOWN_SOURCE_PRIORITY = 1;

  private MultiTableFlows() {}

  @Override
  public void bridgeEntries(PortPlan plan, FlowSink out) {
    for (Port p : plan.ports()) {
      classify(p, out);
    }
    out.add(FlowEntry.in(Stage.LEARN).priority(UNKNOWN_SOURCE_PRIORITY)
        .actions(output(Action.PORT_CONTROLLER)).next(Stage.L2).build());
    for (int vlan : plan.configuredVlans()) {
      out.add(flood(FlowMatch.builder().vlan(vlan).build(), VLAN_FLOOD_PRIORITY, vlan, plan.members(vlan)));
    }
    if (plan.hasUnlisted()) {
      out.add(flood(FlowMatch.builder().untagged().build(), VLAN_FLOOD_PRIORITY, PortPlan.NATIVE,
          plan.members(PortPlan.NATIVE)));
      List<Port> unlisted = plan.ports().stream().filter(Port::unlisted).toList();
      out.add(flood(FlowMatch.builder().anyVlanTag().build(), ANY_VLAN_FLOOD_PRIORITY, -1, unlisted));
    }
  }

  private static void classify(Port p, FlowSink out) {
    FlowEntry.Builder b = FlowEntry.in(Stage.CLASSIFY).priority(PORT_PRIORITY).next(Stage.ACL);
    FlowMatch.Builder m = FlowMatch.builder().inPort(p.number());
    if (p.unlisted()) {
      out.add(b.match(m.build()).build());
    } else if (p.role() instanceof PortRole.Access a) {
      out.add(b.match(m.untagged().build())
          .actions(new Action.PushVlan(), Action.setField(Field.VLAN_VID, a.vlan() | Field.VID_PRESENT)).build());
    } else if (p.role() instanceof PortRole.Trunk t) {
      for (int vlan : t.vlans().stream().sorted().toList()) {
        out.add(FlowEntry.in(Stage.CLASSIFY).priority(PORT_PRIORITY).next(Stage.ACL)
            .match(FlowMatch.builder().inPort(p.number()).vlan(vlan).build()).build());
      }
    }
  }

  /** Out of every member: first those that keep the tag, then (after pop_vlan) the access ports. */
  private static FlowEntry flood(FlowMatch match, int priority, int vlan, List<Port> members) {
    List<Action> actions = new ArrayList<>();
    for (Port p : members) {
      if (!p.isAccess()) {
        actions.add(output(p.number()));
      }
    }
    List<Port> access = members.stream().filter(Port::isAccess).toList();
    if (!access.isEmpty() && vlan != PortPlan.NATIVE) {
      actions.add(new Action.PopVlan());
    }
    for (Port p : access) {
      actions.add(output(p.number()));
    }
    return FlowEntry.in(Stage.L2).priority(priority).match(match).actions(actions).build();
  }

  @Override
  public List<FlowEntry> hostEntries(PortPlan plan, LearnedHost h, int idleTimeout) {
    Port p = plan.port(h.port());
    long vid = PortPlan.pipelineVid(h.vlan());
    FlowEntry source = FlowEntry.in(Stage.LEARN).priority(HOST_PRIORITY)
        .match(FlowMatch.builder().inPort(h.port()).exact(Field.VLAN_VID, vid).ethSrc(h.mac()).build())
        .next(Stage.L2).idleTimeout(idleTimeout).notifyRemoval(true).tag(h.mac()).build();
    List<Action> deliver = p != null && p.isAccess()
        ? List.of(new Action.PopVlan(), output(h.port())) : List.of(output(h.port()));
    FlowEntry destination = FlowEntry.in(Stage.L2).priority(HOST_PRIORITY)
        .match(FlowMatch.builder().exact(Field.VLAN_VID, vid).ethDst(h.mac()).build())
        .actions(deliver).tag(h.mac()).build();
    return List.of(source, destination);
  }

  @Override
  public HostAt sourceEntryHost(PortPlan plan, FlowEntry e) {
    if (e.stage() != Stage.LEARN || e.priority() != HOST_PRIORITY) {
      return null;
    }
    return LearningFlows.readSource(e, (port, vid) -> {
      int vlan = vid == 0 ? PortPlan.NATIVE : (int) (vid & 0xfff);
      return plan.valid(port, vlan) ? OptionalInt.of(vlan) : OptionalInt.empty();
    });
  }
}
