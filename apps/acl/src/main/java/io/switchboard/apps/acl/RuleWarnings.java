package io.switchboard.apps.acl;

import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an operator should know about a rule set: rules that can never match because higher-priority rules take
 * every packet they would (shadowed), and rules that overlap another at the same priority with a different
 * action (OpenFlow leaves undefined which of two such entries a packet hits).
 *
 * <p>A rule counts as shadowed when each of its matches (one per value/mask pair of a port range) lies inside
 * one match of a single higher-priority rule whose scope includes the rule's. Packets covered only by several
 * higher rules together are not detected; in-ports compare as written (a name and a number are different).
 *
 * <p>Indexed, so that 10,000 rules are analysed in a fraction of a second rather than compared pairwise:
 * matches are grouped by shape (which fields, under which masks, and whether an in-port) and, within a shape,
 * hashed by their masked values, so the rules that could cover a match are found by one lookup per shape; and
 * a rule is compared for overlaps only with rules at its priority that agree on a field both match exactly.
 * The answers are those of the pairwise comparison, in the same order.
 */
final class RuleWarnings {
  private RuleWarnings() {}

  /** Rule name to its warnings; every rule has an entry. {@code rules} is highest priority first. */
  static Map<String, List<String>> analyze(List<ActiveRule> rules) {
    return analyze(rules, new Probes());
  }

  /**
   * The rules' matches in the form the index compares, kept from one analysis to the next by rule identity
   * (rules that did not change are the same objects): a change to one rule of 10,000 prepares one.
   */
  static final class Probes {
    private Map<ActiveRule, Probe[]> byRule = new IdentityHashMap<>();

    /** The probes of this analysis' rules; those of rules no longer present are dropped. */
    Probe[][] of(List<ActiveRule> rules) {
      Map<ActiveRule, Probe[]> next = new IdentityHashMap<>(rules.size() * 2);
      Probe[][] out = new Probe[rules.size()][];
      for (int i = 0; i < rules.size(); i++) {
        ActiveRule r = rules.get(i);
        Probe[] p = byRule.get(r);
        if (p == null) {
          p = r.matches().stream().map(Probe::new).toArray(Probe[]::new);
        }
        next.put(r, p);
        out[i] = p;
      }
      byRule = next;
      return out;
    }
  }

  static Map<String, List<String>> analyze(List<ActiveRule> rules, Probes probes) {
    Coverers coverers = new Coverers(rules, probes.of(rules));
    Map<Integer, SamePriority> byPriority = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      byPriority.computeIfAbsent(rules.get(i).priority(), p -> new SamePriority()).add(i, rules.get(i));
    }
    Map<String, List<String>> out = new LinkedHashMap<>(rules.size() * 2);
    for (int i = 0; i < rules.size(); i++) {
      ActiveRule r = rules.get(i);
      List<String> warnings = new ArrayList<>();
      coverers.shadowedBy(i).ifPresent(warnings::add);
      for (int j : byPriority.get(r.priority()).candidates(r)) {
        ActiveRule other = rules.get(j);
        if (j != i && conflicts(r, other)) {
          warnings.add("overlaps rule '" + other.name() + "' at the same priority (" + r.priority()
              + ") with a different action (" + other.action().text() + "): which of them applies to a packet"
              + " both match is undefined; give one a higher priority");
        }
      }
      out.put(r.name(), List.copyOf(warnings));
    }
    return out;
  }

  private static boolean conflicts(ActiveRule a, ActiveRule b) {
    return a.priority() == b.priority() && a.action() != b.action() && a.scopeOverlaps(b)
        && a.matches().stream().anyMatch(x -> b.matches().stream().anyMatch(x::overlaps));
  }

  // ---- shadowing

  private static final Field[] FIELDS = Field.values();

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
    final int hash;
    /** Key to the positions of the rules with a match of this shape and key, ascending. */
    final Map<Key, List<Integer>> rules = new HashMap<>();
    /** The smallest position of all: a rule above every rule here cannot be covered by them. */
    int first = Integer.MAX_VALUE;

    Shape(Probe p) {
      inPort = p.inPort != null;
      bits = p.bits;
      fields = new int[Long.bitCount(bits)];
      masks = new long[fields.length];
      for (int i = 0, k = 0; i < FIELDS.length; i++) {
        if ((bits & (1L << i)) != 0) {
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
      return o instanceof Key k && k.hash == hash && java.util.Objects.equals(k.inPort, inPort)
          && Arrays.equals(k.values, values);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hashCode(inPort) * 31 + hash;
    }
  }

  /** Every rule's matches by shape and key: where to look for the rules that cover a match. */
  private static final class Coverers {
    private final List<ActiveRule> rules;
    /** Shapes grouped by their fields (and in-port or not): a probe visits the groups its fields include. */
    private final Map<Long, List<Shape>> byFields = new HashMap<>();

    private final Probe[][] probes;

    Coverers(List<ActiveRule> rules, Probe[][] probes) {
      this.rules = rules;
      this.probes = probes;
      Map<Shape, Shape> shapes = new HashMap<>();
      for (int i = 0; i < rules.size(); i++) {
        for (Probe p : probes[i]) {
          Shape s = shapes.computeIfAbsent(new Shape(p), x -> x);
          if (s.first == Integer.MAX_VALUE) {
            byFields.computeIfAbsent(s.bits, x -> new ArrayList<>()).add(s);
          }
          s.first = Math.min(s.first, i);
          List<Integer> at = s.rules.computeIfAbsent(s.keyOf(p), k -> new ArrayList<>(1));
          if (at.isEmpty() || at.get(at.size() - 1) != i) {
            at.add(i);
          }
        }
      }
    }

    Optional<String> shadowedBy(int i) {
      ActiveRule r = rules.get(i);
      Set<ActiveRule> by = new LinkedHashSet<>();
      for (Probe p : probes[i]) {
        int first = firstCoverer(r, i, p);
        if (first < 0) {
          return Optional.empty();
        }
        by.add(rules.get(first));
      }
      List<String> names = by.stream().map(h -> "'" + h.name() + "' (priority " + h.priority() + ", "
          + h.action().text() + ")").toList();
      return Optional.of("shadowed: it can never match, because higher-priority rule"
          + (names.size() > 1 ? "s " : " ") + String.join(", ", names) + " match" + (names.size() > 1 ? "" : "es")
          + " every packet it would");
    }

    /**
     * The position of the first rule (highest priority first) above {@code r} (at position {@code i}) whose
     * scope includes r's and one of whose matches covers the probe's; -1 for none.
     */
    private int firstCoverer(ActiveRule r, int i, Probe p) {
      int best = Integer.MAX_VALUE;
      for (Map.Entry<Long, List<Shape>> group : byFields.entrySet()) {
        if ((group.getKey() & ~p.bits) != 0) {
          continue; // a field the probe does not match on
        }
        for (Shape s : group.getValue()) {
          if (s.first >= best || s.first >= i || !s.admits(p)) {
            continue; // none of its rules is above r, or above the best so far
          }
          List<Integer> at = s.rules.get(s.keyOf(p));
          if (at == null) {
            continue;
          }
          for (int k : at) {
            ActiveRule h = rules.get(k);
            if (k >= best || h.priority() <= r.priority()) {
              break; // positions ascend, priorities descend: nothing further can be a better answer
            }
            if (r.scopeWithin(h)) {
              best = k;
              break;
            }
          }
        }
      }
      return best == Integer.MAX_VALUE ? -1 : best;
    }
  }

  // ---- overlaps

  /**
   * The rules at one priority, indexed per field by exact value: two matches that both match a field exactly
   * with different values cannot overlap, so a match exact on some field need only be compared with the
   * matches with that value there and those not exact on it. The field that leaves fewest is used.
   */
  private static final class SamePriority {
    private static final int INDEX_FROM = 16;

    private record Entry(int position, RuleMatch match) {}

    private final List<Entry> all = new ArrayList<>();
    private final Set<Object> actions = new java.util.HashSet<>();
    private Map<Field, Map<Long, List<Entry>>> exact;
    private Map<Field, List<Entry>> inexact;
    private Map<String, List<Entry>> byInPort;
    private List<Entry> anyInPort;

    void add(int position, ActiveRule r) {
      r.matches().forEach(m -> all.add(new Entry(position, m)));
      actions.add(r.action());
    }

    /** Positions of the rules that may overlap {@code r}, ascending; a superset of the real ones. */
    Iterable<Integer> candidates(ActiveRule r) {
      if (actions.size() < 2) {
        return List.of(); // one action at this priority: no conflict possible
      }
      TreeSet<Integer> out = new TreeSet<>();
      if (all.size() < INDEX_FROM) {
        all.forEach(e -> out.add(e.position()));
        return out;
      }
      index();
      for (RuleMatch m : r.matches()) {
        List<Entry> fewest = all;
        int size = all.size();
        if (m.inPort().isPresent()) {
          List<Entry> same = byInPort.getOrDefault(m.inPort().get(), List.of());
          if (same.size() + anyInPort.size() < size) {
            size = same.size() + anyInPort.size();
            fewest = concat(same, anyInPort);
          }
        }
        for (Map.Entry<Field, FlowMatch.Masked> f : m.fields().fields().entrySet()) {
          if (!f.getValue().exact(f.getKey())) {
            continue;
          }
          List<Entry> same = exact.getOrDefault(f.getKey(), Map.of())
              .getOrDefault(f.getValue().value() & f.getValue().mask(), List.of());
          List<Entry> other = inexact.getOrDefault(f.getKey(), all);
          if (same.size() + other.size() < size) {
            size = same.size() + other.size();
            fewest = concat(same, other);
          }
        }
        fewest.forEach(e -> out.add(e.position()));
      }
      return out;
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
      List<Entry> out = new ArrayList<>(a.size() + b.size());
      out.addAll(a);
      out.addAll(b);
      return out;
    }

    private void index() {
      if (exact != null) {
        return;
      }
      exact = new EnumMap<>(Field.class);
      inexact = new EnumMap<>(Field.class);
      byInPort = new HashMap<>();
      anyInPort = new ArrayList<>();
      for (Field f : Field.values()) {
        inexact.put(f, new ArrayList<>());
      }
      for (Entry e : all) {
        e.match().inPort().ifPresentOrElse(p -> byInPort.computeIfAbsent(p, x -> new ArrayList<>()).add(e),
            () -> anyInPort.add(e));
        for (Field f : Field.values()) {
          FlowMatch.Masked v = e.match().fields().get(f);
          if (v != null && v.exact(f)) {
            exact.computeIfAbsent(f, x -> new HashMap<>()).computeIfAbsent(v.value() & v.mask(),
                x -> new ArrayList<>()).add(e);
          } else {
            inexact.get(f).add(e);
          }
        }
      }
    }
  }
}
