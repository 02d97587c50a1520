package io.switchboard.apps.acl;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ACL stage of one bridge, from a {@link RuleBook}:
 *
 * <pre>
 * acl priority=p+1 MATCH actions=goto:l3      an allow rule of priority p (one entry per match of a port range)
 * acl priority=p+1 MATCH actions=drop         a drop rule
 * acl priority=1   any   actions=drop         acl.default: drop (allow is the core's priority-0 miss: goto l3)
 * </pre>
 *
 * When an {@code allow-related} rule applies on the bridge, the stage also tracks connections (OpenFlow 1.3/1.4):
 *
 * <pre>
 * acl priority=65010 ip,metadata=VNI/0xffffff,ct_state=-trk actions=ct(table=acl,zone=Z)   per overlay network
 * acl priority=65010 ip,ct_state=-trk              actions=ct(table=acl,zone=Z)            other bridges
 * acl priority=65009 ct_state=+trk+inv             actions=drop
 * acl priority=65008 ct_state=+trk+est             actions=goto:l3
 * acl priority=65007 ct_state=+trk+rel             actions=goto:l3
 * acl priority=p+1   MATCH,ct_state=+trk+new       actions=ct(commit,zone=NXM_NX_CT_ZONE[]),goto:l3   allow-related
 * </pre>
 *
 * An IP packet first goes through conntrack and comes back into this stage tracked; replies and related packets
 * of committed connections pass above every rule; new ones meet the rules as before. ({@code ip} stands for
 * eth_type 0x800, and 0x86dd as well when an IPv6 allow-related rule applies.)
 *
 * <p>Every entry's cookie tag names its rule ({@link RuleTags}; the conntrack entries have {@link
 * RuleTags#CONNTRACK_TAG}). A rule whose in-port does not exist on the bridge contributes nothing there until the
 * port appears; a {@code network} rule applies on overlay host bridges only. OpenFlow 1.0 bridges (one table, no
 * goto) get no ACL entries; OpenFlow 1.5 bridges get no conntrack entries (openflowj cannot encode ct_state there).
 */
final class AclFlows {
  static final int DEFAULT_DROP_PRIORITY = 1;
  static final int CT_PASS_PRIORITY = 65010;
  static final int CT_INVALID_PRIORITY = 65009;
  static final int CT_ESTABLISHED_PRIORITY = 65008;
  static final int CT_RELATED_PRIORITY = 65007;
  /** ct_state +trk+new: a packet of a connection conntrack has not seen committed. */
  private static final long TRACKED_NEW = Field.CT_TRK | Field.CT_NEW;

  private AclFlows() {}

  static List<FlowEntry> compile(RuleBook book, SwitchView sw) {
    List<FlowEntry> out = new ArrayList<>();
    if (!sw.multiTable()) {
      return out;
    }
    boolean overlayHost = book.isOverlayHost(sw);
    boolean conntrack = supportsConntrack(sw);
    Set<Integer> trackedEthTypes = new TreeSet<>();
    Set<Key> seen = new HashSet<>();
    for (ActiveRule rule : book.compiled()) {
      if (!rule.appliesTo(sw, overlayHost)) {
        continue;
      }
      boolean stateful = rule.action().stateful();
      if (stateful && !conntrack) {
        continue;
      }
      for (RuleMatch m : rule.matches()) {
        Optional<FlowMatch> match = m.on(sw);
        if (match.isEmpty()) {
          continue;
        }
        FlowMatch fm = match.get();
        if (stateful) {
          trackedEthTypes.add((int) fm.get(Field.ETH_TYPE).value());
          fm = fm.toBuilder().masked(Field.CT_STATE, TRACKED_NEW, TRACKED_NEW).build();
        }
        if (!seen.add(new Key(rule.openFlowPriority(), fm))) {
          continue;
        }
        FlowEntry.Builder b = FlowEntry.in(Stage.ACL).priority(rule.openFlowPriority()).match(fm).tag(rule.tag());
        if (stateful) {
          b.actions(Action.conntrack(true, Action.Conntrack.ZONE_OF_PACKET, null));
        }
        if (rule.action().allows()) {
          b.next(Stage.L3);
        }
        out.add(b.build());
      }
    }
    if (!trackedEthTypes.isEmpty()) {
      // an allow-related rule applies here: every IP packet goes through conntrack first
      for (int ethType : trackedEthTypes) {
        if (overlayHost) {
          for (Map.Entry<Long, Integer> z : book.zones().zoneOfVni().entrySet()) {
            out.add(pass(FlowMatch.builder().ethType(ethType).masked(Field.METADATA, z.getKey(), RuleMatch.VNI_MASK),
                z.getValue()));
          }
        } else {
          out.add(pass(FlowMatch.builder().ethType(ethType), ConntrackZones.bridgeZone(sw)));
        }
      }
      out.add(conntrackEntry(CT_INVALID_PRIORITY, Field.CT_INV).build());
      out.add(conntrackEntry(CT_ESTABLISHED_PRIORITY, Field.CT_EST).next(Stage.L3).build());
      out.add(conntrackEntry(CT_RELATED_PRIORITY, Field.CT_REL).next(Stage.L3).build());
    }
    if (book.defaultAction() == AclAction.DROP) {
      out.add(FlowEntry.in(Stage.ACL).priority(DEFAULT_DROP_PRIORITY).tag(RuleTags.DEFAULT_TAG).build());
    }
    return out;
  }

  /** Whether the bridge's OpenFlow version can carry the conntrack entries (1.3 and 1.4). */
  static boolean supportsConntrack(SwitchView sw) {
    return sw.multiTable() && !"1.5".equals(sw.openFlowVersion());
  }

  private static FlowEntry pass(FlowMatch.Builder untracked, int zone) {
    return FlowEntry.in(Stage.ACL).priority(CT_PASS_PRIORITY).tag(RuleTags.CONNTRACK_TAG)
        .match(untracked.masked(Field.CT_STATE, 0, Field.CT_TRK).build())
        .actions(Action.conntrack(false, zone, Stage.ACL)).build();
  }

  private static FlowEntry.Builder conntrackEntry(int priority, long bit) {
    return FlowEntry.in(Stage.ACL).priority(priority).tag(RuleTags.CONNTRACK_TAG)
        .match(FlowMatch.builder().masked(Field.CT_STATE, Field.CT_TRK | bit, Field.CT_TRK | bit).build());
  }

  /** A switch holds one entry per (priority, match) in a table; the first rule there wins. */
  private record Key(int priority, FlowMatch match) {}
}
