package io.switchboard.apps.acl;

import io.switchboard.config.ConfigError;
import io.switchboard.config.LogicalTopology;
import io.switchboard.config.Result;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

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

  static final Comparator<ActiveRule> ORDER = Comparator.comparingInt(ActiveRule::priority).reversed()
      .thenComparing(ActiveRule::source).thenComparing(ActiveRule::name);

  static RuleBook build(SwitchboardConfig config, Map<String, StoredRule> stored) {
    return build(config, stored, new Compiled());
  }

  /**
   * @param compiled what the previous builds parsed and compiled: with the same config, only stored rules that
   *                 changed are parsed again (a REST change to one of 10,000 rules parses one)
   */
  static RuleBook build(SwitchboardConfig config, Map<String, StoredRule> stored, Compiled compiled) {
    compiled.use(config);
    List<ActiveRule> active = new ArrayList<>();
    for (AclRule r : AclSection.of(config).rules()) {
      active.add(compiled.configRule(r));
    }
    AclRules.RuleIndex accepted = new AclRules.RuleIndex(compiled.configIndex);
    List<RejectedRule> rejected = new ArrayList<>();
    for (StoredRule s : new TreeMap<>(stored).values()) {
      Compiled.Entry e = compiled.stored(s);
      if (!e.parsed().isOk()) {
        rejected.add(new RejectedRule(s.name(), s.definition(), "not applied: " + e.parsed().errorText()));
        continue;
      }
      List<ConfigError> conflicts = accepted.conflicts(e.parsed().value());
      if (!conflicts.isEmpty()) {
        String why = conflicts.stream().map(ConfigError::message).reduce((a, b) -> a + "; " + b).orElseThrow();
        rejected.add(new RejectedRule(s.name(), s.definition(), "not applied: " + why));
        continue;
      }
      active.add(e.active());
      accepted.add(e.parsed().value());
    }
    compiled.retain(stored.keySet());
    active.sort(ORDER);
    List<String> overlayBridges = config.topology().hosts().stream().map(h -> h.bridge()).toList();
    return new RuleBook(AclSection.of(config).defaultAction(), List.copyOf(active), List.copyOf(rejected),
        compiled.analysis.update(active), overlayBridges, config.source(), ConntrackZones.of(config.topology()),
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

  /**
   * Rules parsed and compiled against one config, kept from one build to the next (a new config starts afresh).
   * Not thread-safe: {@link AclApp} builds under its lock.
   */
  static final class Compiled {
    record Entry(StoredRule stored, Result<AclRule> parsed, ActiveRule active) {}

    private SwitchboardConfig config;
    private Function<Map<String, ?>, Result<AclRule>> parser;
    private final Map<String, Long> vnis = new HashMap<>();
    private final Map<String, Entry> stored = new HashMap<>();
    private final Map<AclRule, ActiveRule> configRules = new IdentityHashMap<>();
    /** The config's rules, for the conflicts of the stored ones. */
    private AclRules.RuleIndex configIndex;
    /** The warnings' index, kept too: a change re-examines only the rules it can affect. */
    private final RuleWarnings.Analysis analysis = new RuleWarnings.Analysis();

    void use(SwitchboardConfig c) {
      if (c == config) {
        return;
      }
      config = c;
      parser = AclRules.parser(c);
      vnis.clear();
      for (LogicalTopology.Network n : c.topology().networks()) {
        vnis.put(n.name(), n.vni());
      }
      stored.clear();
      configRules.clear();
      configIndex = new AclRules.RuleIndex(AclSection.of(c).rules());
    }

    ActiveRule configRule(AclRule r) {
      return configRules.computeIfAbsent(r, x -> compile(x, RuleSource.CONFIG, vnis));
    }

    Entry stored(StoredRule s) {
      Entry e = stored.get(s.name());
      if (e == null || !e.stored().equals(s)) {
        Result<AclRule> parsed = parser.apply(s.definition());
        e = new Entry(s, parsed, parsed.isOk() ? compile(parsed.value(), RuleSource.API, vnis) : null);
        stored.put(s.name(), e);
      }
      return e;
    }

    /** Forgets rules no longer stored. */
    void retain(java.util.Set<String> names) {
      stored.keySet().retainAll(names);
    }
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
