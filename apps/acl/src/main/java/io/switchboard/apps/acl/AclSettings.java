package io.switchboard.apps.acl;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * @param defaultAction what happens to a packet no rule matches (YAML key {@code default})
 * @param rules         in file order
 * @param groups        security groups ({@code acl.groups}), in file order
 */
public record AclSettings(AclAction defaultAction, List<AclRule> rules, List<AclGroup> groups) {

  public AclSettings {
    Objects.requireNonNull(defaultAction, "defaultAction");
    rules = List.copyOf(rules);
    groups = List.copyOf(groups);
  }

  public AclSettings(AclAction defaultAction, List<AclRule> rules) {
    this(defaultAction, rules, List.of());
  }

  public Optional<AclRule> rule(String name) {
    return rules.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Highest priority first; equal priorities keep file order. */
  public List<AclRule> byPriority() {
    return rules.stream().sorted(Comparator.comparingInt(AclRule::priority).reversed()).toList();
  }
}
