package io.switchboard.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Parsing and validation of overlay endpoints — one implementation for the config file and
 * for {@code POST /api/v1/overlay/endpoints}.
 */
public final class OverlayEndpoints {

  static final List<String> KEYS = List.of("name", "network", "host", "port", "mac", "ip");
  static final String MAC_EXPECTED = MacAddress.EXPECTED + " or dynamic";
  static final String IP_EXPECTED = Ipv4.EXPECTED + " or dynamic";
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
    Optional<OverlayEndpoint> e = parse(Node.fromJava(body), "", errors, overlay, existing, Set.of(), Set.of());
    return errors.isEmpty() ? Result.ok(e.orElseThrow()) : Result.failed(errors.list());
  }

  /**
   * @param brokenNetworks names of networks that are declared but invalid (already reported):
   *                       references to them are not reported again
   * @param brokenHosts    the same for hosts
   */
  static Optional<OverlayEndpoint> parse(Node node, String path, Errors errors, OverlayConfig overlay,
      Collection<OverlayEndpoint> existing, Set<String> brokenNetworks, Set<String> brokenHosts) {
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
    boolean dynamicMac = isDynamic(m, "mac");
    boolean dynamicIp = isDynamic(m, "ip");
    Optional<MacAddress> staticMac = dynamicMac ? Optional.of(new MacAddress(0))
        : m.required("mac", MAC_EXPECTED, MacAddress::parse);
    Optional<Integer> ip = dynamicIp ? Optional.of(0) : m.required("ip", IP_EXPECTED, Ipv4::parse);

    name.ifPresent(n -> {
      if (existing.stream().anyMatch(e -> e.name().equals(n))) {
        m.error("name", "an endpoint named '" + n + "' already exists");
      }
    });
    staticMac.filter(a -> !dynamicMac).ifPresent(a -> {
      if (a.isMulticast()) {
        m.error("mac", "expected a unicast MAC address, got \"" + a + "\" (the multicast bit is set)");
      } else if (a.isZero()) {
        m.error("mac", "expected a unicast MAC address, got \"" + a + "\" (all zeros)");
      }
    });

    Optional<OverlayNetwork> network = networkName.flatMap(overlay::network);
    Optional<MacAddress> mac = dynamicMac && !dynamicIp
        ? network.flatMap(n -> ip.map(a -> dynamicMac(n, a))) : staticMac;
    if (networkName.isPresent() && network.isEmpty() && !brokenNetworks.contains(networkName.get())) {
      Set<String> names = new TreeSet<>(brokenNetworks);
      overlay.networks().forEach(n -> names.add(n.name()));
      m.error("network", unknown("network", networkName.get(), names));
    }
    network.ifPresent(net -> {
      mac.filter(a -> !a.isZero()).ifPresent(a -> existing.stream()
          .filter(e -> e.network().equals(net.name()) && e.mac().equals(a)).findFirst()
          .ifPresent(e -> m.error("mac", "MAC " + a + " is already used by endpoint '" + e.name()
              + "' in network " + net.name())));
      ip.filter(a -> !dynamicIp).ifPresent(addr -> checkAddress(m, net, addr, existing));
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
      existing.stream().filter(e -> e.host().equals(hostName.get()) && e.port().equals(port.get())).findFirst()
          .ifPresent(e -> m.error("port", "port " + port.get() + " on " + hostName.get()
              + " is already used by endpoint '" + e.name() + "'"));
    }
    if (errors.size() != before || mac.isEmpty()) { // no MAC without errors: a dynamic one in a broken network
      return Optional.empty();
    }
    return Optional.of(new OverlayEndpoint(name.orElseThrow(), networkName.orElseThrow(), hostName.orElseThrow(),
        port.orElseThrow(), mac.orElseThrow(), ip.orElseThrow(), dynamicMac, dynamicIp));
  }

  private static boolean isDynamic(MapView m, String key) {
    return m.node(key) instanceof Node.Scalar s && OverlayEndpoint.DYNAMIC.equals(s.text());
  }

  /**
   * The MAC of an endpoint whose {@code mac} is {@code dynamic}: locally administered, unicast, {@code 0a}, the
   * network's VNI's low byte, then the four bytes of its address (192.168.1.5 in VNI 100 gives
   * 0a:64:c0:a8:01:05). Unique within the network because addresses are; the same on every instance.
   */
  public static MacAddress dynamicMac(OverlayNetwork network, int address) {
    return new MacAddress(0x0a00_0000_0000L | ((network.vni() & 0xff) << 32) | (address & 0xffff_ffffL));
  }

  private static void checkAddress(MapView m, OverlayNetwork net, int addr, Collection<OverlayEndpoint> existing) {
    String text = Ipv4.format(addr);
    Optional<String> unusable = net.unusable(addr);
    if (unusable.isPresent()) {
      m.error("ip", unusable.get());
    } else {
      existing.stream().filter(e -> e.network().equals(net.name()) && e.hasAddress() && e.ip() == addr).findFirst()
          .ifPresent(e -> m.error("ip", text + " is already used by endpoint '" + e.name()
              + "' in network " + net.name()));
    }
  }

  static String unknown(String kind, String name, Collection<String> known) {
    return "unknown " + kind + " '" + name + "'" + Suggest.didYouMean(name, known)
        + (known.isEmpty() ? "; no " + kind + "s are declared"
            : " (" + kind + "s: " + known.stream().collect(Collectors.joining(", ")) + ")");
  }
}
