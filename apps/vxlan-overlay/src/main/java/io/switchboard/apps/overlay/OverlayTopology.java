package io.switchboard.apps.overlay;

import io.switchboard.config.Dpid;
import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayEndpoints;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.config.Result;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
  /** Lookups by name, network, host and port (the config's, and the endpoints in force). */
  private final TopologyIndex index;
  /** The runtime endpoints and the address assignments this snapshot was built from (to tell what changed). */
  private final LayeredMap<RuntimeEndpoint> runtime;
  private final LayeredMap<Ipam.Assignment> assignments;
  /**
   * What the endpoints in force use (names, MACs, IPs, ports), for validating a new one: built on first use, and
   * handed on to the next snapshot by {@link #withRuntime} (which then leaves this one without).
   */
  private volatile OverlayEndpoints.Taken taken;
  /** How many of {@link #endpoints} are config static, runtime static, config dynamic, runtime dynamic, in order. */
  private final int[] segments;

  OverlayTopology(OverlayConfig overlay, List<OverlayEndpoint> endpoints, Set<String> fromConfig,
      Map<String, RuntimeEndpoint> rejected, Map<String, String> rejectedReasons,
      Map<String, OverlayEndpoint> pending, TopologyIndex index, LayeredMap<RuntimeEndpoint> runtime,
      LayeredMap<Ipam.Assignment> assignments, int[] segments, OverlayEndpoints.Taken taken) {
    this.segments = segments;
    this.taken = taken;
    this.overlay = overlay;
    this.endpoints = endpoints; // unmodifiable and unshared, as both callers make it: no copy per change
    this.fromConfig = Set.copyOf(fromConfig);
    this.rejected = Map.copyOf(rejected);
    this.rejectedReasons = Map.copyOf(rejectedReasons);
    this.pending = Map.copyOf(pending);
    this.index = index;
    this.runtime = runtime;
    this.assignments = assignments;
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
   *
   * <p>Linear in the number of endpoints: one set of what is taken grows as endpoints are accepted.
   */
  static OverlayTopology of(OverlayConfig overlay, Map<String, RuntimeEndpoint> runtime,
      Map<String, Ipam.Assignment> assignments) {
    return EndpointAdmission.admit(overlay, runtime, assignments);
  }

  /**
   * This topology with runtime endpoint {@code name} now {@code input} (null: removed) and its address
   * {@code assignment} (null: none), computed from this one in time independent of the number of endpoints where
   * the answer is sure to equal {@link #of}'s from scratch: nothing is rejected or pending before or after, and
   * the endpoint is added cleanly (valid against every endpoint in force, its address clashing with none) or
   * removed. Empty otherwise: then build from scratch.
   */
  Optional<OverlayTopology> withRuntime(String name, RuntimeEndpoint input, Ipam.Assignment assignment) {
    if (!rejected.isEmpty() || !pending.isEmpty() || fromConfig.contains(name)
        || input != null && !input.name().equals(name)) {
      return Optional.empty();
    }
    LayeredMap<Ipam.Assignment> used = assignments.with(name, assignment);
    OverlayEndpoints.Taken inForce = taken(); // handed on: this snapshot is superseded
    taken = null;
    List<OverlayEndpoint> list = new ArrayList<>(endpoints.size() + 1);
    list.addAll(endpoints);
    int[] sizes = segments.clone();
    TopologyIndex idx = index;
    LayeredMap<RuntimeEndpoint> inputs = runtime;
    if (runtime.get(name) != null) {
      inputs = inputs.with(name, null);
      OverlayEndpoint old = index.endpoint(name).orElseThrow();
      list.remove(position(list, sizes, old));
      sizes[rank(old, fromConfig)]--;
      idx = idx.with(old, null);
      inForce.remove(old);
    }
    if (input == null) {
      return Optional.of(new OverlayTopology(overlay, Collections.unmodifiableList(list), fromConfig, rejected,
          rejectedReasons, pending, idx, inputs, used, sizes, inForce));
    }
    Result<OverlayEndpoint> checked = OverlayEndpoints.parseEndpoint(input.toMap(), overlay, inForce);
    if (!checked.isOk()) {
      return Optional.empty(); // rejected: from scratch, for the reasons
    }
    OverlayEndpoint e = checked.value();
    if (!e.hasAddress()) {
      OverlayNetwork n = index.config().network(e.network()).orElseThrow();
      if (assignment == null || !assignment.network().equals(n.name()) || !n.assignable(assignment.ip())) {
        return Optional.empty(); // pending: the app allocates, from scratch
      }
      e = e.withAddress(n, assignment.ip());
      if (inForce.usesIp(n.name(), e.ip()) || inForce.usesMac(n.name(), e.mac())) {
        return Optional.empty();
      }
    }
    int at = position(list, sizes, e);
    list.add(at < 0 ? -at - 1 : at, e);
    sizes[rank(e, fromConfig)]++;
    inForce.add(e);
    inputs = inputs.with(name, input);
    return Optional.of(new OverlayTopology(overlay, Collections.unmodifiableList(list), fromConfig, rejected,
        rejectedReasons, pending, idx.with(null, e), inputs, used, sizes, inForce));
  }

  /**
   * Where a runtime endpoint is (or, as {@code -(insertion point) - 1}, would be) in the list: its segment is in
   * name order, so a binary search.
   */
  private int position(List<OverlayEndpoint> list, int[] sizes, OverlayEndpoint e) {
    int rank = rank(e, fromConfig);
    int from = 0;
    for (int r = 0; r < rank; r++) {
      from += sizes[r];
    }
    int lo = from;
    int hi = from + sizes[rank] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = list.get(mid).name().compareTo(e.name());
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  /** Where {@link #of} lists an endpoint: the config's static ones, runtime static, config dynamic, runtime dynamic. */
  static int rank(OverlayEndpoint e, Set<String> fromConfig) {
    return (e.dynamicIp() ? 2 : 0) + (fromConfig.contains(e.name()) ? 0 : 1);
  }

  /** The runtime endpoint of that name this snapshot was built from, or null. */
  RuntimeEndpoint runtimeInput(String name) {
    return runtime.get(name);
  }

  /** The address assignment of that name this snapshot was built from, or null. */
  Ipam.Assignment assignmentInput(String name) {
    return assignments.get(name);
  }

  /** What the endpoints in force use: a new endpoint valid against it clashes with none of them. */
  OverlayEndpoints.Taken taken() {
    OverlayEndpoints.Taken t = taken;
    if (t == null) {
      t = new OverlayEndpoints.Taken(endpoints);
      taken = t;
    }
    return t;
  }

  TopologyIndex index() {
    return index;
  }

  /** Dynamic endpoints waiting for an address, by name. */
  public Map<String, OverlayEndpoint> pending() {
    return pending;
  }

  /** Addresses in a network that endpoints in force use. */
  Set<Integer> addressesIn(String network) {
    Set<Integer> out = new HashSet<>();
    index.inNetwork(network).forEach(e -> out.add(e.ip()));
    return out;
  }

  /** The endpoint in force on a host's port, if any. */
  public Optional<OverlayEndpoint> endpointAt(String host, String port) {
    return index.onHost(host).stream().filter(e -> e.port().equals(port)).findFirst();
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
    return index.endpoint(name);
  }

  public Optional<OverlayNetwork> network(String name) {
    return index.config().network(name);
  }

  public Optional<OverlayHost> host(String name) {
    return index.config().host(name);
  }

  public Optional<OverlayNetwork> networkByVni(long vni) {
    return index.config().networkByVni(vni);
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
    return index.config().hostsNaming(sw);
  }

  /** Whether {@code bridge} (a name, or a dpid in any form the config accepts) is this switch. */
  public static boolean isBridge(String bridge, SwitchView sw) {
    OptionalLong dpid = Dpid.parse(bridge);
    return dpid.isPresent() ? dpid.getAsLong() == sw.dpid() : bridge.equals(sw.name());
  }

  /** Endpoints of a network, by name. */
  public List<OverlayEndpoint> endpointsIn(String network) {
    return index.inNetwork(network);
  }

  /** Endpoints placed on a host, by name. */
  public List<OverlayEndpoint> endpointsOn(String host) {
    return index.onHost(host);
  }

  /** The networks that have at least one endpoint on this host, by VNI: the host "has ports in" them. */
  public List<OverlayNetwork> networksOn(String host) {
    return index.networksOn(host);
  }

  /** The other networks of the router that joins this one (empty when no router does), by VNI. */
  public List<OverlayNetwork> routedPeers(String network) {
    return index.config().routedPeers(network);
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

  /** The hosts with endpoints of a network, in name order: whom its flooding reaches through the tunnel. */
  public List<OverlayHost> hostsOf(String network) {
    return networkHosts(network).hosts();
  }

  /** The other hosts that have endpoints in this network, by name. */
  public List<OverlayHost> remoteHostsOf(String network, String exceptHost) {
    List<OverlayHost> all = hostsOf(network);
    List<OverlayHost> out = new ArrayList<>(all.size());
    for (OverlayHost h : all) {
      if (!h.name().equals(exceptHost)) {
        out.add(h);
      }
    }
    return out;
  }

  /** Endpoints of a network placed on a host, by name. */
  public List<OverlayEndpoint> endpointsIn(String network, String host) {
    return networkHosts(network).byHost().getOrDefault(host, List.of());
  }

  /** A network's endpoints by host (each list by name), and the config hosts they are on (by name). */
  private record NetworkHosts(Map<String, List<OverlayEndpoint>> byHost, List<OverlayHost> hosts) {}

  /**
   * Per network, built on first use in this snapshot: a change makes every bridge that reaches the endpoint's
   * network compute its flooding entries, each needing the network's hosts and its own endpoints there; grouped
   * once, not one pass over the network's endpoints per bridge. Bounded by the config's networks.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, NetworkHosts> networkHosts =
      new java.util.concurrent.ConcurrentHashMap<>();

  private NetworkHosts networkHosts(String network) {
    NetworkHosts nh = networkHosts.get(network);
    if (nh != null) {
      return nh;
    }
    Map<String, List<OverlayEndpoint>> byHost = new HashMap<>();
    Map<String, OverlayHost> hosts = new TreeMap<>();
    for (OverlayEndpoint e : endpointsIn(network)) {
      byHost.computeIfAbsent(e.host(), h -> new ArrayList<>()).add(e);
      if (!hosts.containsKey(e.host())) {
        host(e.host()).ifPresent(h -> hosts.put(h.name(), h));
      }
    }
    nh = new NetworkHosts(byHost, List.copyOf(hosts.values()));
    NetworkHosts raced = networkHosts.putIfAbsent(network, nh);
    return raced != null ? raced : nh;
  }

  private List<OverlayNetwork> byVni(Set<String> names) {
    Map<Long, OverlayNetwork> out = new TreeMap<>();
    for (String n : names) {
      network(n).ifPresent(net -> out.put(net.vni(), net));
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
