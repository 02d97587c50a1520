package io.switchboard.apps.acl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an operator should know about a rule set: rules that can never match because higher-priority rules take
 * every packet they would (shadowed), and rules that overlap another at the same priority with a different
 * action (OpenFlow leaves undefined which of two such entries a packet hits).
 *
 * <p>A rule counts as shadowed when each of its matches (one per value/mask pair of a port range) lies inside
 * one match of a single higher-priority rule whose scope includes the rule's. Packets covered only by several
 * higher rules together are not detected; in-ports compare as written (a name and a number are different).
 *
 * <p>Indexed, and kept from one rule set to the next ({@link Analysis}), so that 10,000 rules are analysed in a
 * fraction of a second and a change to one of them in milliseconds rather than by comparing every pair: matches
 * are grouped by shape (which fields, under which masks, whether an in-port) and, within a shape, hashed by
 * their masked values, so the rules that could cover a match are one lookup per shape; a rule is compared for
 * overlaps only with rules at its priority that agree on a field both match exactly; and a change re-examines
 * only the rules it can affect (those it covers or overlaps). The answers are those of the pairwise comparison,
 * in the same order.
 *
 * <p>The two indexes live apart: {@link MatchShape} (with {@link MatchProbe}, a match as arrays) finds the rules
 * whose matches cover a match, for shadowing; {@link SamePriorityRules} narrows the rules a rule may overlap at its
 * priority. This class keeps them in step with the rule set and words the warnings.
 */
final class RuleWarnings {
  private RuleWarnings() {}

  /** Rules in book order: highest priority first; equal priorities, config rules first, then by name. */
  private static final Comparator<ActiveRule> ORDER = RuleBook.ORDER;

  /** Rule name to its warnings; every rule has an entry. {@code rules} is in book order. */
  static Map<String, List<String>> analyze(List<ActiveRule> rules) {
    return new Analysis().update(rules);
  }

  /**
   * The index and every rule's warnings, kept between rule sets. Rules are told apart by identity: a rule that
   * did not change is the same object in the next set (see {@link RuleBook.Compiled}). Not thread-safe.
   */
  static final class Analysis {
    private final Map<ActiveRule, MatchProbe[]> probes = new IdentityHashMap<>();
    private final Map<MatchShape, MatchShape> shapes = new HashMap<>();
    /** Shapes grouped by their fields: a probe visits only the groups whose fields it has. */
    private final Map<Long, List<MatchShape>> byFields = new HashMap<>();
    private final Map<Integer, SamePriorityRules> byPriority = new HashMap<>();
    private final Map<ActiveRule, List<String>> warnings = new IdentityHashMap<>();

    /** Rule name to its warnings for this rule set (in book order), re-examining what changed since the last. */
    Map<String, List<String>> update(List<ActiveRule> rules) {
      Set<ActiveRule> now = Collections.newSetFromMap(new IdentityHashMap<>(rules.size() * 2));
      now.addAll(rules);
      List<ActiveRule> removed = new ArrayList<>();
      for (ActiveRule r : probes.keySet()) {
        if (!now.contains(r)) {
          removed.add(r);
        }
      }
      List<ActiveRule> added = new ArrayList<>();
      for (ActiveRule r : rules) {
        if (!probes.containsKey(r)) {
          added.add(r);
        }
      }
      Collection<ActiveRule> affected;
      if (removed.size() + added.size() > Math.max(32, rules.size() / 8)) {
        probes.clear();
        shapes.clear();
        byFields.clear();
        byPriority.clear();
        warnings.clear();
        rules.forEach(this::add);
        affected = rules;
      } else {
        Set<ActiveRule> touched = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ActiveRule r : removed) {
          MatchProbe[] p = probes.get(r);
          remove(r);
          touched.addAll(neighbours(r, p));
        }
        for (ActiveRule r : added) {
          add(r);
          touched.add(r);
          touched.addAll(neighbours(r, probes.get(r)));
        }
        touched.retainAll(now);
        affected = touched;
      }
      for (ActiveRule r : affected) {
        List<String> w = new ArrayList<>();
        shadowedBy(r).ifPresent(w::add);
        w.addAll(overlaps(r));
        warnings.put(r, List.copyOf(w));
      }
      Map<String, List<String>> out = new LinkedHashMap<>(rules.size() * 2);
      for (ActiveRule r : rules) {
        out.put(r.name(), warnings.get(r));
      }
      return out;
    }

    private void add(ActiveRule r) {
      MatchProbe[] ps = r.matches().stream().map(MatchProbe::new).toArray(MatchProbe[]::new);
      probes.put(r, ps);
      for (MatchProbe p : ps) {
        MatchShape s = shapes.computeIfAbsent(new MatchShape(p), x -> {
          byFields.computeIfAbsent(x.bits, b -> new ArrayList<>()).add(x);
          return x;
        });
        List<ActiveRule> at = s.rules.computeIfAbsent(s.keyOf(p), k -> new ArrayList<>(1));
        int i = Collections.binarySearch(at, r, ORDER);
        if (i < 0) {
          at.add(-i - 1, r);
        }
      }
      byPriority.computeIfAbsent(r.priority(), x -> new SamePriorityRules()).add(r, ps);
    }

    private void remove(ActiveRule r) {
      MatchProbe[] ps = probes.remove(r);
      warnings.remove(r);
      for (MatchProbe p : ps) {
        MatchShape s = shapes.get(new MatchShape(p));
        if (s == null) {
          continue;
        }
        MatchShape.Key k = s.keyOf(p);
        List<ActiveRule> at = s.rules.get(k);
        if (at != null) {
          at.removeIf(x -> x == r);
          if (at.isEmpty()) {
            s.rules.remove(k);
          }
        }
        if (s.rules.isEmpty()) {
          shapes.remove(s);
          byFields.get(s.bits).remove(s);
        }
      }
      SamePriorityRules g = byPriority.get(r.priority());
      g.remove(r);
      if (g.isEmpty()) {
        byPriority.remove(r.priority());
      }
    }

    /** The rules whose warnings {@code r} (with these probes) can change: those it covers and those it overlaps. */
    private Set<ActiveRule> neighbours(ActiveRule r, MatchProbe[] ps) {
      Set<ActiveRule> out = Collections.newSetFromMap(new IdentityHashMap<>());
      for (MatchProbe p : ps) {
        for (MatchShape s : shapes.values()) {
          if (!s.admittedBy(p)) {
            continue;
          }
          s.rules.forEach((k, at) -> {
            if (s.covered(k, p)) {
              for (ActiveRule x : at) {
                if (x.priority() < r.priority()) {
                  out.add(x);
                }
              }
            }
          });
        }
      }
      SamePriorityRules g = byPriority.get(r.priority());
      if (g != null) {
        for (ActiveRule x : g.candidates(ps)) {
          if (x != r && conflicts(r, x)) {
            out.add(x);
          }
        }
      }
      return out;
    }

    private Optional<String> shadowedBy(ActiveRule r) {
      Set<ActiveRule> by = new LinkedHashSet<>();
      for (MatchProbe p : probes.get(r)) {
        ActiveRule first = firstCoverer(r, p);
        if (first == null) {
          return Optional.empty();
        }
        by.add(first);
      }
      List<String> names = by.stream().map(h -> "'" + h.name() + "' (priority " + h.priority() + ", "
          + h.action().text() + ")").toList();
      return Optional.of("shadowed: it can never match, because higher-priority rule"
          + (names.size() > 1 ? "s " : " ") + String.join(", ", names) + " match" + (names.size() > 1 ? "" : "es")
          + " every packet it would");
    }

    /** The first rule (in book order) above {@code r} whose scope includes r's and a match of which covers p. */
    private ActiveRule firstCoverer(ActiveRule r, MatchProbe p) {
      ActiveRule best = null;
      for (Map.Entry<Long, List<MatchShape>> group : byFields.entrySet()) {
        if ((group.getKey() & ~p.bits) != 0) {
          continue; // a field the probe does not match on
        }
        for (MatchShape s : group.getValue()) {
          if (!s.admits(p)) {
            continue;
          }
          List<ActiveRule> at = s.rules.get(s.keyOf(p));
          if (at == null) {
            continue;
          }
          for (ActiveRule h : at) {
            if (h.priority() <= r.priority() || best != null && ORDER.compare(h, best) >= 0) {
              break; // book order: nothing further can be a better answer
            }
            if (r.scopeWithin(h)) {
              best = h;
              break;
            }
          }
        }
      }
      return best;
    }

    private List<String> overlaps(ActiveRule r) {
      List<ActiveRule> others = new ArrayList<>();
      for (ActiveRule x : byPriority.get(r.priority()).candidates(probes.get(r))) {
        if (x != r && conflicts(r, x)) {
          others.add(x);
        }
      }
      others.sort(ORDER);
      return others.stream().map(other -> "overlaps rule '" + other.name() + "' at the same priority ("
          + r.priority() + ") with a different action (" + other.action().text() + "): which of them applies to a"
          + " packet both match is undefined; give one a higher priority").toList();
    }
  }

  private static boolean conflicts(ActiveRule a, ActiveRule b) {
    return a.priority() == b.priority() && a.action() != b.action() && a.scopeOverlaps(b)
        && a.matches().stream().anyMatch(x -> b.matches().stream().anyMatch(x::overlaps));
  }
}
