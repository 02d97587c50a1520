package io.switchboard.apps.acl;

import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
final class RuleWarnings {
  private RuleWarnings() {}

  /** Rules in book order: highest priority first; equal priorities, config rules first, then by name. */
  private static final Comparator<ActiveRule> ORDER = RuleBook.ORDER;
  private static final Field[] FIELDS = Field.values();

  /** Rule name to its warnings; every rule has an entry. {@code rules} is in book order. */
  static Map<String, List<String>> analyze(List<ActiveRule> rules) {
    return new Analysis().update(rules);
  }

  /**
   * The index and every rule's warnings, kept between rule sets. Rules are told apart by identity: a rule that
   * did not change is the same object in the next set (see {@link RuleBook.Compiled}). Not thread-safe.
   */
  static final class Analysis {
    private final Map<ActiveRule, Probe[]> probes = new IdentityHashMap<>();
    private final Map<Shape, Shape> shapes = new HashMap<>();
    /** Shapes grouped by their fields: a probe visits only the groups whose fields it has. */
    private final Map<Long, List<Shape>> byFields = new HashMap<>();
    private final Map<Integer, SamePriority> byPriority = new HashMap<>();
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
          Probe[] p = probes.get(r);
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
      Probe[] ps = r.matches().stream().map(Probe::new).toArray(Probe[]::new);
      probes.put(r, ps);
      for (Probe p : ps) {
        Shape s = shapes.computeIfAbsent(new Shape(p), x -> {
          byFields.computeIfAbsent(x.bits, b -> new ArrayList<>()).add(x);
          return x;
        });
        List<ActiveRule> at = s.rules.computeIfAbsent(s.keyOf(p), k -> new ArrayList<>(1));
        int i = Collections.binarySearch(at, r, ORDER);
        if (i < 0) {
          at.add(-i - 1, r);
        }
      }
      byPriority.computeIfAbsent(r.priority(), x -> new SamePriority()).add(r, ps);
    }

    private void remove(ActiveRule r) {
      Probe[] ps = probes.remove(r);
      warnings.remove(r);
      for (Probe p : ps) {
        Shape s = shapes.get(new Shape(p));
        if (s == null) {
          continue;
        }
        Key k = s.keyOf(p);
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
      SamePriority g = byPriority.get(r.priority());
      g.remove(r);
      if (g.isEmpty()) {
        byPriority.remove(r.priority());
      }
    }

    /** The rules whose warnings {@code r} (with these probes) can change: those it covers and those it overlaps. */
    private Set<ActiveRule> neighbours(ActiveRule r, Probe[] ps) {
      Set<ActiveRule> out = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Probe p : ps) {
        for (Shape s : shapes.values()) {
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
      SamePriority g = byPriority.get(r.priority());
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
      for (Probe p : probes.get(r)) {
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
    private ActiveRule firstCoverer(ActiveRule r, Probe p) {
      ActiveRule best = null;
      for (Map.Entry<Long, List<Shape>> group : byFields.entrySet()) {
        if ((group.getKey() & ~p.bits) != 0) {
          continue; // a field the probe does not match on
        }
        for (Shape s : group.getValue()) {
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

  // ---- the index

  /** A match's fields as arrays by field ordinal, for the index's many quick comparisons. */
  private static final class Probe {
    final String inPort;
    final long bits;
    final long[] masks = new long[FIELDS.length];
    final long[] values = new long[FIELDS.length];

    Probe(RuleMatch m) {
      inPort = m.inPort().orElse(null);
      long b = 0;
      for (Map.Entry<Field, FlowMatch.Masked> e : m.fields().fields().entrySet()) {
        int i = e.getKey().ordinal();
        b |= 1L << i;
        masks[i] = e.getValue().mask();
        values[i] = e.getValue().value() & masks[i];
      }
      bits = b;
    }

    boolean exact(int field) {
      return (bits & (1L << field)) != 0 && masks[field] == FIELDS[field].fullMask();
    }
  }

  /**
   * Which fields a match has, under which masks, and whether it names an in-port. A match of shape S covers a
   * match m exactly when m has every field of S under a mask at least as narrow, the same in-port if S has
   * one, and the same values under S's masks: so all of S's matches that cover m share one key computed from m.
   */
  private static final class Shape {
    final boolean inPort;
    final long bits;
    final int[] fields;
    final long[] masks;
    /** Field ordinal to its place in {@link #fields}, or -1. */
    final int[] place = new int[FIELDS.length];
    final int hash;
    /** Key to the rules with a match of this shape and key, in book order. */
    final Map<Key, List<ActiveRule>> rules = new HashMap<>();

    Shape(Probe p) {
      inPort = p.inPort != null;
      bits = p.bits;
      fields = new int[Long.bitCount(bits)];
      masks = new long[fields.length];
      Arrays.fill(place, -1);
      for (int i = 0, k = 0; i < FIELDS.length; i++) {
        if ((bits & (1L << i)) != 0) {
          place[i] = k;
          fields[k] = i;
          masks[k++] = p.masks[i];
        }
      }
      hash = Boolean.hashCode(inPort) * 31 + mix(masks) * 31 + Long.hashCode(bits);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Shape s && s.inPort == inPort && s.bits == bits && Arrays.equals(s.masks, masks);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    /** Whether matches of this shape can cover the probe's match at all (its fields are known to include ours). */
    boolean admits(Probe p) {
      if (inPort && p.inPort == null) {
        return false;
      }
      for (int k = 0; k < fields.length; k++) {
        if ((masks[k] & ~p.masks[fields[k]]) != 0) {
          return false;
        }
      }
      return true;
    }

    /** Whether the probe's match can cover matches of this shape: the converse of {@link #admits}. */
    boolean admittedBy(Probe p) {
      if ((p.bits & ~bits) != 0 || p.inPort != null && !inPort) {
        return false;
      }
      for (int f = 0; f < FIELDS.length; f++) {
        if ((p.bits & (1L << f)) != 0 && (p.masks[f] & ~masks[place[f]]) != 0) {
          return false;
        }
      }
      return true;
    }

    /** Whether the probe's match covers the matches of this shape with key {@code k} ({@link #admittedBy} holds). */
    boolean covered(Key k, Probe p) {
      if (p.inPort != null && !p.inPort.equals(k.inPort())) {
        return false;
      }
      for (int f = 0; f < FIELDS.length; f++) {
        if ((p.bits & (1L << f)) != 0 && (k.values()[place[f]] & p.masks[f]) != p.values[f]) {
          return false;
        }
      }
      return true;
    }

    /** The probe's in-port (if this shape has one) and values under this shape's masks. */
    Key keyOf(Probe p) {
      long[] v = new long[fields.length];
      for (int k = 0; k < fields.length; k++) {
        v[k] = p.values[fields[k]] & masks[k];
      }
      return new Key(inPort ? p.inPort : null, v, mix(v));
    }
  }

  /**
   * A hash that spreads values differing in a few middle bits (addresses, ports): {@code Arrays.hashCode}'s
   * multiply by 31 maps many such keys of a big rule set onto the same buckets.
   */
  private static int mix(long[] values) {
    long h = 0x9E3779B97F4A7C15L;
    for (long v : values) {
      h = (h ^ v) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }

  private record Key(String inPort, long[] values, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Objects.equals(k.inPort, inPort)
          && Arrays.equals(k.values, values);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(inPort) * 31 + hash;
    }
  }

  /**
   * The rules at one priority, indexed per field by exact value: two matches that both match a field exactly
   * with different values cannot overlap, so a match exact on some field need only be compared with the rules
   * with that value there and those not exact on it. The field that leaves fewest is used. The index is rebuilt
   * on the first question after a change.
   */
  private static final class SamePriority {
    private static final int INDEX_FROM = 16;

    private final Map<ActiveRule, Probe[]> members = new IdentityHashMap<>();
    private final int[] actions = new int[AclAction.values().length];
    private List<Map<Long, List<ActiveRule>>> exact;
    private List<List<ActiveRule>> inexact;
    private Map<String, List<ActiveRule>> byInPort;
    private List<ActiveRule> anyInPort;

    void add(ActiveRule r, Probe[] ps) {
      members.put(r, ps);
      actions[r.action().ordinal()]++;
      exact = null;
    }

    void remove(ActiveRule r) {
      if (members.remove(r) != null) {
        actions[r.action().ordinal()]--;
        exact = null;
      }
    }

    boolean isEmpty() {
      return members.isEmpty();
    }

    /** The rules that may overlap a rule with these probes: a superset of the real ones, in no order. */
    Collection<ActiveRule> candidates(Probe[] ps) {
      if (Arrays.stream(actions).filter(n -> n > 0).count() < 2) {
        return List.of(); // one action at this priority: no conflict possible
      }
      if (members.size() < INDEX_FROM) {
        return members.keySet();
      }
      index();
      Set<ActiveRule> out = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Probe p : ps) {
        List<ActiveRule> a = null;
        List<ActiveRule> b = null;
        int size = members.size();
        if (p.inPort != null) {
          List<ActiveRule> same = byInPort.getOrDefault(p.inPort, List.of());
          if (same.size() + anyInPort.size() < size) {
            size = same.size() + anyInPort.size();
            a = same;
            b = anyInPort;
          }
        }
        for (int f = 0; f < FIELDS.length; f++) {
          if (!p.exact(f)) {
            continue;
          }
          List<ActiveRule> same = exact.get(f).getOrDefault(p.values[f], List.of());
          List<ActiveRule> other = inexact.get(f);
          if (same.size() + other.size() < size) {
            size = same.size() + other.size();
            a = same;
            b = other;
          }
        }
        if (a == null) {
          return members.keySet();
        }
        out.addAll(a);
        out.addAll(b);
      }
      return out;
    }

    private void index() {
      if (exact != null) {
        return;
      }
      exact = new ArrayList<>();
      inexact = new ArrayList<>();
      for (int f = 0; f < FIELDS.length; f++) {
        exact.add(new HashMap<>());
        inexact.add(new ArrayList<>());
      }
      byInPort = new HashMap<>();
      anyInPort = new ArrayList<>();
      members.forEach((r, ps) -> {
        Set<String> ports = new LinkedHashSet<>();
        boolean anyPort = false;
        for (Probe p : ps) {
          if (p.inPort == null) {
            anyPort = true;
          } else {
            ports.add(p.inPort);
          }
        }
        if (anyPort) {
          anyInPort.add(r);
        }
        ports.forEach(x -> byInPort.computeIfAbsent(x, y -> new ArrayList<>()).add(r));
        for (int f = 0; f < FIELDS.length; f++) {
          Set<Long> values = new LinkedHashSet<>();
          boolean notExact = false;
          for (Probe p : ps) {
            if (p.exact(f)) {
              values.add(p.values[f]);
            } else {
              notExact = true;
            }
          }
          if (notExact) {
            inexact.get(f).add(r);
          }
          for (long v : values) {
            exact.get(f).computeIfAbsent(v, y -> new ArrayList<>()).add(r);
          }
        }
      });
    }
  }
}
