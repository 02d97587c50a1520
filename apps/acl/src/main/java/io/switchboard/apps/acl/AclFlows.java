package io.switchboard.apps.acl;

import io.switchboard.config.AclAction;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ACL stage of one bridge, from a {@link RuleBook}:
 *
 * <pre>
 * acl priority=p+1 MATCH actions=goto:l3      an allow rule of priority p (one entry per match of a port range)
 * acl priority=p+1 MATCH actions=drop         a drop rule
 * acl priority=1   any   actions=drop         acl.default: drop (allow is the core's priority-0 miss: goto l3)
 * </pre>
 *
 * Every entry's cookie tag names its rule ({@link RuleTags}). A rule whose in-port does not exist on the bridge
 * contributes nothing there until the port appears; a {@code network} rule applies on overlay host bridges only.
 * OpenFlow 1.0 bridges (one table, no goto) get no ACL entries.
 */
final class AclFlows {
  static final int DEFAULT_DROP_PRIORITY = 1;

  private AclFlows() {}

  static List<FlowEntry> compile(RuleBook book, SwitchView sw) {
    List<FlowEntry> out = new ArrayList<>();
    if (!sw.multiTable()) {
      return out;
    }
    boolean overlayHost = book.isOverlayHost(sw);
    Set<Key> seen = new HashSet<>();
    for (ActiveRule rule : book.rules()) {
      if (!rule.appliesTo(sw, overlayHost)) {
        continue;
      }
      for (RuleMatch m : rule.matches()) {
        Optional<FlowMatch> match = m.on(sw);
        if (match.isEmpty() || !seen.add(new Key(rule.openFlowPriority(), match.get()))) {
          continue;
        }
        FlowEntry.Builder b = FlowEntry.in(Stage.ACL).priority(rule.openFlowPriority()).match(match.get())
            .tag(rule.tag());
        if (rule.action() == AclAction.ALLOW) {
          b.next(Stage.L3);
        }
        out.add(b.build());
      }
    }
    if (book.defaultAction() == AclAction.DROP) {
      out.add(FlowEntry.in(Stage.ACL).priority(DEFAULT_DROP_PRIORITY).tag(RuleTags.DEFAULT_TAG).build());
    }
    return out;
  }

  /** A switch holds one entry per (priority, match) in a table; the first rule there wins. */
  private record Key(int priority, FlowMatch match) {}
}
