package io.switchboard.apps.acl;

import io.switchboard.config.Dpid;
import io.switchboard.controller.spi.SwitchView;
import java.util.List;

/**
 * A valid rule in force: its definition, where it came from, its cookie tag and its compiled matches.
 *
 * @param matches the rule's OpenFlow matches (several for port ranges), in-port still by name
 */
record ActiveRule(AclRule rule, RuleSource source, long tag, List<RuleMatch> matches) {

  /**
   * Rule priority p is OpenFlow priority p + 1: rules (1-65000) become 2-65001, above the {@code acl.default:
   * drop} entry at 1 and the core's stage miss at 0.
   */
  static int openFlowPriority(int rulePriority) {
    return rulePriority + 1;
  }

  ActiveRule {
    matches = List.copyOf(matches);
  }

  String name() {
    return rule.name();
  }

  int priority() {
    return rule.priority();
  }

  AclAction action() {
    return rule.action();
  }

  int openFlowPriority() {
    return openFlowPriority(rule.priority());
  }

  /** Whether the rule's scope includes this bridge ({@code overlayHost}: it is an overlay host's bridge). */
  boolean appliesTo(SwitchView sw, boolean overlayHost) {
    if (rule.bridge().isPresent() && !isCalled(sw, rule.bridge().get())) {
      return false;
    }
    return rule.network().isEmpty() || overlayHost;
  }

  /** Whether every bridge this rule's scope includes is also in {@code other}'s. */
  boolean scopeWithin(ActiveRule other) {
    return other.rule.bridge().isEmpty()
        || rule.bridge().isPresent() && Dpid.sameBridge(rule.bridge().get(), other.rule.bridge().get());
  }

  /** Whether some bridge is in both scopes. (Network scopes are part of the matches: metadata = VNI.) */
  boolean scopeOverlaps(ActiveRule other) {
    return rule.bridge().isEmpty() || other.rule.bridge().isEmpty()
        || Dpid.sameBridge(rule.bridge().get(), other.rule.bridge().get());
  }

  /** A bridge named in config by its name or by its dpid (in any form the config accepts). */
  static boolean isCalled(SwitchView sw, String nameOrDpid) {
    if (sw.isCalled(nameOrDpid)) {
      return true;
    }
    var dpid = Dpid.parse(nameOrDpid);
    return dpid.isPresent() && dpid.getAsLong() == sw.dpid();
  }
}
