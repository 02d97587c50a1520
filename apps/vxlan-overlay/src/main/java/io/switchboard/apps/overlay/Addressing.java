package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.KeyValueStore;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology built from scratch, with addresses for the dynamic endpoints still without one: from the config, the
 * runtime endpoints and the allocated addresses; pending endpoints get an address ({@link Ipam}) and the topology is
 * computed again with it, a few rounds at most.
 */
final class Addressing {
  private static final Logger log = LoggerFactory.getLogger(VxlanOverlayApp.class);

  private Addressing() {}

  /** The topology, and why the endpoints still pending have no address (a full subnet), by name. */
  record Built(OverlayTopology topology, Map<String, String> pendingReasons) {}

  /** @param reasonsBefore the reasons known already: an endpoint is logged once, when it first has no address */
  static Built build(io.switchboard.apps.overlay.config.OverlayConfig overlay, KeyValueStore<String, RuntimeEndpoint> store,
      Ipam ipam, Map<String, String> reasonsBefore) {
    Map<String, String> reasons = new TreeMap<>();
    OverlayTopology t = OverlayTopology.of(overlay, store.snapshot(), ipam.assignments());
    for (int round = 0; round < 3 && !t.pending().isEmpty(); round++) {
      boolean allocated = false;
      for (var e : t.pending().values()) {
        var n = overlay.network(e.network()).orElseThrow();
        Set<Integer> taken = t.addressesIn(n.name());
        try {
          int ip = ipam.allocate(n, e.name(), taken::contains);
          taken.add(ip);
          allocated = true;
        } catch (ApiException full) {
          if (!reasonsBefore.containsKey(e.name())) {
            log.warn("overlay: endpoint {} has no address: {}", e.name(), full.getMessage());
          }
          reasons.put(e.name(), full.getMessage());
        }
      }
      if (!allocated) {
        break;
      }
      t = OverlayTopology.of(overlay, store.snapshot(), ipam.assignments());
    }
    return new Built(t, Map.copyOf(reasons));
  }
}
