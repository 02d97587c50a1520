package io.switchboard.config;

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
  static final List<String> NETWORK_KEYS = List.of("name", "vni", "subnet", "gateway", "exclude-ips", "dhcp");
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
          "a host (a mapping with name, bridge, tunnel-ip)", List.of("name", "bridge", "tunnel-ip"));
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
      if (errors.size() != before) {
        name.ifPresent(brokenHosts::add);
        continue;
      }
      out.add(new OverlayHost(name.orElseThrow(), bridge.orElseThrow(), ip.orElseThrow()));
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
          "a network (a mapping with name, vni, subnet, gateway, exclude-ips, dhcp)", NETWORK_KEYS);
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
      if (errors.size() != before) {
        name.ifPresent(brokenNetworks::add);
        continue;
      }
      out.add(new OverlayNetwork(name.orElseThrow(), vni.orElseThrow(), subnet.orElseThrow(),
          gateway.map(OptionalInt::of).orElse(OptionalInt.empty()), exclude, dhcp));
    }
    return out;
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
    List<Node> items = overlay.list("routers", "a list of routers");
    for (int i = 0; i < items.size(); i++) {
      int before = errors.size();
      MapView r = MapView.of(items.get(i), KeyPath.index(overlay.pathOf("routers"), i), errors,
          "a router (a mapping with name, networks)", List.of("name", "networks"));
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
      if (nodes.size() < 2 && r.node("networks") instanceof Node.Sequence) {
        r.error("networks", "a router joins at least 2 networks, got " + nodes.size());
      }
      if (errors.size() == before) {
        out.add(new OverlayRouter(name.orElseThrow(), joined));
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
