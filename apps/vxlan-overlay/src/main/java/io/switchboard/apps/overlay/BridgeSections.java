package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One bridge's entries in the sections of {@link DesiredFlowCache}, and the facts they were computed from: the
 * topology, the NAT rules and next hops, and the number of every port a section looked up.
 */
final class BridgeSections {
  final long dpid;
  final String name;
  final boolean multiTable;
  /** The host whose bridge this is; null when it is none (or OpenFlow 1.0): then it has no entries. */
  final String host;
  /** Port name -> number (-1: absent) of every port a section looked up. */
  final Map<String, Long> ports = new HashMap<>();
  OverlayTopology topology;
  /** The NAT rules and next hops its external section was computed with. */
  ExternalState state;
  List<FlowEntry> base = List.of();
  List<io.switchboard.apps.overlay.config.OverlayNetwork> networksOn = List.of();
  /** Names of the networks it reaches: its own and their routers' (endpoints elsewhere leave it as it is). */
  Set<String> reachable = Set.of();
  final Map<String, List<FlowEntry>> networks = new HashMap<>();
  final Map<String, List<FlowEntry>> endpoints = new HashMap<>();
  List<FlowEntry> external = List.of();
  /** Networks whose endpoints its external section depends on (beyond its host's own). */
  Set<String> externalNetworks = Set.of();

  private BridgeSections(long dpid, String name, boolean multiTable, String host) {
    this.dpid = dpid;
    this.name = name;
    this.multiTable = multiTable;
    this.host = host;
  }

  static BridgeSections build(OverlayTopology topo, ExternalState state, SwitchView sw) {
    String host = sw.multiTable() ? topo.hostOf(sw).map(h -> h.name()).orElse(null) : null;
    BridgeSections b = new BridgeSections(sw.dpid(), sw.name(), sw.multiTable(), host);
    b.topology = topo;
    b.state = state;
    if (host == null) {
      return b;
    }
    FlowSections s = b.sections(topo, sw);
    b.base = s.base();
    b.networksOn = s.networksOn;
    b.reachable = Set.copyOf(s.reachable);
    for (var n : s.networksOn) {
      b.networks.put(n.name(), s.network(n));
    }
    for (var n : topo.reachableFrom(host)) {
      for (var e : topo.endpointsIn(n.name())) {
        List<FlowEntry> entries = s.endpoint(e);
        if (!entries.isEmpty()) {
          b.endpoints.put(e.name(), entries);
        }
      }
    }
    b.external = s.external(state);
    b.externalNetworks = s.externalNetworks();
    return b;
  }

  /**
   * True when endpoints of these hosts and networks changing leaves every section as it is: none is on its host
   * (then its networks stay the same, and so do the networks it reaches), none is in a network it reaches or its
   * external section depends on.
   */
  boolean unaffected(Set<String> hosts, Set<String> networks) {
    if (host == null) {
      return true;
    }
    if (hosts.contains(host)) {
      return false;
    }
    for (String n : networks) {
      if (reachable.contains(n) || externalNetworks.contains(n)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the bridge still is as the sections saw it: same name, version, and the same port numbers. */
  boolean fits(SwitchView sw) {
    if (!sw.name().equals(name) || sw.multiTable() != multiTable) {
      return false;
    }
    for (Map.Entry<String, Long> p : ports.entrySet()) {
      if (FlowSections.number(sw, p.getKey()) != p.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * To {@code next}, where only the endpoints {@code names} (of the networks {@code touched}) changed; the sections
   * of the networks {@code recomputed} are computed again (of the touched ones: all when an endpoint of this
   * host changed, else those whose hosts changed, as their flooding lists them); null when this cannot be done
   * section by section (the host's networks changed, or the bridge's ports did).
   */
  DesiredFlowCache.Delta update(OverlayTopology next, SwitchView sw, Collection<String> names, Set<String> touched,
      Set<String> recomputed) {
    if (!sw.name().equals(name) || sw.multiTable() != multiTable) {
      return null;
    }
    if (host == null) {
      topology = next;
      return new DesiredFlowCache.Delta(List.of(), List.of());
    }
    FlowSections s = sections(next, sw);
    if (!s.networksOn.equals(networksOn)) {
      return null;
    }
    List<FlowEntry> before = new ArrayList<>();
    List<FlowEntry> after = new ArrayList<>();
    Map<String, List<FlowEntry>> newNetworks = new HashMap<>();
    Map<String, List<FlowEntry>> newEndpoints = new HashMap<>();
    for (var n : networksOn) {
      if (recomputed.contains(n.name())) {
        List<FlowEntry> entries = s.network(n);
        before.addAll(networks.get(n.name()));
        after.addAll(entries);
        newNetworks.put(n.name(), entries);
      }
    }
    for (String e : names) {
      before.addAll(endpoints.getOrDefault(e, List.of()));
      List<FlowEntry> entries = next.endpoint(e).filter(s::reaches).map(s::endpoint).orElse(List.of());
      after.addAll(entries);
      newEndpoints.put(e, entries);
    }
    List<FlowEntry> newExternal = null;
    if (touched.stream().anyMatch(externalNetworks::contains)) {
      newExternal = s.external(state);
      before.addAll(external);
      after.addAll(newExternal);
    }
    if (s.stale()) {
      return null;
    }
    if (newExternal != null) {
      external = newExternal;
    }
    networks.putAll(newNetworks);
    newEndpoints.forEach((e, entries) -> {
      if (entries.isEmpty()) {
        endpoints.remove(e);
      } else {
        endpoints.put(e, entries);
      }
    });
    topology = next;
    return DesiredFlowCache.diff(before, after);
  }

  List<FlowEntry> all() {
    List<FlowEntry> out = new ArrayList<>(base);
    for (var n : networksOn) {
      out.addAll(networks.get(n.name()));
    }
    endpoints.values().forEach(out::addAll);
    out.addAll(external);
    return out;
  }

  /** Its external section with other NAT rules or next hops; null when its ports moved (built whole then). */
  DesiredFlowCache.Delta updateExternal(ExternalState next, SwitchView sw) {
    if (host == null || !sw.name().equals(name) || sw.multiTable() != multiTable) {
      state = next;
      return host == null ? new DesiredFlowCache.Delta(List.of(), List.of()) : null;
    }
    FlowSections s = sections(topology, sw);
    List<FlowEntry> entries = s.external(next);
    if (s.stale()) {
      return null;
    }
    DesiredFlowCache.Delta d = DesiredFlowCache.diff(external, entries);
    external = entries;
    state = next;
    return d;
  }

  private FlowSections sections(OverlayTopology topo, SwitchView sw) {
    return new FlowSections(topo, sw, host, ports);
  }
}
