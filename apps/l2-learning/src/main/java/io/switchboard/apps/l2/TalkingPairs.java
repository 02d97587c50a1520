package io.switchboard.apps.l2;

import io.switchboard.apps.l2.SingleTableFlows.Pair;
import io.switchboard.controller.spi.FlowEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * OpenFlow 1.0 bridges: the pairs of hosts the controller saw talking, each with its entry. Local to this
 * controller instance (they are derived facts, cheap to see again); rebuilt from the switch on adoption.
 */
final class TalkingPairs {
  /**
   * Pair entries one bridge may have: OpenFlow 1.0 learning installs one per (VLAN, source, destination) seen, so
   * the table would otherwise grow with the square of the hosts (and with whatever MACs a peer makes up). Past it,
   * new pairs are forwarded by the controller (packet-out) without an entry until old ones expire.
   */
  static final int MAX_PER_BRIDGE = 4_096;
  /**
   * Pair entries all bridges together may have: each costs about a kilobyte of desired and installed state, so
   * this keeps them under ~70 MB of the launcher's 512 MiB heap however many bridges connect.
   */
  static final int MAX_TOTAL = 65_536;

  private final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
  private static final Comparator<Pair> ORDER = Comparator.comparingInt(Pair::vlan).thenComparingLong(Pair::src)
      .thenComparingLong(Pair::dst);

  private final Map<Long, Map<Pair, FlowEntry>> byBridge = new ConcurrentHashMap<>();

  /** A bridge's pair entries in a stable order. */
  List<FlowEntry> entries(long dpid) {
    Map<Pair, FlowEntry> mine = byBridge.getOrDefault(dpid, Map.of());
    return mine.keySet().stream().sorted(ORDER).map(mine::get).toList();
  }

  /** Adds a pair; returns its entry if it is new, null if the pair was known or the bridge has no room. */
  FlowEntry add(long dpid, Pair pair, Function<Pair, FlowEntry> entry) {
    Map<Pair, FlowEntry> mine = byBridge.computeIfAbsent(dpid, d -> new ConcurrentHashMap<>());
    if (mine.containsKey(pair) || !room(mine)) {
      return null;
    }
    FlowEntry e = entry.apply(pair);
    if (mine.put(pair, e) == null) {
      total.incrementAndGet();
    }
    return e;
  }

  /** True when the bridge has as many pairs as it may, and this one is not among them. */
  boolean full(long dpid, Pair pair) {
    Map<Pair, FlowEntry> mine = byBridge.get(dpid);
    return (mine == null || !mine.containsKey(pair)) && !room(mine);
  }

  /** Whether a bridge (with these pairs, null: none yet) may get one more, on its own and with all the others. */
  private boolean room(Map<Pair, FlowEntry> mine) {
    return total.get() < MAX_TOTAL && (mine == null || mine.size() < MAX_PER_BRIDGE);
  }

  /** Removes the pairs a host is in; returns their entries. */
  List<FlowEntry> removeHost(long dpid, int vlan, long mac) {
    List<FlowEntry> removed = new ArrayList<>();
    Map<Pair, FlowEntry> mine = byBridge.get(dpid);
    if (mine != null) {
      mine.entrySet().removeIf(e -> {
        Pair p = e.getKey();
        boolean involved = p.vlan() == vlan && (p.src() == mac || p.dst() == mac);
        if (involved) {
          removed.add(e.getValue());
          total.decrementAndGet();
        }
        return involved;
      });
    }
    return removed;
  }

  /** Recomputes every pair entry of a bridge (null drops the pair), e.g. after the port roles changed. */
  void recompute(long dpid, Function<Pair, FlowEntry> entry) {
    Map<Pair, FlowEntry> mine = byBridge.get(dpid);
    if (mine != null) {
      for (Pair p : List.copyOf(mine.keySet())) {
        FlowEntry e = entry.apply(p);
        if (e == null) {
          if (mine.remove(p) != null) {
            total.decrementAndGet();
          }
        } else {
          mine.put(p, e);
        }
      }
    }
  }

  void replace(long dpid, Map<Pair, FlowEntry> pairs) {
    Map<Pair, FlowEntry> old = byBridge.put(dpid, new ConcurrentHashMap<>(pairs));
    total.addAndGet(pairs.size() - (old == null ? 0 : old.size()));
  }

  void forget(long dpid) {
    Map<Pair, FlowEntry> old = byBridge.remove(dpid);
    if (old != null) {
      total.addAndGet(-old.size());
    }
  }
}
