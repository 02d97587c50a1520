package io.switchboard.config;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * @param defaultAction what happens to a packet no rule matches (YAML key {@code default})
 * @param rules         in file order
 */
public record AclSettings(AclAction defaultAction, List<AclRule> rules) {

  public AclSettings {
    Objects.requireNonNull(defaultAction, "defaultAction");
    rules = List.copyOf(rules);
  }

  public Optional<AclRule> rule(String name) {
    return rules.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Highest priority first; equal priorities keep file order. */
  public List<AclRule> byPriority() {
    return rules.stream().sorted(Comparator.comparingInt(AclRule::priority).reversed()).toList();
  }
}
