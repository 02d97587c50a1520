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
   * Pair entries all bridges together may have: each costs about 500 bytes of desired and installed state (core and
   * app), so this keeps them under ~35 MB of the launcher's 512 MiB heap however many bridges connect.
   */
  static final int MAX_TOTAL = 65_536;

  private final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
  private static final Comparator<Pair> ORDER = Comparator.comparingInt(Pair::vlan).thenComparingLong(Pair::src)
      .thenComparingLong(Pair::dst);

  /** Each bridge's pairs, its table locked while used (by that bridge's worker, and by start and stop). */
  private final Map<Long, PairTable> byBridge = new ConcurrentHashMap<>();

  /** A bridge's pair entries in a stable order. */
  List<FlowEntry> entries(long dpid) {
    PairTable mine = byBridge.get(dpid);
    if (mine == null) {
      return List.of();
    }
    synchronized (mine) {
      List<Pair> keys = mine.pairs();
      keys.sort(ORDER);
      List<FlowEntry> out = new ArrayList<>(keys.size());
      for (Pair p : keys) {
        out.add(mine.get(p.vlan(), p.src(), p.dst()));
      }
      return out;
    }
  }

  /** Adds a pair; returns its entry if it is new, null if the pair was known or the bridge has no room. */
  FlowEntry add(long dpid, Pair pair, Function<Pair, FlowEntry> entry) {
    PairTable mine = byBridge.computeIfAbsent(dpid, d -> new PairTable());
    synchronized (mine) {
      if (mine.contains(pair.vlan(), pair.src(), pair.dst()) || !room(mine)) {
        return null;
      }
      FlowEntry e = entry.apply(pair);
      if (mine.put(pair.vlan(), pair.src(), pair.dst(), e) == null) {
        total.incrementAndGet();
      }
      return e;
    }
  }

  /** True when the bridge has as many pairs as it may, and this one is not among them. */
  boolean full(long dpid, Pair pair) {
    PairTable mine = byBridge.get(dpid);
    if (mine == null) {
      return !room(null);
    }
    synchronized (mine) {
      return !mine.contains(pair.vlan(), pair.src(), pair.dst()) && !room(mine);
    }
  }

  /** Whether a bridge (with these pairs, null: none yet) may get one more, on its own and with all the others. */
  private boolean room(PairTable mine) {
    return total.get() < MAX_TOTAL && (mine == null || mine.size() < MAX_PER_BRIDGE);
  }

  /** Removes the pairs a host is in; returns their entries. */
  List<FlowEntry> removeHost(long dpid, int vlan, long mac) {
    PairTable mine = byBridge.get(dpid);
    if (mine == null) {
      return new ArrayList<>();
    }
    synchronized (mine) {
      List<FlowEntry> removed = mine.removeHost(vlan, mac);
      total.addAndGet(-removed.size());
      return removed;
    }
  }

  /** Recomputes every pair entry of a bridge (null drops the pair), e.g. after the port roles changed. */
  void recompute(long dpid, Function<Pair, FlowEntry> entry) {
    PairTable mine = byBridge.get(dpid);
    if (mine != null) {
      synchronized (mine) {
        for (Pair p : mine.pairs()) {
          FlowEntry e = entry.apply(p);
          if (e == null) {
            if (mine.remove(p.vlan(), p.src(), p.dst()) != null) {
              total.decrementAndGet();
            }
          } else {
            mine.put(p.vlan(), p.src(), p.dst(), e);
          }
        }
      }
    }
  }

  void replace(long dpid, Map<Pair, FlowEntry> pairs) {
    PairTable next = new PairTable();
    pairs.forEach((p, e) -> next.put(p.vlan(), p.src(), p.dst(), e));
    PairTable old = byBridge.put(dpid, next);
    total.addAndGet(next.size() - (old == null ? 0 : sizeOf(old)));
  }

  void forget(long dpid) {
    PairTable old = byBridge.remove(dpid);
    if (old != null) {
      total.addAndGet(-sizeOf(old));
    }
  }

  private static int sizeOf(PairTable t) {
    synchronized (t) {
      return t.size();
    }
  }
}
