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
 * The overlay's {@code networks:} ({@link OverlayLoader} hands them over): names, VNIs, subnets and gateways,
 * {@code exclude-ips}, {@code dhcp} and {@code type: localnet}. Every name declared is kept (valid or not) for the
 * references of the sections parsed later; a broken network's name is remembered so that a reference to it is not
 * reported a second time.
 */
final class NetworkLoader {
  static final String VNI_EXPECTED = "a VNI (1-16777215)";
  static final String SUBNET_EXPECTED = "a subnet like 192.168.1.0/24";
  static final List<String> NETWORK_KEYS = List.of("name", "vni", "subnet", "gateway", "exclude-ips", "dhcp", "type",
      "physical-network", "vlan");
  static final List<String> DHCP_KEYS = List.of("enabled", "lease-time", "dns", "domain", "mtu", "routes");
  static final Duration MIN_LEASE = Duration.ofMinutes(1);
  static final Duration MAX_LEASE = Duration.ofDays(365);
  static final String LEASE_EXPECTED = "a lease time like 1h (a whole number of seconds, 1m to 8760h)";
  static final String MTU_EXPECTED = "an MTU (576-9000)";
  static final String DOMAIN_EXPECTED = "a domain name like example.internal";
  static final String ROUTE_PREFIX_EXPECTED = "a destination prefix like 10.0.0.0/8";

  private final Errors errors;
  private final Set<String> networkNames;
  private final Set<String> brokenNetworks;

  NetworkLoader(Errors errors, Set<String> networkNames, Set<String> brokenNetworks) {
    this.errors = errors;
    this.networkNames = networkNames;
    this.brokenNetworks = brokenNetworks;
  }

  List<OverlayNetwork> networks(MapView overlay) {
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
      name.ifPresent(x -> OverlayLoader.duplicate(n, "name", "network", x, nameLines));
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
}
