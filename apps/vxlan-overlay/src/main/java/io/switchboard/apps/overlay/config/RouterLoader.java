package io.switchboard.apps.overlay.config;

import io.switchboard.config.Errors;
import io.switchboard.config.IpRange;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.KeyPath;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.Values;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The overlay's {@code routers:} ({@link OverlayLoader} hands them over, after the hosts and networks they name):
 * the networks each joins, its {@code external} port with the NAT's conntrack zone, its static {@code routes} and
 * its {@code nat} rules ({@link OverlayNat}).
 */
final class RouterLoader {
  static final List<String> ROUTER_KEYS = List.of("name", "networks", "external", "routes", "nat");
  static final List<String> EXTERNAL_KEYS = List.of("network", "ip", "gateway", "host", "zone");

  private final Errors errors;
  private final List<OverlayHost> hosts;
  private final Set<String> brokenHosts;
  private final Set<String> brokenNetworks;
  private final Set<String> networkNames;
  /** The networks each router item lists, as written (for the acl app's routing domains). */
  private final List<List<String>> routerNetworkNames = new ArrayList<>();

  RouterLoader(Errors errors, List<OverlayHost> hosts, Set<String> brokenHosts, Set<String> brokenNetworks,
      Set<String> networkNames) {
    this.errors = errors;
    this.hosts = hosts;
    this.brokenHosts = brokenHosts;
    this.brokenNetworks = brokenNetworks;
    this.networkNames = networkNames;
  }

  List<OverlayRouter> routers(MapView overlay, List<OverlayNetwork> networks) {
    List<OverlayRouter> out = new ArrayList<>();
    Map<String, Integer> nameLines = new HashMap<>();
    Map<String, String> routerOfNetwork = new HashMap<>();
    Map<String, OverlayNetwork> byName = new LinkedHashMap<>();
    networks.forEach(n -> byName.put(n.name(), n));
    Map<String, String> routerOfExternal = new HashMap<>();
    Map<Integer, String> routerOfZone = new HashMap<>();
    List<Node> items = overlay.list("routers", "a list of routers");
    for (Node item : items) {
      if (item instanceof Node.Mapping mapping && mapping.entries().get("networks") != null
          && mapping.entries().get("networks").value() instanceof Node.Sequence seq) {
        routerNetworkNames.add(seq.items().stream().filter(x -> x instanceof Node.Scalar sc && !sc.isNull())
            .map(x -> ((Node.Scalar) x).text()).toList());
      }
    }
    for (int i = 0; i < items.size(); i++) {
      int before = errors.size();
      MapView r = MapView.of(items.get(i), KeyPath.index(overlay.pathOf("routers"), i), errors,
          "a router (a mapping with " + String.join(", ", ROUTER_KEYS) + ")", ROUTER_KEYS);
      if (!r.isMapping()) {
        if (Node.isAbsent(items.get(i))) {
          errors.add(items.get(i).line(), r.path(), "expected a router, got nothing");
        }
        continue;
      }
      Optional<String> name = r.required("name", Values.NAME, Values::name);
      name.ifPresent(x -> OverlayLoader.duplicate(r, "name", "router", x, nameLines));
      if (!r.has("networks")) {
        r.error("networks", "missing; expected a list of at least 2 network names");
        continue;
      }
      String listPath = r.pathOf("networks");
      List<Node> nodes = r.list("networks", "a list of network names like [net1, net2]");
      List<String> joined = new ArrayList<>();
      List<OverlayNetwork> joinedNetworks = new ArrayList<>();
      for (int j = 0; j < nodes.size(); j++) {
        Node item = nodes.get(j);
        String itemPath = KeyPath.index(listPath, j);
        Optional<String> net = MapView.scalar(item, itemPath, errors, "a network name", Values::name);
        if (net.isEmpty()) {
          continue;
        }
        String netName = net.get();
        if (byName.containsKey(netName) && byName.get(netName).isLocalnet()) {
          errors.add(item.line(), itemPath, "network '" + netName + "' is a localnet network; a router reaches a "
              + "physical network through external: {network: " + netName + ", ...}, not networks");
          continue;
        }
        if (joined.contains(netName)) {
          errors.add(item.line(), itemPath, "network '" + netName + "' is listed twice");
          continue;
        }
        joined.add(netName);
        OverlayNetwork network = byName.get(netName);
        if (network == null) {
          if (!brokenNetworks.contains(netName)) {
            errors.add(item.line(), itemPath, OverlayEndpoints.unknown("network", netName, networkNames));
          }
          continue;
        }
        String other = routerOfNetwork.putIfAbsent(netName, name.orElse("?"));
        if (other != null) {
          errors.add(item.line(), itemPath, "network '" + netName + "' is already joined to router '" + other
              + "'; a network joins at most one router");
        }
        if (network.gateway().isEmpty()) {
          errors.add(item.line(), itemPath, "network '" + netName
              + "' has no gateway; a network joined by a router needs one (gateway: an address in "
              + network.subnet() + ")");
        }
        for (OverlayNetwork earlier : joinedNetworks) {
          if (earlier.subnet().overlaps(network.subnet())) {
            errors.add(item.line(), itemPath, "network '" + netName + "' (" + network.subnet() + ") overlaps network '"
                + earlier.name() + "' (" + earlier.subnet() + "); overlapping subnets cannot be routed");
          }
        }
        joinedNetworks.add(network);
      }
      int least = r.has("external") ? 1 : 2;
      if (nodes.size() < least && r.node("networks") instanceof Node.Sequence) {
        r.error("networks", "a router joins at least " + least + " network" + (least == 1 ? "" : "s")
            + ", got " + nodes.size() + (least == 2 ? " (1 is enough for a router with an external)" : ""));
      }
      String routerName = name.orElse("?");
      Optional<RouterExternal> external = r.has("external")
          ? external(r, byName, routerName, networks, routerOfExternal, routerOfZone) : Optional.empty();
      List<StaticRoute> routes = staticRoutes(r, external);
      List<NatRule> nat = new ArrayList<>();
      List<Node> rules = r.list("nat", "a list of NAT rules like [{type: snat, logical-ip: 172.66.1.0/24, "
          + "external-ip: 192.168.66.45}]");
      if (!rules.isEmpty() && r.has("external") && external.isEmpty()) {
        rules = List.of(); // the external is broken (reported): its rules cannot be checked
      }
      for (int j = 0; j < rules.size(); j++) {
        OverlayNat.parse(rules.get(j), KeyPath.index(r.pathOf("nat"), j), errors, routerName, joinedNetworks,
            external, nat).ifPresent(nat::add);
      }
      if (errors.size() == before) {
        out.add(new OverlayRouter(name.orElseThrow(), joined, external, routes, nat));
      }
    }
    return out;
  }

  /**
   * {@code external: {network, ip, gateway, host, zone}}: a localnet network that no other router uses, the
   * router's address in it, the upstream gateway, a host that maps the network's physical network, and the NAT's
   * conntrack zone (default {@link #defaultNatZone}), which must differ from every zone the acl app gives overlay
   * networks (docs/apps/acl.md) and from other routers'.
   */
  private Optional<RouterExternal> external(MapView r, Map<String, OverlayNetwork> byName, String router,
      List<OverlayNetwork> networks, Map<String, String> routerOfExternal, Map<Integer, String> routerOfZone) {
    int before = errors.size();
    MapView x = MapView.of(r.node("external"), r.pathOf("external"), errors,
        "a router's external port (a mapping with " + String.join(", ", EXTERNAL_KEYS) + ")", EXTERNAL_KEYS);
    if (!x.isMapping()) {
      return Optional.empty();
    }
    Optional<String> netName = x.required("network", "a localnet network name", Values::name);
    Optional<OverlayNetwork> net = netName.map(byName::get);
    if (netName.isPresent() && net.isEmpty() && !brokenNetworks.contains(netName.get())) {
      x.error("network", OverlayEndpoints.unknown("network", netName.get(), networkNames));
    }
    net.ifPresent(n -> {
      if (!n.isLocalnet()) {
        x.error("network", "network '" + n.name() + "' is not a localnet network (type: localnet, "
            + "physical-network: ...); a router's external side is on a physical network");
      } else {
        String other = routerOfExternal.putIfAbsent(n.name(), router);
        if (other != null) {
          x.error("network", "network '" + n.name() + "' is already the external network of router '" + other
              + "'; each external network has one router");
        }
      }
    });
    // the address as written (host bits kept) and, when given, its prefix length
    Optional<long[]> ipAndLength = x.required("ip", "the router's address with the network's prefix length, like "
        + "192.168.66.45/23", t -> {
          Ipv4Prefix p = Ipv4Prefix.parse(t);
          int slash = t.indexOf('/');
          return new long[] {Ipv4.parse(slash < 0 ? t : t.substring(0, slash)), slash < 0 ? -1 : p.length()};
        });
    Optional<Integer> ipAddress = ipAndLength.map(v -> (int) v[0]);
    Optional<Integer> gateway = x.required("gateway", Ipv4.EXPECTED, Ipv4::parse);
    Optional<String> hostName = x.required("host", "an overlay host name", Values::name);
    Optional<Integer> zone = x.optional("zone", "a conntrack zone (1-65535)",
        t -> (int) Values.integer(t, 1, 65535, "a conntrack zone (1-65535)"));
    Optional<OverlayNetwork> localnet = net.filter(OverlayNetwork::isLocalnet);
    if (localnet.isPresent() && ipAddress.isPresent()) {
      Ipv4Prefix subnet = localnet.get().subnet();
      int a = ipAddress.get();
      Optional<String> unusable = localnet.get().unusable(a);
      if (unusable.isPresent()) {
        x.error("ip", unusable.get());
      } else if (ipAndLength.get()[1] >= 0 && ipAndLength.get()[1] != subnet.length()) {
        x.error("ip", "prefix length /" + ipAndLength.get()[1] + " differs from network " + localnet.get().name()
            + "'s subnet " + subnet);
      }
      gateway.ifPresent(g -> {
        if (!subnet.contains(g)) {
          x.error("gateway", "gateway " + Ipv4.format(g) + " is outside network " + localnet.get().name() + "'s "
              + "subnet " + subnet);
        } else if (g == a) {
          x.error("gateway", "gateway " + Ipv4.format(g) + " is the router's own address");
        }
      });
    }
    Optional<OverlayHost> host = hostName.flatMap(h -> hosts.stream().filter(o -> o.name().equals(h)).findFirst());
    if (hostName.isPresent() && host.isEmpty() && !brokenHosts.contains(hostName.get())) {
      x.error("host", OverlayEndpoints.unknown("host", hostName.get(), hosts.stream().map(OverlayHost::name)
          .toList()));
    }
    if (host.isPresent() && localnet.isPresent()) {
      String physnet = localnet.get().localnet().orElseThrow().physicalNetwork();
      if (!host.get().bridgeMappings().containsKey(physnet)) {
        x.error("host", "host " + host.get().name() + " has no bridge mapping for physical network '" + physnet
            + "' of network " + localnet.get().name() + " (add bridge-mappings: {" + physnet + ": BRIDGE})");
      }
    }
    int z = localnet.map(n -> zone.orElse(defaultNatZone(n.vni()))).orElse(0);
    if (localnet.isPresent()) {
      Map<Integer, String> aclZones = aclZones(networks);
      String why = zone.isPresent() ? "" : " (the default for VNI " + localnet.get().vni()
          + "; choose another with external.zone)";
      if (aclZones.containsKey(z)) {
        x.error(zone.isPresent() ? "zone" : "network", "NAT conntrack zone " + z + why
            + " is the acl app's zone of network " + aclZones.get(z) + "'s routing domain");
      }
      String other = routerOfZone.putIfAbsent(z, router);
      if (other != null) {
        x.error(zone.isPresent() ? "zone" : "network", "NAT conntrack zone " + z + why
            + " is already router '" + other + "'s");
      }
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new RouterExternal(netName.orElseThrow(), ipAddress.orElseThrow(),
        localnet.orElseThrow().subnet().length(), gateway.orElseThrow(), hostName.orElseThrow(), z));
  }

  /**
   * The default NAT zone of a router whose external network has VNI {@code vni}: {@code 0xE000 | (vni & 0xFFF)}
   * (57344-61439), below the acl app's per-bridge zones (61440-65535).
   */
  public static int defaultNatZone(long vni) {
    return 0xE000 | (int) (vni & 0xFFF);
  }

  /**
   * The zones the acl app gives overlay networks (docs/apps/acl.md, "Conntrack zones"): the lowest VNI of each
   * routing domain, folded into 1-65535; by zone, one network of the domain.
   */
  private Map<Integer, String> aclZones(List<OverlayNetwork> networks) {
    Map<String, String> parent = new HashMap<>();
    networks.forEach(n -> parent.put(n.name(), n.name()));
    for (List<String> joined : routerNetworkNames) {
      for (int i = 1; i < joined.size(); i++) {
        parent.put(root(parent, joined.get(i)), root(parent, joined.get(0)));
      }
    }
    Map<String, Long> lowest = new HashMap<>();
    Map<String, String> member = new HashMap<>();
    for (OverlayNetwork n : networks) {
      String root = root(parent, n.name());
      if (lowest.merge(root, n.vni(), Math::min) == n.vni()) {
        member.put(root, n.name());
      }
    }
    Map<Integer, String> out = new HashMap<>();
    lowest.forEach((root, vni) -> out.put((int) (1 + Math.floorMod(vni - 1, 65535L)), member.get(root)));
    return out;
  }

  private static String root(Map<String, String> parent, String n) {
    parent.putIfAbsent(n, n);
    while (!parent.get(n).equals(n)) {
      n = parent.get(n);
    }
    return n;
  }

  /** {@code routes: [{prefix, via}]}: next hops on the external network. */
  private List<StaticRoute> staticRoutes(MapView r, Optional<RouterExternal> external) {
    List<StaticRoute> out = new ArrayList<>();
    List<Node> items = r.list("routes", "a list of routes like [{prefix: 10.0.0.0/8, via: 192.168.66.254}]");
    if (!items.isEmpty() && !r.has("external")) {
      r.error("routes", "static routes lead to next hops on the router's external network; add external");
      return out;
    }
    Set<Ipv4Prefix> seen = new HashSet<>();
    for (int j = 0; j < items.size(); j++) {
      MapView m = MapView.of(items.get(j), KeyPath.index(r.pathOf("routes"), j), errors,
          "a route (a mapping with prefix, via)", List.of("prefix", "via"));
      if (!m.isMapping()) {
        if (Node.isAbsent(items.get(j))) {
          errors.add(items.get(j).line(), m.path(), "expected a route, got nothing");
        }
        continue;
      }
      Optional<Ipv4Prefix> prefix = m.required("prefix", NetworkLoader.ROUTE_PREFIX_EXPECTED, t -> {
        Ipv4Prefix p = Ipv4Prefix.parse(t);
        if (t.contains("/") && p.address() != Ipv4.parse(t.substring(0, t.indexOf('/')))) {
          throw Values.expected(NetworkLoader.ROUTE_PREFIX_EXPECTED, t, "host bits are set; did you mean " + p + "?");
        }
        return p;
      });
      Optional<Integer> via = m.required("via", Ipv4.EXPECTED, Ipv4::parse);
      if (prefix.isEmpty() || via.isEmpty() || external.isEmpty()) {
        continue;
      }
      if (!seen.add(prefix.get())) {
        m.error("prefix", "a route to " + prefix.get() + " is listed twice");
        continue;
      }
      RouterExternal x = external.get();
      if (!x.subnet().contains(via.get())) {
        m.error("via", "next hop " + Ipv4.format(via.get()) + " is not on the external network " + x.network()
            + " (" + x.subnet() + ")");
      } else if (via.get() == x.ip()) {
        m.error("via", "next hop " + Ipv4.format(via.get()) + " is the router's own address");
      } else {
        out.add(new StaticRoute(prefix.get(), via.get()));
      }
    }
    return out;
  }
}
