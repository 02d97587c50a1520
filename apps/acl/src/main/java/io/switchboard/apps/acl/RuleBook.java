package io.switchboard.apps.acl;

import io.switchboard.config.AclAction;
import io.switchboard.config.AclRule;
import io.switchboard.config.AclRules;
import io.switchboard.config.ConfigError;
import io.switchboard.config.OverlayNetwork;
import io.switchboard.config.Result;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The rules in force, as one immutable snapshot: the config file's rules, then the REST API's (from the store),
 * each validated against the running config and compiled. Rebuilt whenever the config or the store changes;
 * {@link AclApp#desiredFlows} only reads it.
 *
 * @param rules    highest priority first; equal priorities: config rules first, then by name
 * @param rejected stored rules that are not in force, by name
 * @param warnings rule name to its warnings (shadowed, overlapping)
 * @param zones    the conntrack zones of stateful rules
 * @param groups   the security groups and their compiled rules
 * @param compiled what the ACL stage holds: the rules and the groups' rules, highest priority first
 */
record RuleBook(AclAction defaultAction, List<ActiveRule> rules, List<RejectedRule> rejected,
    Map<String, List<String>> warnings, List<String> overlayBridges, String configSource, ConntrackZones zones,
    SecurityGroups groups, List<ActiveRule> compiled) {

  private static final Comparator<ActiveRule> ORDER = Comparator.comparingInt(ActiveRule::priority).reversed()
      .thenComparing(ActiveRule::source).thenComparing(ActiveRule::name);

  static RuleBook build(SwitchboardConfig config, Map<String, StoredRule> stored) {
    Map<String, Long> vnis = new HashMap<>();
    for (OverlayNetwork n : config.overlay().networks()) {
      vnis.put(n.name(), n.vni());
    }
    List<ActiveRule> active = new ArrayList<>();
    List<AclRule> accepted = new ArrayList<>();
    for (AclRule r : config.acl().rules()) {
      active.add(compile(r, RuleSource.CONFIG, vnis));
      accepted.add(r);
    }
    List<RejectedRule> rejected = new ArrayList<>();
    for (StoredRule s : new TreeMap<>(stored).values()) {
      Result<AclRule> parsed = AclRules.parseRule(s.definition(), config);
      if (!parsed.isOk()) {
        rejected.add(new RejectedRule(s.name(), s.definition(), "not applied: " + parsed.errorText()));
        continue;
      }
      List<ConfigError> conflicts = AclRules.conflicts(parsed.value(), accepted);
      if (!conflicts.isEmpty()) {
        String why = conflicts.stream().map(ConfigError::message).reduce((a, b) -> a + "; " + b).orElseThrow();
        rejected.add(new RejectedRule(s.name(), s.definition(), "not applied: " + why));
        continue;
      }
      active.add(compile(parsed.value(), RuleSource.API, vnis));
      accepted.add(parsed.value());
    }
    active.sort(ORDER);
    List<String> overlayBridges = config.overlay().hosts().stream().map(h -> h.bridge()).toList();
    return new RuleBook(config.acl().defaultAction(), List.copyOf(active), List.copyOf(rejected),
        RuleWarnings.analyze(active), overlayBridges, config.source(), ConntrackZones.of(config.overlay()),
        SecurityGroups.NONE, List.copyOf(active));
  }

  /** The same rules with other security groups: the rules (and their warnings) are not analysed again. */
  RuleBook withGroups(SecurityGroups g) {
    List<ActiveRule> all = new ArrayList<>(rules);
    all.addAll(g.rules());
    all.sort(ORDER);
    return new RuleBook(defaultAction, rules, rejected, warnings, overlayBridges, configSource, zones, g,
        List.copyOf(all));
  }

  private static ActiveRule compile(AclRule r, RuleSource source, Map<String, Long> vnis) {
    OptionalLong vni = r.network().map(n -> OptionalLong.of(vnis.get(n))).orElse(OptionalLong.empty());
    return new ActiveRule(r, source, RuleTags.of(r.name()), RuleMatch.of(r.match(), vni));
  }

  Optional<ActiveRule> rule(String name) {
    return rules.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  Optional<RejectedRule> rejectedRule(String name) {
    return rejected.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** The rule whose entries carry this cookie tag. */
  Optional<ActiveRule> ruleOfTag(long tag) {
    return compiled.stream().filter(r -> r.tag() == tag).findFirst();
  }

  /** The active rules as config records (for {@link AclRules#conflicts}). */
  List<AclRule> aclRules() {
    return rules.stream().map(ActiveRule::rule).toList();
  }

  /** Whether the bridge is an overlay host's integration bridge (where network-scoped rules apply). */
  boolean isOverlayHost(SwitchView sw) {
    return overlayBridges.stream().anyMatch(b -> ActiveRule.isCalled(sw, b));
  }
}
