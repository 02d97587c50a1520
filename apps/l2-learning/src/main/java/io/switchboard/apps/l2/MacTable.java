package io.switchboard.apps.l2;

import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.StoreFactory;
import java.util.Comparator;
import java.util.List;

/**
 * Learned hosts, keyed by (bridge, VLAN, MAC), kept in a {@link KeyValueStore} so that a cluster can share them.
 * The store is the only copy: desired flows are computed from it.
 */
final class MacTable {
  static final String STORE_NAME = "l2.hosts";
  private static final Comparator<LearnedHost> ORDER = Comparator.comparingLong(LearnedHost::dpid)
      .thenComparingInt(LearnedHost::vlan).thenComparingLong(LearnedHost::mac);

  private final KeyValueStore<HostKey, LearnedHost> store;

  MacTable(StoreFactory stores) {
    this.store = stores.map(STORE_NAME);
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
    return store.snapshot().values().stream().filter(h -> h.dpid() == dpid).sorted(ORDER).toList();
  }

  /** Every host, ordered by bridge, VLAN, MAC. */
  List<LearnedHost> all() {
    return store.snapshot().values().stream().sorted(ORDER).toList();
  }
}
