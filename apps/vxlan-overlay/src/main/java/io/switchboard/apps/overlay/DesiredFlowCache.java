package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Every programmed overlay bridge's desired entries, kept between changes in sections by what they depend on, so
 * that a change of a few endpoints recomputes only what depends on them and the core is handed only the entries
 * that differ (ovn-controller's incremental processing, in small).
 *
 * <p>A bridge's entries are the union of:
 * <ul>
 *   <li>its base: the tunnel's catch-alls (depend on the tunnel port alone);</li>
 *   <li>one section per network the host has ports in: tunnel VNI classification, the gateway's answers and drop,
 *       flooding (depend on that network's endpoints: its local ports and the other hosts it spans);</li>
 *   <li>one section per endpoint it can reach: port security for a local one, ARP answer, routes from the host's
 *       networks, unicast delivery (depend on that endpoint, and on which networks the host has ports in).</li>
 * </ul>
 * So when endpoints change, a bridge whose set of networks stays the same recomputes the sections of those
 * endpoints and of their networks; one whose set of networks changes is recomputed whole (and compared whole).
 * The same entries as {@link OverlayFlows#compute}, which stays the reference: {@code IncrementalFlowsTest}
 * checks the two agree after every step of random changes.
 *
 * <p>It covers overlays without localnet networks and routers' external sides ({@link #covers}): those entries
 * (docs/apps/nat.md) depend on NAT rules and learned next hops as well, and an overlay with them has every bridge
 * computed whole by {@link OverlayFlows#compute} instead.
 *
 * <p>The port numbers the sections used are remembered: a bridge whose ports moved is recomputed whole. Thread-safe;
 * every method holds this object's lock, so a bridge's entries and the topology they were computed from change
 * together.
 */
final class DesiredFlowCache {
  private final Map<Long, Bridge> bridges = new HashMap<>();
  private OverlayTopology current;

  DesiredFlowCache(OverlayTopology initial) {
    this.current = initial;
  }

  /** Whether the sections make up all of an overlay's entries: no localnet network, no router's external side. */
  static boolean covers(io.switchboard.apps.overlay.config.OverlayConfig overlay) {
    return overlay.networks().stream().noneMatch(n -> n.isLocalnet())
        && overlay.routers().stream().allMatch(r -> r.external().isEmpty() && r.routes().isEmpty()
            && r.nat().isEmpty());
  }

  /** What one bridge is to be sent: entries to add or replace, and entries to delete. */
  record Delta(List<FlowEntry> added, List<FlowEntry> removed) {
    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty();
    }
  }

  synchronized OverlayTopology topology() {
    return current;
  }

  /** The bridge's entries for the current topology: from the cache when its ports are as they were. */
  synchronized List<FlowEntry> desired(SwitchView sw) {
    Bridge b = bridges.get(sw.dpid());
    if (b == null || b.topology != current || !b.fits(sw)) {
      b = Bridge.build(current, sw);
      bridges.put(sw.dpid(), b);
    }
    return b.all();
  }

  /** The bridge is gone (disconnected, or programmed by another instance): its entries are forgotten. */
  synchronized void forget(long dpid) {
    bridges.remove(dpid);
  }

  /** How many bridges are kept. */
  synchronized int size() {
    return bridges.size();
  }

  /**
   * A new config: everything is forgotten (the core recomputes every bridge after a reload).
   */
  synchronized void reset(OverlayTopology next) {
    bridges.clear();
    current = next;
  }

  /**
   * The topology is now {@code next}, which differs from the current one only in the endpoints named
   * {@code changed} (null: any may have). Brings every kept bridge up to date and returns, by dpid, what changed
   * on it. {@code views} gives a bridge's view now (empty: it is gone, and is forgotten).
   */
  synchronized Map<Long, Delta> update(OverlayTopology next, Collection<String> changed,
      LongFunction<Optional<SwitchView>> views) {
    OverlayTopology before = current;
    current = next;
    Map<Long, Delta> out = new LinkedHashMap<>();
    if (before.overlay() != next.overlay() && !before.overlay().equals(next.overlay())) {
      bridges.clear();
      return out;
    }
    Collection<String> names = changed != null ? changed : changedEndpoints(before, next);
    Set<String> networks = new HashSet<>();
    Set<String> hostsOfChanges = new HashSet<>();
    for (String name : names) {
      for (OverlayTopology t : List.of(before, next)) {
        t.endpoint(name).ifPresent(e -> {
          networks.add(e.network());
          hostsOfChanges.add(e.host());
        });
      }
    }
    for (Bridge b : List.copyOf(bridges.values())) {
      Optional<SwitchView> sw = views.apply(b.dpid);
      if (sw.isEmpty()) {
        bridges.remove(b.dpid);
        continue;
      }
      if (b.topology == before && b.unaffected(hostsOfChanges, networks)) {
        b.topology = next; // none of its sections depends on what changed
        continue;
      }
      Delta d = b.topology == before ? b.update(next, sw.get(), names, networks) : null;
      if (d == null) { // not incremental: the whole bridge, compared whole
        Bridge fresh = Bridge.build(next, sw.get());
        d = diff(b.all(), fresh.all());
        bridges.put(b.dpid, fresh);
      }
      if (!d.isEmpty()) {
        out.put(b.dpid, d);
      }
    }
    return out;
  }

  /** Names of the endpoints in force that differ between two topologies (added, removed or changed). */
  static Set<String> changedEndpoints(OverlayTopology a, OverlayTopology b) {
    Set<String> out = new HashSet<>();
    for (OverlayEndpoint e : a.endpoints()) {
      if (!b.endpoint(e.name()).filter(e::equals).isPresent()) {
        out.add(e.name());
      }
    }
    for (OverlayEndpoint e : b.endpoints()) {
      if (!a.endpoint(e.name()).filter(e::equals).isPresent()) {
        out.add(e.name());
      }
    }
    return out;
  }

  /** What the core must do to go from {@code before} to {@code after}, keyed as it keys entries. */
  static Delta diff(Collection<FlowEntry> before, Collection<FlowEntry> after) {
    Map<Key, FlowEntry> old = new HashMap<>();
    for (FlowEntry e : before) {
      old.put(Key.of(e), e);
    }
    List<FlowEntry> added = new ArrayList<>();
    Set<Key> kept = new HashSet<>();
    for (FlowEntry e : after) {
      Key k = Key.of(e);
      kept.add(k);
      if (!e.equals(old.get(k))) {
        added.add(e);
      }
    }
    List<FlowEntry> removed = new ArrayList<>();
    old.forEach((k, e) -> {
      if (!kept.contains(k)) {
        removed.add(e);
      }
    });
    return new Delta(added, removed);
  }

  /** How the core tells entries apart: (stage, priority, match). */
  private record Key(Stage stage, int priority, FlowMatch match) {
    static Key of(FlowEntry e) {
      return new Key(e.stage(), e.priority(), e.match());
    }
  }

  /** One bridge's entries in sections, and the facts they were computed from. */
  private static final class Bridge {
    final long dpid;
    final String name;
    final boolean multiTable;
    /** The host whose bridge this is; null when it is none (or OpenFlow 1.0): then it has no entries. */
    final String host;
    /** Port name -> number (-1: absent) of every port a section looked up. */
    final Map<String, Long> ports = new HashMap<>();
    OverlayTopology topology;
    List<FlowEntry> base = List.of();
    List<OverlayNetwork> networksOn = List.of();
    /** Names of the networks it reaches: its own and their routers' (endpoints elsewhere leave it as it is). */
    Set<String> reachable = Set.of();
    final Map<String, List<FlowEntry>> networks = new HashMap<>();
    final Map<String, List<FlowEntry>> endpoints = new HashMap<>();

    private Bridge(long dpid, String name, boolean multiTable, String host) {
      this.dpid = dpid;
      this.name = name;
      this.multiTable = multiTable;
      this.host = host;
    }

    static Bridge build(OverlayTopology topo, SwitchView sw) {
      String host = sw.multiTable() ? topo.hostOf(sw).map(h -> h.name()).orElse(null) : null;
      Bridge b = new Bridge(sw.dpid(), sw.name(), sw.multiTable(), host);
      b.topology = topo;
      if (host == null) {
        return b;
      }
      Sections s = b.sections(topo, sw);
      List<FlowEntry> base = new ArrayList<>();
      s.tunnel.ifPresent(t -> {
        base.add(ClassifyFlows.tunnelDrop(t));
        base.add(RouterFlows.fromTunnel(t));
      });
      base.add(RouterFlows.continueToL2());
      b.base = List.copyOf(base);
      b.networksOn = s.networksOn;
      b.reachable = Set.copyOf(s.reachable);
      for (OverlayNetwork n : s.networksOn) {
        b.networks.put(n.name(), s.network(n));
      }
      for (OverlayNetwork n : topo.reachableFrom(host)) {
        for (OverlayEndpoint e : topo.endpointsIn(n.name())) {
          List<FlowEntry> entries = s.endpoint(e);
          if (!entries.isEmpty()) {
            b.endpoints.put(e.name(), entries);
          }
        }
      }
      return b;
    }

    /**
     * True when endpoints of these hosts and networks changing leaves every section as it is: none is on its host
     * (then its networks stay the same, and so do the networks it reaches), none is in a network it reaches.
     */
    boolean unaffected(Set<String> hosts, Set<String> networks) {
      if (host == null) {
        return true;
      }
      if (hosts.contains(host)) {
        return false;
      }
      for (String n : networks) {
        if (reachable.contains(n)) {
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
        if (number(sw, p.getKey()) != p.getValue()) {
          return false;
        }
      }
      return true;
    }

    /**
     * To {@code next}, where only the endpoints {@code names} (of the networks {@code touched}) changed; null when
     * this cannot be done section by section (the host's networks changed, or the bridge's ports did).
     */
    Delta update(OverlayTopology next, SwitchView sw, Collection<String> names, Set<String> touched) {
      if (!sw.name().equals(name) || sw.multiTable() != multiTable) {
        return null;
      }
      if (host == null) {
        topology = next;
        return new Delta(List.of(), List.of());
      }
      Sections s = sections(next, sw);
      if (!s.networksOn.equals(networksOn)) {
        return null;
      }
      List<FlowEntry> before = new ArrayList<>();
      List<FlowEntry> after = new ArrayList<>();
      Map<String, List<FlowEntry>> newNetworks = new HashMap<>();
      Map<String, List<FlowEntry>> newEndpoints = new HashMap<>();
      for (OverlayNetwork n : networksOn) {
        if (touched.contains(n.name())) {
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
      if (s.view.stale) {
        return null;
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
      return diff(before, after);
    }

    List<FlowEntry> all() {
      List<FlowEntry> out = new ArrayList<>(base);
      for (OverlayNetwork n : networksOn) {
        out.addAll(networks.get(n.name()));
      }
      endpoints.values().forEach(out::addAll);
      return out;
    }

    private Sections sections(OverlayTopology topo, SwitchView sw) {
      RecordingView view = new RecordingView(sw, ports);
      HostBridge bridge = new HostBridge(topo, view, topo.host(host).orElseThrow());
      return new Sections(topo, bridge, view);
    }
  }

  /** Computes sections for one bridge and topology, with the helpers of the flow classes. */
  private static final class Sections {
    final OverlayTopology topo;
    final HostBridge bridge;
    final RecordingView view;
    final OptionalLong tunnel;
    final List<OverlayNetwork> networksOn;
    final Set<String> on = new HashSet<>();
    final Set<String> reachable = new HashSet<>();

    Sections(OverlayTopology topo, HostBridge bridge, RecordingView view) {
      this.topo = topo;
      this.bridge = bridge;
      this.view = view;
      this.tunnel = bridge.tunnelPort();
      this.networksOn = topo.networksOn(bridge.hostName());
      for (OverlayNetwork n : networksOn) {
        on.add(n.name());
        reachable.add(n.name());
        topo.routedPeers(n.name()).forEach(p -> reachable.add(p.name()));
      }
    }

    boolean reaches(OverlayEndpoint e) {
      return reachable.contains(e.network());
    }

    private boolean isPeer(OverlayNetwork from, OverlayNetwork n) {
      for (OverlayNetwork p : topo.routedPeers(from.name())) {
        if (p.name().equals(n.name())) {
          return true;
        }
      }
      return false;
    }

    /** A network the host has ports in: as {@link ClassifyFlows}, {@link RouterFlows}, {@link SwitchFlows}. */
    List<FlowEntry> network(OverlayNetwork n) {
      List<FlowEntry> out = new ArrayList<>();
      tunnel.ifPresent(t -> out.add(ClassifyFlows.tunnelVni(n, t)));
      if (n.gateway().isPresent()) {
        RouterFlows.gateway(n, topo.routedPeers(n.name()), out::add);
        out.add(RouterFlows.gatewayDrop(n));
      }
      SwitchFlows.flood(bridge, n, tunnel, out::add);
      return out;
    }

    /** An endpoint of a network the host reaches. */
    List<FlowEntry> endpoint(OverlayEndpoint e) {
      List<FlowEntry> out = new ArrayList<>();
      OverlayNetwork n = topo.network(e.network()).orElseThrow();
      if (bridge.isLocal(e)) {
        ClassifyFlows.localEndpoint(bridge, e, out::add);
      }
      if (on.contains(n.name())) {
        out.add(RouterFlows.arpResponder(n, e.ip(), e.mac().value()));
      }
      for (OverlayNetwork from : networksOn) {
        if (from.gateway().isPresent() && isPeer(from, n)) {
          out.add(RouterFlows.route(from, n, e));
        }
      }
      SwitchFlows.unicastEntry(bridge, n, e, tunnel).ifPresent(out::add);
      return out;
    }
  }

  private static long number(SwitchView sw, String port) {
    return sw.port(port).map(PortInfo::number).orElse(-1L);
  }

  /**
   * The bridge as the flow classes see it, remembering every port they look up; {@link #stale} when one has another
   * number than the sections computed before saw.
   */
  private static final class RecordingView implements SwitchView {
    private final SwitchView sw;
    private final Map<String, Long> seen;
    boolean stale;

    RecordingView(SwitchView sw, Map<String, Long> seen) {
      this.sw = sw;
      this.seen = seen;
    }

    @Override
    public long dpid() {
      return sw.dpid();
    }

    @Override
    public String name() {
      return sw.name();
    }

    @Override
    public String openFlowVersion() {
      return sw.openFlowVersion();
    }

    @Override
    public boolean multiTable() {
      return sw.multiTable();
    }

    @Override
    public Collection<PortInfo> ports() {
      return sw.ports();
    }

    @Override
    public Optional<PortInfo> port(String portName) {
      Optional<PortInfo> p = sw.port(portName);
      long number = p.map(PortInfo::number).orElse(-1L);
      Long before = seen.putIfAbsent(portName, number);
      if (before != null && before != number) {
        stale = true;
      }
      return p;
    }

    @Override
    public Optional<PortInfo> port(long number) {
      return sw.port(number);
    }
  }

  @Override
  public String toString() {
    return "DesiredFlowCache" + Objects.toString(bridges.keySet());
  }
}
