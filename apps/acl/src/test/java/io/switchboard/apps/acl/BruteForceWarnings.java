package io.switchboard.apps.acl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The warnings as first written (every rule against every other), the reference for RuleWarnings.
 *
 * What an operator should know about a rule set: rules that can never match because higher-priority rules take
 * every packet they would (shadowed), and rules that overlap another at the same priority with a different
 * action (OpenFlow leaves undefined which of two such entries a packet hits).
 *
 * <p>A rule counts as shadowed when each of its matches (one per value/mask pair of a port range) lies inside
 * one match of a single higher-priority rule whose scope includes the rule's. Packets covered only by several
 * higher rules together are not detected; in-ports compare as written (a name and a number are different).
 */
final class BruteForceWarnings {
  private BruteForceWarnings() {}

  /** Rule name to its warnings; every rule has an entry. {@code rules} is highest priority first. */
  static Map<String, List<String>> analyze(List<ActiveRule> rules) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ActiveRule r : rules) {
      List<String> warnings = new ArrayList<>();
      shadowedBy(r, rules).ifPresent(warnings::add);
      for (ActiveRule other : rules) {
        if (other != r && conflicts(r, other)) {
          warnings.add("overlaps rule '" + other.name() + "' at the same priority (" + r.priority()
              + ") with a different action (" + other.action().text() + "): which of them applies to a packet"
              + " both match is undefined; give one a higher priority");
        }
      }
      out.put(r.name(), List.copyOf(warnings));
    }
    return out;
  }

  private static Optional<String> shadowedBy(ActiveRule r, List<ActiveRule> rules) {
    Set<ActiveRule> by = new LinkedHashSet<>();
    for (RuleMatch m : r.matches()) {
      ActiveRule coverer = null;
      for (ActiveRule higher : rules) {
        if (higher.priority() > r.priority() && r.scopeWithin(higher)
            && higher.matches().stream().anyMatch(h -> h.covers(m))) {
          coverer = higher;
          break;
        }
      }
      if (coverer == null) {
        return Optional.empty();
      }
      by.add(coverer);
    }
    List<String> names = by.stream().map(h -> "'" + h.name() + "' (priority " + h.priority() + ", "
        + h.action().text() + ")").toList();
    return Optional.of("shadowed: it can never match, because higher-priority rule"
        + (names.size() > 1 ? "s " : " ") + String.join(", ", names) + " match" + (names.size() > 1 ? "" : "es")
        + " every packet it would");
  }

  private static boolean conflicts(ActiveRule a, ActiveRule b) {
    return a.priority() == b.priority() && a.action() != b.action() && a.scopeOverlaps(b)
        && a.matches().stream().anyMatch(x -> b.matches().stream().anyMatch(x::overlaps));
  }
}
