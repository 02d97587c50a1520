package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayEndpoints;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.config.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which endpoints are in force in an {@link OverlayTopology} built from scratch: the config's static endpoints,
 * then the runtime ones in name order, each validated against what is already in (one that no longer fits is
 * rejected, with the reason), then the dynamic ones with their IPAM address when it is still valid (else pending).
 * Linear in the number of endpoints: one set of what is taken grows as endpoints are accepted.
 */
final class EndpointAdmission {
  private EndpointAdmission() {}

  static OverlayTopology admit(OverlayConfig overlay, Map<String, RuntimeEndpoint> runtime,
      Map<String, Ipam.Assignment> assignments) {
    List<OverlayEndpoint> accepted = new ArrayList<>();
    Map<String, OverlayEndpoint> pending = new TreeMap<>();
    Set<String> fromConfig = new TreeSet<>();
    overlay.endpoints().forEach(e -> fromConfig.add(e.name()));
    OverlayEndpoints.Taken taken = new OverlayEndpoints.Taken();
    overlay.endpoints().stream().filter(OverlayEndpoint::hasAddress).forEach(e -> {
      accepted.add(e);
      taken.add(e);
    });
    overlay.endpoints().stream().filter(e -> !e.hasAddress()).forEach(taken::add);
    Map<String, RuntimeEndpoint> rejected = new TreeMap<>();
    Map<String, String> reasons = new TreeMap<>();
    List<OverlayEndpoint> runtimeChecked = new ArrayList<>();
    for (RuntimeEndpoint r : new TreeMap<>(runtime).values()) {
      Result<OverlayEndpoint> checked = OverlayEndpoints.parseEndpoint(r.toMap(), overlay, taken);
      if (checked.isOk()) {
        runtimeChecked.add(checked.value());
        taken.add(checked.value());
      } else {
        rejected.put(r.name(), r);
        reasons.put(r.name(), checked.errorText());
      }
    }
    runtimeChecked.stream().filter(OverlayEndpoint::hasAddress).forEach(accepted::add);
    List<OverlayEndpoint> dynamic = new ArrayList<>();
    overlay.endpoints().stream().filter(e -> !e.hasAddress()).forEach(dynamic::add);
    runtimeChecked.stream().filter(e -> !e.hasAddress()).forEach(dynamic::add);
    Set<List<Object>> inUse = new HashSet<>();
    for (OverlayEndpoint x : accepted) {
      inUse.add(List.of(x.network(), x.ip()));
      inUse.add(List.of(x.network(), x.mac()));
    }
    TopologyIndex.Config config = TopologyIndex.Config.of(overlay);
    for (OverlayEndpoint e : dynamic) {
      OverlayNetwork n = config.network(e.network()).orElseThrow();
      Ipam.Assignment a = assignments.get(e.name());
      if (a == null || !a.network().equals(n.name()) || !n.assignable(a.ip())) {
        pending.put(e.name(), e);
        continue;
      }
      OverlayEndpoint resolved = e.withAddress(n, a.ip());
      boolean clash = inUse.contains(List.of(n.name(), a.ip())) || inUse.contains(List.of(n.name(), resolved.mac()));
      if (clash) {
        pending.put(e.name(), e);
      } else {
        accepted.add(resolved);
        inUse.add(List.of(n.name(), resolved.ip()));
        inUse.add(List.of(n.name(), resolved.mac()));
      }
    }
    int[] segments = new int[4];
    for (OverlayEndpoint e : accepted) {
      segments[OverlayTopology.rank(e, fromConfig)]++;
    }
    return new OverlayTopology(overlay, List.copyOf(accepted), fromConfig, rejected, reasons, pending,
        TopologyIndex.of(config, accepted), LayeredMap.of(runtime), LayeredMap.of(assignments), segments, null);
  }
}
