package io.switchboard.apps.acl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules at one priority, indexed per field by exact value: two matches that both match a field exactly
 * with different values cannot overlap, so a match exact on some field need only be compared with the rules
 * with that value there and those not exact on it. The field that leaves fewest is used. The index is rebuilt
 * on the first question after a change.
 */
final class SamePriorityRules {
  private static final int INDEX_FROM = 16;

  private final Map<ActiveRule, MatchProbe[]> members = new IdentityHashMap<>();
  private final int[] actions = new int[AclAction.values().length];
  private List<Map<Long, List<ActiveRule>>> exact;
  private List<List<ActiveRule>> inexact;
  private Map<String, List<ActiveRule>> byInPort;
  private List<ActiveRule> anyInPort;

  void add(ActiveRule r, MatchProbe[] ps) {
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
  Collection<ActiveRule> candidates(MatchProbe[] ps) {
    if (Arrays.stream(actions).filter(n -> n > 0).count() < 2) {
      return List.of(); // one action at this priority: no conflict possible
    }
    if (members.size() < INDEX_FROM) {
      return members.keySet();
    }
    index();
    Set<ActiveRule> out = Collections.newSetFromMap(new IdentityHashMap<>());
    for (MatchProbe p : ps) {
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
      for (int f = 0; f < MatchProbe.FIELDS.length; f++) {
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
    for (int f = 0; f < MatchProbe.FIELDS.length; f++) {
      exact.add(new HashMap<>());
      inexact.add(new ArrayList<>());
    }
    byInPort = new HashMap<>();
    anyInPort = new ArrayList<>();
    members.forEach((r, ps) -> {
      Set<String> ports = new LinkedHashSet<>();
      boolean anyPort = false;
      for (MatchProbe p : ps) {
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
      for (int f = 0; f < MatchProbe.FIELDS.length; f++) {
        Set<Long> values = new LinkedHashSet<>();
        boolean notExact = false;
        for (MatchProbe p : ps) {
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
