package io.switchboard.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parsing and validation of overlay endpoints — one implementation for the config file and
 * for {@code POST /api/v1/overlay/endpoints}.
 */
public final class OverlayEndpoints {

  static final List<String> KEYS = List.of("name", "network", "host", "port", "mac", "ip");
  static final String ENDPOINT_EXPECTED = "an overlay endpoint (a mapping with " + String.join(", ", KEYS) + ")";

  private OverlayEndpoints() {}

  /**
   * Parses one endpoint from a JSON body and validates it against the overlay: its network and
   * host exist, its IP is inside the network's subnet and is not the gateway, and its name,
   * its IP and MAC within the network, and its host port are not already used by {@code existing}.
   *
   * @param existing the endpoints it must not clash with (usually the current ones)
   * @return the endpoint, or errors whose paths are relative to the body ({@code ip}, {@code network})
   */
  public static Result<OverlayEndpoint> parseEndpoint(Map<String, ?> body, OverlayConfig overlay,
      Collection<OverlayEndpoint> existing) {
    Errors errors = new Errors(null);
    Optional<OverlayEndpoint> e = parse(Node.fromJava(body), "", errors, overlay, new Taken(existing), Set.of(),
        Set.of());
    return errors.isEmpty() ? Result.ok(e.orElseThrow()) : Result.failed(errors.list());
  }

  /**
   * What accepted endpoints use and a new one must not: names, MACs and IPs within a network, ports of a host.
   * One lookup per check, so that a config of many endpoints validates in linear time.
   */
  static final class Taken {
    private final Map<String, OverlayEndpoint> names = new HashMap<>();
    private final Map<List<Object>, OverlayEndpoint> macs = new HashMap<>();
    private final Map<List<Object>, OverlayEndpoint> ips = new HashMap<>();
    private final Map<List<Object>, OverlayEndpoint> ports = new HashMap<>();

    Taken(Collection<OverlayEndpoint> endpoints) {
      endpoints.forEach(this::add);
    }

    /** The first endpoint to use a name, MAC, IP or port stays the one reported. */
    void add(OverlayEndpoint e) {
      names.putIfAbsent(e.name(), e);
      macs.putIfAbsent(List.of(e.network(), e.mac()), e);
      ips.putIfAbsent(List.of(e.network(), e.ip()), e);
      ports.putIfAbsent(List.of(e.host(), e.port()), e);
    }
  }

  /**
   * @param brokenNetworks names of networks that are declared but invalid (already reported):
   *                       references to them are not reported again
   * @param brokenHosts    the same for hosts
   */
  static Optional<OverlayEndpoint> parse(Node node, String path, Errors errors, OverlayConfig overlay,
      Taken existing, Set<String> brokenNetworks, Set<String> brokenHosts) {
    if (Node.isAbsent(node)) {
      errors.add(node == null ? 0 : node.line(), path, "expected " + ENDPOINT_EXPECTED + ", got nothing");
      return Optional.empty();
    }
    int before = errors.size();
    MapView m = MapView.of(node, path, errors, ENDPOINT_EXPECTED, KEYS);
    if (!m.isMapping()) {
      return Optional.empty();
    }
    Optional<String> name = m.required("name", Values.NAME, Values::name);
    Optional<String> networkName = m.required("network", "an overlay network name", Values::name);
    Optional<String> hostName = m.required("host", "an overlay host name", Values::name);
    Optional<String> port = m.required("port", "the port's name on the host's bridge",
        t -> Values.token(t, "a port name"));
    Optional<MacAddress> mac = m.required("mac", MacAddress.EXPECTED, MacAddress::parse);
    Optional<Integer> ip = m.required("ip", Ipv4.EXPECTED, Ipv4::parse);

    name.ifPresent(n -> {
      if (existing.names.containsKey(n)) {
        m.error("name", "an endpoint named '" + n + "' already exists");
      }
    });
    mac.ifPresent(a -> {
      if (a.isMulticast()) {
        m.error("mac", "expected a unicast MAC address, got \"" + a + "\" (the multicast bit is set)");
      } else if (a.isZero()) {
        m.error("mac", "expected a unicast MAC address, got \"" + a + "\" (all zeros)");
      }
    });

    Optional<OverlayNetwork> network = networkName.flatMap(overlay::network);
    if (networkName.isPresent() && network.isEmpty() && !brokenNetworks.contains(networkName.get())) {
      Set<String> names = new TreeSet<>(brokenNetworks);
      overlay.networks().forEach(n -> names.add(n.name()));
      m.error("network", unknown("network", networkName.get(), names));
    }
    network.ifPresent(net -> {
      mac.ifPresent(a -> Optional.ofNullable(existing.macs.get(List.of(net.name(), a)))
          .ifPresent(e -> m.error("mac", "MAC " + a + " is already used by endpoint '" + e.name()
              + "' in network " + net.name())));
      ip.ifPresent(addr -> checkAddress(m, net, addr, existing));
    });

    Optional<OverlayHost> host = hostName.flatMap(overlay::host);
    if (hostName.isPresent() && host.isEmpty() && !brokenHosts.contains(hostName.get())) {
      Set<String> names = new TreeSet<>(brokenHosts);
      overlay.hosts().forEach(h -> names.add(h.name()));
      m.error("host", unknown("host", hostName.get(), names));
    }
    if (hostName.isPresent() && port.isPresent()) {
      if (port.get().equals(overlay.tunnelPort())) {
        m.error("port", "'" + port.get() + "' is the overlay's tunnel port");
      }
      Optional.ofNullable(existing.ports.get(List.of(hostName.get(), port.get())))
          .ifPresent(e -> m.error("port", "port " + port.get() + " on " + hostName.get()
              + " is already used by endpoint '" + e.name() + "'"));
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new OverlayEndpoint(name.orElseThrow(), networkName.orElseThrow(), hostName.orElseThrow(),
        port.orElseThrow(), mac.orElseThrow(), ip.orElseThrow()));
  }

  private static void checkAddress(MapView m, OverlayNetwork net, int addr, Taken existing) {
    String text = Ipv4.format(addr);
    Ipv4Prefix subnet = net.subnet();
    if (!subnet.contains(addr)) {
      m.error("ip", text + " is outside network " + net.name() + "'s subnet " + subnet);
    } else if (net.gateway().isPresent() && net.gateway().getAsInt() == addr) {
      m.error("ip", text + " is the gateway of network " + net.name());
    } else if (subnet.length() <= 30 && addr == subnet.address()) {
      m.error("ip", text + " is the network address of " + subnet);
    } else if (subnet.length() <= 30 && addr == subnet.lastAddress()) {
      m.error("ip", text + " is the broadcast address of " + subnet);
    } else {
      Optional.ofNullable(existing.ips.get(List.of(net.name(), addr)))
          .ifPresent(e -> m.error("ip", text + " is already used by endpoint '" + e.name()
              + "' in network " + net.name()));
    }
  }

  static String unknown(String kind, String name, Collection<String> known) {
    return "unknown " + kind + " '" + name + "'" + Suggest.didYouMean(name, known)
        + (known.isEmpty() ? "; no " + kind + "s are declared"
            : " (" + kind + "s: " + Suggest.listing(known) + ")");
  }
}
