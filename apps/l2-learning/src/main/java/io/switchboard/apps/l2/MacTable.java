package io.switchboard.apps.l2;

import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.StoreFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learned hosts, keyed by (bridge, VLAN, MAC), kept in a {@link KeyValueStore} so that a cluster can share them.
 * The store is the only copy: desired flows are computed from it.
 *
 * <p>Beside it, an index per bridge follows every change of the store (this instance's at once, other
 * instances' as their events arrive): the bridge's hosts and how many there are per port and per VLAN, so that
 * the caps are checked and a bridge's hosts listed without a scan of the whole table.
 */
final class MacTable {
  static final String STORE_NAME = "l2.hosts";
  private static final Comparator<LearnedHost> ORDER = Comparator.comparingLong(LearnedHost::dpid)
      .thenComparingInt(LearnedHost::vlan).thenComparingLong(LearnedHost::mac);

  private final StoreFactory stores;
  private final KeyValueStore<HostKey, LearnedHost> store;
  /** Told when a host appears, goes or moves to another port (not when it is only seen again). */
  private final Runnable membershipChanged;
  /** Guarded by {@code this}. */
  private final Map<Long, BridgeHosts> bridges = new HashMap<>();
  /** Hosts on all bridges together. Guarded by {@code this}. */
  private int total;

  /** One bridge's hosts and their counts; a bridge without hosts has none. */
  private static final class BridgeHosts {
    final Map<HostKey, LearnedHost> hosts = new HashMap<>();
    final Map<Long, Integer> perPort = new HashMap<>();
    final Map<Integer, Integer> perVlan = new HashMap<>();

    void count(LearnedHost h, int delta) {
      perPort.merge(h.port(), delta, (a, b) -> a + b == 0 ? null : a + b);
      perVlan.merge(h.vlan(), delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  MacTable(StoreFactory stores) {
    this(stores, () -> {});
  }

  MacTable(StoreFactory stores, Runnable membershipChanged) {
    this.stores = stores;
    this.membershipChanged = membershipChanged;
    this.store = stores.map(STORE_NAME);
    synchronized (this) { // events that arrive meanwhile wait, then apply on top of the snapshot
      store.addListener(this::changed);
      store.snapshot().forEach(this::changed);
    }
  }

  /** Whether this table is over {@code stores} (a reload keeps the table, and its listener, when it is). */
  boolean isOver(StoreFactory stores) {
    return this.stores == stores;
  }

  private synchronized void changed(HostKey key, LearnedHost now) {
    BridgeHosts b = bridges.get(key.dpid());
    LearnedHost before = b == null ? null : b.hosts.get(key);
    if (now == null) {
      if (before != null) {
        b.hosts.remove(key);
        total--;
        b.count(before, -1);
        if (b.hosts.isEmpty()) {
          bridges.remove(key.dpid());
        }
        membershipChanged.run();
      }
      return;
    }
    if (b == null) {
      b = new BridgeHosts();
      bridges.put(key.dpid(), b);
    }
    b.hosts.put(key, now);
    if (before != null) {
      b.count(before, -1);
    } else {
      total++;
    }
    b.count(now, 1);
    if (before == null || before.port() != now.port()) {
      membershipChanged.run();
    }
  }

  /** Hosts learned on all bridges together. */
  synchronized int total() {
    return total;
  }

  LearnedHost get(long dpid, int vlan, long mac) {
    return store.get(new HostKey(dpid, vlan, mac));
  }

  void put(LearnedHost host) {
    store.put(host.key(), host);
  }

  /** Forgets a host if the table still has it where {@code host} says (not if it has moved since). */
  boolean remove(LearnedHost host) {
    LearnedHost now = store.get(host.key());
    if (now == null || now.port() != host.port()) {
      return false;
    }
    store.remove(host.key());
    return true;
  }

  /** One bridge's hosts, in a stable order (VLAN, MAC). */
  List<LearnedHost> hostsOf(long dpid) {
    List<LearnedHost> out;
    synchronized (this) {
      BridgeHosts b = bridges.get(dpid);
      out = b == null ? new ArrayList<>() : new ArrayList<>(b.hosts.values());
    }
    out.sort(ORDER);
    return out;
  }

  synchronized int onBridge(long dpid) {
    BridgeHosts b = bridges.get(dpid);
    return b == null ? 0 : b.hosts.size();
  }

  synchronized int onPort(long dpid, long port) {
    BridgeHosts b = bridges.get(dpid);
    return b == null ? 0 : b.perPort.getOrDefault(port, 0);
  }

  synchronized int inVlan(long dpid, int vlan) {
    BridgeHosts b = bridges.get(dpid);
    return b == null ? 0 : b.perVlan.getOrDefault(vlan, 0);
  }

  /** Every host, ordered by bridge, VLAN, MAC. */
  List<LearnedHost> all() {
    return store.snapshot().values().stream().sorted(ORDER).toList();
  }
}
