package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
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
 *       networks, unicast delivery (depend on that endpoint, and on which networks the host has ports in);</li>
 *   <li>its external section: the localnet networks' entries and the routers' external side ({@link LocalnetFlows},
 *       {@link ExternalFlows}; depend on the endpoints of its localnet networks and, on a router's gateway host, of
 *       the router's networks, and on the NAT rules and learned next hops, {@link ExternalState}).</li>
 * </ul>
 * So when endpoints change, a bridge whose set of networks stays the same recomputes the sections of those
 * endpoints and of their networks; one whose set of networks changes is recomputed whole (and compared whole).
 * The same entries as {@link OverlayFlows#compute}, which stays the reference: {@code IncrementalFlowsTest}
 * checks the two agree after every step of random changes.
 *
 * <p>A NAT rule added or removed, or a next hop learned, recomputes the external sections alone ({@link
 * #updateExternal}): on the routers' gateway hosts, the only bridges whose entries they shape.
 *
 * <p>The port numbers the sections used are remembered: a bridge whose ports moved is recomputed whole. Thread-safe;
 * every method holds this object's lock, so a bridge's entries and the topology they were computed from change
 * together.
 */
final class DesiredFlowCache {
  private final Map<Long, BridgeSections> bridges = new HashMap<>();
  private OverlayTopology current;
  private ExternalState state;

  DesiredFlowCache(OverlayTopology initial) {
    this.current = initial;
    this.state = ExternalState.of(initial.overlay());
  }

  /** What one bridge is to be sent: entries to add or replace, and entries to delete. */
  record Delta(List<FlowEntry> added, List<FlowEntry> removed) {
    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty();
    }

    /** This delta, then {@code next} (as the core applies them: removed by key, then added). */
    Delta then(Delta next) {
      Map<Key, FlowEntry> adds = new LinkedHashMap<>();
      added.forEach(e -> adds.put(Key.of(e), e));
      Map<Key, FlowEntry> removes = new LinkedHashMap<>();
      removed.forEach(e -> removes.put(Key.of(e), e));
      for (FlowEntry e : next.removed()) {
        adds.remove(Key.of(e));
        removes.put(Key.of(e), e);
      }
      for (FlowEntry e : next.added()) {
        adds.put(Key.of(e), e);
      }
      return new Delta(List.copyOf(adds.values()), List.copyOf(removes.values()));
    }
  }

  synchronized OverlayTopology topology() {
    return current;
  }

  /** The bridge's entries for the current topology: from the cache when its ports are as they were. */
  synchronized List<FlowEntry> desired(SwitchView sw) {
    BridgeSections b = bridges.get(sw.dpid());
    if (b == null || b.topology != current || b.state != state || !b.fits(sw)) {
      b = BridgeSections.build(current, state, sw);
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
  synchronized void reset(OverlayTopology next, ExternalState nextState) {
    bridges.clear();
    current = next;
    state = nextState;
  }

  /**
   * The topology is now {@code next}, which differs from the current one only in the endpoints named
   * {@code changed} (null: any may have), and the routers' NAT rules and next hops are {@code nextState}. Brings
   * every kept bridge up to date and returns, by dpid, what changed on it. {@code views} gives a bridge's view now
   * (empty: it is gone, and is forgotten).
   */
  synchronized Map<Long, Delta> update(OverlayTopology next, Collection<String> changed, ExternalState nextState,
      LongFunction<Optional<SwitchView>> views) {
    OverlayTopology before = current;
    current = next;
    Map<Long, Delta> out = new LinkedHashMap<>();
    if (before.overlay() != next.overlay() && !before.overlay().equals(next.overlay())) {
      bridges.clear();
      state = nextState;
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
    // a network's section on a bridge of another host depends on the changes only through the hosts it floods to
    Set<String> reflooded = new HashSet<>();
    for (String n : networks) {
      if (!before.hostsOf(n).equals(next.hostsOf(n))) {
        reflooded.add(n);
      }
    }
    for (BridgeSections b : List.copyOf(bridges.values())) {
      Optional<SwitchView> sw = views.apply(b.dpid);
      if (sw.isEmpty()) {
        bridges.remove(b.dpid);
        continue;
      }
      if (b.topology == before && b.unaffected(hostsOfChanges, networks)) {
        b.topology = next; // none of its sections depends on what changed
        continue;
      }
      Delta d = b.topology == before ? b.update(next, sw.get(), names, networks,
          hostsOfChanges.contains(b.host) ? networks : reflooded) : null;
      if (d == null) { // not incremental: the whole bridge, compared whole
        BridgeSections fresh = BridgeSections.build(next, state, sw.get());
        d = diff(b.all(), fresh.all());
        bridges.put(b.dpid, fresh);
      }
      if (!d.isEmpty()) {
        out.put(b.dpid, d);
      }
    }
    if (!nextState.equals(state)) { // a rebuild after a reload of NAT rules or next hops
      updateExternal(nextState, views).forEach((dpid, d) -> out.merge(dpid, d, Delta::then));
    }
    return out;
  }

  /**
   * The routers' NAT rules or learned next hops changed: the external sections are computed again (they alone
   * depend on them) and compared with the kept ones.
   */
  synchronized Map<Long, Delta> updateExternal(ExternalState nextState, LongFunction<Optional<SwitchView>> views) {
    state = nextState;
    Map<Long, Delta> out = new LinkedHashMap<>();
    for (BridgeSections b : List.copyOf(bridges.values())) {
      Optional<SwitchView> sw = views.apply(b.dpid);
      if (sw.isEmpty()) {
        bridges.remove(b.dpid);
        continue;
      }
      Delta d = b.topology == current ? b.updateExternal(nextState, sw.get()) : null;
      if (d == null) {
        BridgeSections fresh = BridgeSections.build(current, nextState, sw.get());
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

    @Override
    public boolean equals(Object o) { // written out: the generated one goes through method handles
      return this == o || o instanceof Key k && k.priority == priority && k.stage == stage && k.match.equals(match);
    }

    @Override
    public int hashCode() {
      return (31 * stage.ordinal() + priority) * 31 + match.hashCode();
    }
  }

  @Override
  public String toString() {
    return "DesiredFlowCache" + Objects.toString(bridges.keySet());
  }
}
