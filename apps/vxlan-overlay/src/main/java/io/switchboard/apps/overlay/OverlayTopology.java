package io.switchboard.apps.overlay;

import io.switchboard.config.Dpid;
import io.switchboard.config.OverlayConfig;
import io.switchboard.config.OverlayEndpoint;
import io.switchboard.config.OverlayEndpoints;
import io.switchboard.config.OverlayHost;
import io.switchboard.config.OverlayNetwork;
import io.switchboard.config.Result;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of the overlay: the config's hosts, networks and routers, and the endpoints in force —
 * those of the config file plus those added at run time that are still valid against it. Everything the flows
 * are computed from, except the ports a bridge really has.
 */
public final class OverlayTopology {
  private final OverlayConfig overlay;
  private final List<OverlayEndpoint> endpoints;
  private final Set<String> fromConfig;
  private final Map<String, RuntimeEndpoint> rejected;
  private final Map<String, String> rejectedReasons;
  private final Map<String, OverlayEndpoint> pending;

  private OverlayTopology(OverlayConfig overlay, List<OverlayEndpoint> endpoints, Set<String> fromConfig,
      Map<String, RuntimeEndpoint> rejected, Map<String, String> rejectedReasons,
      Map<String, OverlayEndpoint> pending) {
    this.overlay = overlay;
    this.endpoints = List.copyOf(endpoints);
    this.fromConfig = Set.copyOf(fromConfig);
    this.rejected = Map.copyOf(rejected);
    this.rejectedReasons = Map.copyOf(rejectedReasons);
    this.pending = Map.copyOf(pending);
  }

  public static OverlayTopology of(OverlayConfig overlay) {
    return of(overlay, Map.of());
  }

  public static OverlayTopology of(OverlayConfig overlay, Map<String, RuntimeEndpoint> runtime) {
    return of(overlay, runtime, Map.of());
  }

  /**
   * The config's endpoints, then the runtime ones in name order, each validated against what is already in:
   * a runtime endpoint that no longer fits (its network was removed, a config endpoint now uses its IP) is kept
   * aside as rejected, with the reason, and has no flows.
   */
  /**
   * As above; a dynamic endpoint is in force with its address from {@code assignments} ({@link Ipam}) when that
   * address is still valid (assignable in its network, used by no endpoint before it), else it waits in
   * {@link #pending} for the overlay app to allocate one. Static endpoints come first, so a config change that
   * gives a static endpoint a dynamic one's address moves the dynamic one.
   */
  static OverlayTopology of(OverlayConfig overlay, Map<String, RuntimeEndpoint> runtime,
      Map<String, Ipam.Assignment> assignments) {
    List<OverlayEndpoint> accepted = new ArrayList<>();
    Map<String, OverlayEndpoint> pending = new TreeMap<>();
    Set<String> fromConfig = new TreeSet<>();
    overlay.endpoints().forEach(e -> fromConfig.add(e.name()));
    overlay.endpoints().stream().filter(OverlayEndpoint::hasAddress).forEach(accepted::add);
    Map<String, RuntimeEndpoint> rejected = new TreeMap<>();
    Map<String, String> reasons = new TreeMap<>();
    List<OverlayEndpoint> runtimeChecked = new ArrayList<>();
    for (RuntimeEndpoint r : new TreeMap<>(runtime).values()) {
      List<OverlayEndpoint> existing = new ArrayList<>(accepted);
      existing.addAll(runtimeChecked);
      overlay.endpoints().stream().filter(e -> !e.hasAddress()).forEach(existing::add);
      Result<OverlayEndpoint> checked = OverlayEndpoints.parseEndpoint(r.toMap(), overlay, existing);
      if (checked.isOk()) {
        runtimeChecked.add(checked.value());
      } else {
        rejected.put(r.name(), r);
        reasons.put(r.name(), checked.errorText());
      }
    }
    runtimeChecked.stream().filter(OverlayEndpoint::hasAddress).forEach(accepted::add);
    List<OverlayEndpoint> dynamic = new ArrayList<>();
    overlay.endpoints().stream().filter(e -> !e.hasAddress()).forEach(dynamic::add);
    runtimeChecked.stream().filter(e -> !e.hasAddress()).forEach(dynamic::add);
    for (OverlayEndpoint e : dynamic) {
      OverlayNetwork n = overlay.network(e.network()).orElseThrow();
      Ipam.Assignment a = assignments.get(e.name());
      if (a == null || !a.network().equals(n.name()) || !n.assignable(a.ip())) {
        pending.put(e.name(), e);
        continue;
      }
      OverlayEndpoint resolved = e.withAddress(n, a.ip());
      boolean clash = accepted.stream().anyMatch(x -> x.network().equals(n.name())
          && (x.ip() == a.ip() || x.mac().equals(resolved.mac())));
      if (clash) {
        pending.put(e.name(), e);
      } else {
        accepted.add(resolved);
      }
    }
    return new OverlayTopology(overlay, accepted, fromConfig, rejected, reasons, pending);
  }

  /** Dynamic endpoints waiting for an address, by name. */
  public Map<String, OverlayEndpoint> pending() {
    return pending;
  }

  /** Addresses in a network that endpoints in force use. */
  Set<Integer> addressesIn(String network) {
    Set<Integer> out = new java.util.HashSet<>();
    endpoints.stream().filter(e -> e.network().equals(network)).forEach(e -> out.add(e.ip()));
    return out;
  }

  /** The endpoint in force on a host's port, if any. */
  public Optional<OverlayEndpoint> endpointAt(String host, String port) {
    return endpoints.stream().filter(e -> e.host().equals(host) && e.port().equals(port)).findFirst();
  }

  public OverlayConfig overlay() {
    return overlay;
  }

  /** The endpoints in force: the config's first, then the runtime ones by name. */
  public List<OverlayEndpoint> endpoints() {
    return endpoints;
  }

  public boolean isFromConfig(String endpoint) {
    return fromConfig.contains(endpoint);
  }

  /** Runtime endpoints that the current config does not accept, by name. */
  public Map<String, RuntimeEndpoint> rejected() {
    return rejected;
  }

  public String rejectedReason(String endpoint) {
    return rejectedReasons.get(endpoint);
  }

  public Optional<OverlayEndpoint> endpoint(String name) {
    return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  public Optional<OverlayNetwork> network(String name) {
    return overlay.network(name);
  }

  public Optional<OverlayHost> host(String name) {
    return overlay.host(name);
  }

  public Optional<OverlayNetwork> networkByVni(long vni) {
    return overlay.networks().stream().filter(n -> n.vni() == vni).findFirst();
  }

  /**
   * The overlay host whose bridge this switch is. Empty when none is, and also when several hosts name it (two
   * hosts that both say {@code bridge: br-int} cannot be told apart: name such bridges by dpid).
   */
  public Optional<OverlayHost> hostOf(SwitchView sw) {
    List<OverlayHost> matching = hostsNaming(sw);
    return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
  }

  public List<OverlayHost> hostsNaming(SwitchView sw) {
    return overlay.hosts().stream().filter(h -> isBridge(h.bridge(), sw)).toList();
  }

  /** Whether {@code bridge} (a name, or a dpid in any form the config accepts) is this switch. */
  public static boolean isBridge(String bridge, SwitchView sw) {
    OptionalLong dpid = Dpid.parse(bridge);
    return dpid.isPresent() ? dpid.getAsLong() == sw.dpid() : bridge.equals(sw.name());
  }

  /** Endpoints of a network, by name. */
  public List<OverlayEndpoint> endpointsIn(String network) {
    return endpoints.stream().filter(e -> e.network().equals(network))
        .sorted(Comparator.comparing(OverlayEndpoint::name)).toList();
  }

  /** Endpoints placed on a host, by name. */
  public List<OverlayEndpoint> endpointsOn(String host) {
    return endpoints.stream().filter(e -> e.host().equals(host))
        .sorted(Comparator.comparing(OverlayEndpoint::name)).toList();
  }

  /** The networks that have at least one endpoint on this host, by VNI: the host "has ports in" them. */
  public List<OverlayNetwork> networksOn(String host) {
    Set<String> names = new TreeSet<>();
    endpointsOn(host).forEach(e -> names.add(e.network()));
    return byVni(names);
  }

  /** The other networks of the router that joins this one (empty when no router does), by VNI. */
  public List<OverlayNetwork> routedPeers(String network) {
    Set<String> names = new TreeSet<>();
    overlay.routerOf(network).ifPresent(r -> names.addAll(r.networks()));
    names.remove(network);
    return byVni(names);
  }

  /**
   * The networks whose endpoints a host's bridge must be able to reach: those it has ports in, and those their
   * routers lead to (routing is done on the sending host, which then delivers in the destination network).
   */
  public List<OverlayNetwork> reachableFrom(String host) {
    Set<String> names = new TreeSet<>();
    for (OverlayNetwork n : networksOn(host)) {
      names.add(n.name());
      routedPeers(n.name()).forEach(p -> names.add(p.name()));
    }
    return byVni(names);
  }

  /** The other hosts that have endpoints in this network, by name. */
  public List<OverlayHost> remoteHostsOf(String network, String exceptHost) {
    Map<String, OverlayHost> out = new TreeMap<>();
    for (OverlayEndpoint e : endpointsIn(network)) {
      if (!e.host().equals(exceptHost)) {
        overlay.host(e.host()).ifPresent(h -> out.put(h.name(), h));
      }
    }
    return List.copyOf(out.values());
  }

  private List<OverlayNetwork> byVni(Set<String> names) {
    Map<Long, OverlayNetwork> out = new TreeMap<>();
    for (String n : names) {
      overlay.network(n).ifPresent(net -> out.put(net.vni(), net));
    }
    return List.copyOf(out.values());
  }

  /** For logs: how many of each thing. */
  public Map<String, Integer> counts() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("hosts", overlay.hosts().size());
    m.put("networks", overlay.networks().size());
    m.put("routers", overlay.routers().size());
    m.put("endpoints", endpoints.size());
    m.put("rejected", rejected.size());
    m.put("pending", pending.size());
    return m;
  }
}
