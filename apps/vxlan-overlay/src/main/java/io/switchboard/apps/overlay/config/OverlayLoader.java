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

/** The {@code overlay:} section: hosts, networks, routers, endpoints, and their cross-checks. */
final class OverlayLoader {

  static final List<String> KEYS = List.of("tunnel-port", "hosts", "networks", "routers", "endpoints");
  static final String VNI_EXPECTED = "a VNI (1-16777215)";
  static final String SUBNET_EXPECTED = "a subnet like 192.168.1.0/24";
  static final List<String> NETWORK_KEYS = List.of("name", "vni", "subnet", "gateway", "exclude-ips", "dhcp", "type",
      "physical-network", "vlan");
  static final List<String> HOST_KEYS = List.of("name", "bridge", "tunnel-ip", "bridge-mappings");
  static final List<String> ROUTER_KEYS = List.of("name", "networks", "external", "routes", "nat");
  static final List<String> EXTERNAL_KEYS = List.of("network", "ip", "gateway", "host", "zone");
  /** OpenFlow carries 15 characters of a port name; the patch port is "int-" + the physical bridge's name. */
  static final int MAX_PHYSICAL_BRIDGE = 15 - 4;
  static final List<String> DHCP_KEYS = List.of("enabled", "lease-time", "dns", "domain", "mtu", "routes");
  static final Duration MIN_LEASE = Duration.ofMinutes(1);
  static final Duration MAX_LEASE = Duration.ofDays(365);
  static final String LEASE_EXPECTED = "a lease time like 1h (a whole number of seconds, 1m to 8760h)";
  static final String MTU_EXPECTED = "an MTU (576-9000)";
  static final String DOMAIN_EXPECTED = "a domain name like example.internal";
  static final String ROUTE_PREFIX_EXPECTED = "a destination prefix like 10.0.0.0/8";

  /** The overlay, plus every declared network name (valid or not) for ACL references. */
  record Parsed(OverlayConfig overlay, Set<String> networkNames) {}

  private final Errors errors;
  private final Set<String> brokenHosts = new HashSet<>();
  private final Set<String> brokenNetworks = new HashSet<>();
  private final Set<String> networkNames = new LinkedHashSet<>();
  private List<OverlayHost> hosts = List.of();
  /** The networks each router item lists, as written (for the acl app's routing domains). */
  private final List<List<String>> routerNetworkNames = new ArrayList<>();

  private OverlayLoader(Errors errors) {
    this.errors = errors;
  }

  static Parsed parse(Node node, String path, Errors errors) {
    return new OverlayLoader(errors).parse(node, path);
  }

  private Parsed parse(Node node, String path) {
    MapView m = MapView.of(node, path, errors, "the overlay settings (a mapping with " + String.join(", ", KEYS) + ")",
        KEYS);
    String tunnelPort = m.optional("tunnel-port", "a port name", t -> Values.token(t, "a port name"))
        .orElse(OverlayConfig.DEFAULT_TUNNEL_PORT);
    List<OverlayHost> hosts = hosts(m);
    this.hosts = hosts;
    List<OverlayNetwork> networks = networks(m);
    List<OverlayRouter> routers = routers(m, networks);
    OverlayConfig withoutEndpoints = new OverlayConfig(tunnelPort, hosts, networks, routers, List.of());
    List<OverlayEndpoint> endpoints = new ArrayList<>();
    OverlayEndpoints.Taken taken = new OverlayEndpoints.Taken(List.of());
    List<Node> items = m.list("endpoints", "a list of endpoints");
    for (int i = 0; i < items.size(); i++) {
      OverlayEndpoints.parse(items.get(i), KeyPath.index(m.pathOf("endpoints"), i), errors, withoutEndpoints,
          taken, brokenNetworks, brokenHosts).ifPresent(e -> {
            endpoints.add(e);
            taken.add(e);
          });
    }
    return new Parsed(new OverlayConfig(tunnelPort, hosts, networks, routers, endpoints), networkNames);
  }

  private List<OverlayHost> hosts(MapView overlay) {
    List<OverlayHost> out = new ArrayList<>();
    Map<String, Integer> nameLines = new HashMap<>();
    Map<Integer, String> tunnelIps = new HashMap<>();
    List<Node> items = overlay.list("hosts", "a list of hosts");
    for (int i = 0; i < items.size(); i++) {
      int before = errors.size();
      MapView h = MapView.of(items.get(i), KeyPath.index(overlay.pathOf("hosts"), i), errors,
          "a host (a mapping with " + String.join(", ", HOST_KEYS) + ")", HOST_KEYS);
      if (!h.isMapping()) {
        if (Node.isAbsent(items.get(i))) {
          errors.add(items.get(i).line(), h.path(), "expected a host, got nothing");
        }
        continue;
      }
      Optional<String> name = h.required("name", Values.NAME, Values::name);
      Optional<String> bridge = h.required("bridge", "a bridge name or dpid", t -> Values.token(t, "a bridge name or dpid"));
      Optional<Integer> ip = h.required("tunnel-ip", Ipv4.EXPECTED, Ipv4::parse);
      name.ifPresent(n -> duplicate(h, "name", "host", n, nameLines));
      ip.ifPresent(a -> {
        String other = tunnelIps.putIfAbsent(a, name.orElse("?"));
        if (other != null) {
          h.error("tunnel-ip", "tunnel-ip " + Ipv4.format(a) + " is already used by host '" + other + "'");
        } else if (a == 0) {
          h.error("tunnel-ip", "expected a host's tunnel address, got \"0.0.0.0\"");
        }
      });
      Map<String, String> mappings = bridgeMappings(h);
      if (errors.size() != before) {
        name.ifPresent(brokenHosts::add);
        continue;
      }
      out.add(new OverlayHost(name.orElseThrow(), bridge.orElseThrow(), ip.orElseThrow(), mappings));
    }
    return out;
  }

  /** {@code bridge-mappings: {wanNet: br-eth}}: physical network name -> the host's physical bridge. */
  private Map<String, String> bridgeMappings(MapView h) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!h.has("bridge-mappings")) {
      return out;
    }
    Node node = h.node("bridge-mappings");
    String base = h.pathOf("bridge-mappings");
    if (!(node instanceof Node.Mapping mapping)) {
      h.error("bridge-mappings", "expected bridge mappings (physical network name: bridge name, like "
          + "{wanNet: br-eth}), got " + Node.describe(node));
      return out;
    }
    Map<String, String> bridges = new HashMap<>();
    for (Node.Entry e : mapping.entries().values()) {
      String physnet = e.key();
      String path = KeyPath.key(base, physnet);
      int line = e.value() != null && e.value().line() > 0 ? e.value().line() : e.keyLine();
      if (!physnet.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        errors.add(e.keyLine(), path, "expected a physical network name (letters, digits, '.', '_', '-'), got "
            + Values.quote(physnet));
        continue;
      }
      Optional<String> bridge = MapView.scalar(e.value(), path, errors, "a bridge name",
          t -> Values.token(t, "a bridge name"));
      if (bridge.isEmpty()) {
        continue;
      }
      String b = bridge.get();
      if (b.length() > MAX_PHYSICAL_BRIDGE) {
        errors.add(line, path, "bridge name '" + b + "' is too long: the integration bridge's patch port to it, "
            + OverlayHost.patchPort(b) + ", must fit OpenFlow's 15-character port names (at most "
            + MAX_PHYSICAL_BRIDGE + " characters)");
        continue;
      }
      String other = bridges.putIfAbsent(b, physnet);
      if (other != null) {
        errors.add(line, path, "bridge " + b + " is already mapped to physical network '" + other + "'");
        continue;
      }
      out.put(physnet, b);
    }
    return out;
  }

  private List<OverlayNetwork> networks(MapView overlay) {
    List<OverlayNetwork> out = new ArrayList<>();
    Map<String, Integer> nameLines = new HashMap<>();
    Map<Long, String> vnis = new HashMap<>();
    List<Node> items = overlay.list("networks", "a list of networks");
    for (int i = 0; i < items.size(); i++) {
      int before = errors.size();
      MapView n = MapView.of(items.get(i), KeyPath.index(overlay.pathOf("networks"), i), errors,
          "a network (a mapping with " + String.join(", ", NETWORK_KEYS) + ")", NETWORK_KEYS);
      if (!n.isMapping()) {
        if (Node.isAbsent(items.get(i))) {
          errors.add(items.get(i).line(), n.path(), "expected a network, got nothing");
        }
        continue;
      }
      Optional<String> name = n.required("name", Values.NAME, Values::name);
      Optional<Long> vni = n.required("vni", VNI_EXPECTED, t -> Values.integer(t, 1, OverlayNetwork.MAX_VNI, VNI_EXPECTED));
      Optional<Ipv4Prefix> subnet = n.required("subnet", SUBNET_EXPECTED, t -> {
        if (!t.contains("/")) {
          throw Values.expected(SUBNET_EXPECTED, t, "no prefix length");
        }
        return Ipv4Prefix.parse(t);
      });
      Optional<Integer> gateway = n.optional("gateway", Ipv4.EXPECTED, Ipv4::parse);
      name.ifPresent(networkNames::add);
      name.ifPresent(x -> duplicate(n, "name", "network", x, nameLines));
      vni.ifPresent(v -> {
        String other = vnis.putIfAbsent(v, name.orElse("?"));
        if (other != null) {
          n.error("vni", "VNI " + v + " is already used by network '" + other + "'");
        }
      });
      if (subnet.isPresent() && gateway.isPresent()) {
        Ipv4Prefix s = subnet.get();
        int g = gateway.get();
        if (!s.contains(g)) {
          n.error("gateway", "gateway " + Ipv4.format(g) + " is outside the subnet " + s);
        } else if (s.length() <= 30 && (g == s.address() || g == s.lastAddress())) {
          n.error("gateway", "gateway " + Ipv4.format(g) + " is the " + (g == s.address() ? "network" : "broadcast")
              + " address of " + s);
        }
      }
      List<IpRange> exclude = excludeIps(n, subnet);
      Optional<DhcpSettings> dhcp = n.has("dhcp") ? dhcp(n, subnet, gateway) : Optional.empty();
      Optional<Localnet> localnet = localnet(n);
      if (errors.size() != before) {
        name.ifPresent(brokenNetworks::add);
        continue;
      }
      out.add(new OverlayNetwork(name.orElseThrow(), vni.orElseThrow(), subnet.orElseThrow(),
          gateway.map(OptionalInt::of).orElse(OptionalInt.empty()), exclude, dhcp, localnet));
    }
    return out;
  }

  /**
   * {@code type: localnet} with {@code physical-network} and an optional {@code vlan}; such a network has no
   * gateway nor DHCP of its own (its router is on the physical network; a logical router reaches it through
   * {@code routers[].external}).
   */
  private Optional<Localnet> localnet(MapView n) {
    String type = n.optional("type", "overlay or localnet", t -> {
      if (!t.equals("overlay") && !t.equals("localnet")) {
        throw Values.expected("overlay or localnet", t);
      }
      return t;
    }).orElse("overlay");
    if (!type.equals("localnet")) {
      for (String key : List.of("physical-network", "vlan")) {
        if (n.has(key)) {
          n.error(key, "only a localnet network has " + key + " (add type: localnet)");
        }
      }
      return Optional.empty();
    }
    Optional<String> physnet = n.required("physical-network", "a physical network name (as in the hosts' "
        + "bridge-mappings)", Values::name);
    Optional<Long> vlan = n.optional("vlan", "a VLAN id (1-4094)", t -> Values.integer(t, 1, 4094,
        "a VLAN id (1-4094)"));
    for (String key : List.of("gateway", "dhcp")) {
      if (n.has(key)) {
        n.error(key, "a localnet network has no " + key + " of its own: its router is on the physical network "
            + "(a logical router reaches it through routers[].external)");
      }
    }
    return physnet.map(p -> new Localnet(p, vlan.map(v -> OptionalInt.of((int) (long) v))
        .orElse(OptionalInt.empty())));
  }

  /** {@code exclude-ips}: addresses and ranges, each inside the subnet. */
  private List<IpRange> excludeIps(MapView n, Optional<Ipv4Prefix> subnet) {
    List<IpRange> out = new ArrayList<>();
    List<Node> items = n.list("exclude-ips", "a list of addresses and ranges like [192.168.1.2, 192.168.1.10..192.168.1.20]");
    for (int j = 0; j < items.size(); j++) {
      String itemPath = KeyPath.index(n.pathOf("exclude-ips"), j);
      Node item = items.get(j);
      MapView.scalar(item, itemPath, errors, IpRange.EXPECTED, IpRange::parse).ifPresent(r -> {
        if (subnet.isPresent() && !(subnet.get().contains(r.first()) && subnet.get().contains(r.last()))) {
          errors.add(item.line(), itemPath, r + " is not inside the subnet " + subnet.get());
        } else {
          out.add(r);
        }
      });
    }
    return out;
  }

  /** {@code dhcp}: on unless {@code enabled: false}; needs a gateway (server id and router). */
  private Optional<DhcpSettings> dhcp(MapView network, Optional<Ipv4Prefix> subnet, Optional<Integer> gateway) {
    int before = errors.size();
    MapView d = MapView.of(network.node("dhcp"), network.pathOf("dhcp"), errors,
        "the network's DHCP settings (a mapping with " + String.join(", ", DHCP_KEYS) + ")", DHCP_KEYS);
    if (!d.isMapping()) {
      return Optional.empty();
    }
    boolean enabled = d.bool("enabled").orElse(true);
    Duration lease = d.optional("lease-time", LEASE_EXPECTED,
        t -> Values.duration(t, MIN_LEASE, MAX_LEASE, true)).orElse(DhcpSettings.DEFAULT_LEASE_TIME);
    List<Integer> dns = d.scalars("dns", "a list of name server addresses", Ipv4.EXPECTED, Ipv4::parse);
    Optional<String> domain = d.optional("domain", DOMAIN_EXPECTED, t -> {
      if (!t.matches("(?i)[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*\\.?") || t.length() > 253) {
        throw Values.expected(DOMAIN_EXPECTED, t);
      }
      return t;
    });
    int mtu = d.optional("mtu", MTU_EXPECTED, t -> (int) Values.integer(t, 576, 9000, MTU_EXPECTED))
        .orElse(DhcpSettings.DEFAULT_MTU);
    List<DhcpSettings.Route> routes = routes(d, subnet, gateway);
    if (enabled && gateway.isEmpty() && subnet.isPresent()) {
      network.error("dhcp", "DHCP needs the network's gateway (the server's address and the clients' router); "
          + "add gateway: an address in " + subnet.get());
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new DhcpSettings(enabled, lease, dns, domain, mtu, routes));
  }

  private List<DhcpSettings.Route> routes(MapView d, Optional<Ipv4Prefix> subnet, Optional<Integer> gateway) {
    List<DhcpSettings.Route> out = new ArrayList<>();
    List<Node> items = d.list("routes", "a list of routes like [{prefix: 10.0.0.0/8, via: 192.168.1.254}]");
    Set<Ipv4Prefix> seen = new HashSet<>();
    for (int j = 0; j < items.size(); j++) {
      MapView r = MapView.of(items.get(j), KeyPath.index(d.pathOf("routes"), j), errors,
          "a route (a mapping with prefix, via)", List.of("prefix", "via"));
      if (!r.isMapping()) {
        if (Node.isAbsent(items.get(j))) {
          errors.add(items.get(j).line(), r.path(), "expected a route, got nothing");
        }
        continue;
      }
      Optional<Ipv4Prefix> prefix = r.required("prefix", ROUTE_PREFIX_EXPECTED, t -> {
        if (!t.contains("/")) {
          throw Values.expected(ROUTE_PREFIX_EXPECTED, t, "no prefix length");
        }
        Ipv4Prefix p = Ipv4Prefix.parse(t);
        if (p.address() != Ipv4.parse(t.substring(0, t.indexOf('/')))) {
          throw Values.expected(ROUTE_PREFIX_EXPECTED, t, "host bits are set; did you mean " + p + "?");
        }
        return p;
      });
      Optional<Integer> via = r.required("via", Ipv4.EXPECTED, Ipv4::parse);
      if (prefix.isEmpty() || via.isEmpty()) {
        continue;
      }
      Ipv4Prefix p = prefix.get();
      int v = via.get();
      if (subnet.isPresent() && p.length() > 0 && p.overlaps(subnet.get())
          && p.length() >= subnet.get().length()) {
        r.error("prefix", p + " is inside the network's own subnet " + subnet.get()
            + ", which the clients reach directly");
      } else if (!seen.add(p)) {
        r.error("prefix", "a route to " + p + " is listed twice");
      }
      if (subnet.isPresent() && !subnet.get().contains(v)) {
        r.error("via", "next hop " + Ipv4.format(v) + " is not in the subnet " + subnet.get()
            + "; a route's via must be reachable directly");
      } else if (subnet.isPresent() && subnet.get().length() <= 30
          && (v == subnet.get().address() || v == subnet.get().lastAddress())) {
        r.error("via", "next hop " + Ipv4.format(v) + " is the " + (v == subnet.get().address() ? "network"
            : "broadcast") + " address of " + subnet.get());
      } else {
        out.add(new DhcpSettings.Route(p, v));
      }
    }
    return out;
  }

  private List<OverlayRouter> routers(MapView overlay, List<OverlayNetwork> networks) {
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
      name.ifPresent(x -> duplicate(r, "name", "router", x, nameLines));
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
      Optional<Ipv4Prefix> prefix = m.required("prefix", ROUTE_PREFIX_EXPECTED, t -> {
        Ipv4Prefix p = Ipv4Prefix.parse(t);
        if (t.contains("/") && p.address() != Ipv4.parse(t.substring(0, t.indexOf('/')))) {
          throw Values.expected(ROUTE_PREFIX_EXPECTED, t, "host bits are set; did you mean " + p + "?");
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

  /** Reports a second definition of a name, naming the line of the first. */
  private void duplicate(MapView view, String key, String kind, String name, Map<String, Integer> firstLines) {
    Integer first = firstLines.putIfAbsent(name, view.lineOf(key));
    if (first != null) {
      view.error(key, "duplicate " + kind + " name '" + name + "'" + (first > 0 ? " (first defined at line " + first + ")" : ""));
    }
  }
}
