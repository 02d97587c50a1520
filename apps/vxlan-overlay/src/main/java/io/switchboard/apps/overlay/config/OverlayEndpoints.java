package io.switchboard.apps.overlay.config;

import io.switchboard.config.Errors;
import io.switchboard.config.Ipv4;
import io.switchboard.config.MacAddress;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.Result;
import io.switchboard.config.Suggest;
import io.switchboard.config.Values;
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
    Optional<OverlayEndpoint> e = parse(Node.fromJava(body), "", errors, overlay, new Taken(existing), Set.of(),
        Set.of());
    return errors.isEmpty() ? Result.ok(e.orElseThrow()) : Result.failed(errors.list());
  }

  /**
   * As above, against what {@code taken} holds: the caller builds it once and adds each accepted endpoint, so
   * that validating n endpoints one after another takes linear time (it is not changed here).
   */
  public static Result<OverlayEndpoint> parseEndpoint(Map<String, ?> body, OverlayConfig overlay, Taken taken) {
    Errors errors = new Errors(null);
    Optional<OverlayEndpoint> e = parse(Node.fromJava(body), "", errors, overlay, taken, Set.of(), Set.of());
    return errors.isEmpty() ? Result.ok(e.orElseThrow()) : Result.failed(errors.list());
  }

  /**
   * What accepted endpoints use and a new one must not: names, MACs and IPs within a network, ports of a host.
   * One lookup per check, so that a config of many endpoints validates in linear time.
   */
  public static final class Taken {
    private final Map<String, OverlayEndpoint> names = new HashMap<>();
    private final Map<List<Object>, OverlayEndpoint> macs = new HashMap<>();
    private final Map<List<Object>, OverlayEndpoint> ips = new HashMap<>();
    private final Map<List<Object>, OverlayEndpoint> ports = new HashMap<>();

    public Taken() {}

    public Taken(Collection<OverlayEndpoint> endpoints) {
      endpoints.forEach(this::add);
    }

    /** The first endpoint to use a name, MAC, IP or port stays the one reported. */
    public void add(OverlayEndpoint e) {
      names.putIfAbsent(e.name(), e);
      if (!e.mac().isZero()) {
        macs.putIfAbsent(List.of(e.network(), e.mac()), e); // a dynamic MAC (zero until derived) takes none
      }
      if (e.hasAddress()) {
        ips.putIfAbsent(List.of(e.network(), e.ip()), e); // nor does a dynamic address not yet allocated
      }
      ports.putIfAbsent(List.of(e.host(), e.port()), e);
    }

    /** Takes out what {@code e} uses (what another endpoint was first to use stays). */
    public void remove(OverlayEndpoint e) {
      names.remove(e.name(), e);
      macs.remove(List.of(e.network(), e.mac()), e);
      ips.remove(List.of(e.network(), e.ip()), e);
      ports.remove(List.of(e.host(), e.port()), e);
    }

    /** Whether an endpoint added so far uses this address in this network. */
    public boolean usesIp(String network, int ip) {
      return ips.containsKey(List.of(network, ip));
    }

    /** Whether an endpoint added so far uses this MAC in this network. */
    public boolean usesMac(String network, MacAddress mac) {
      return macs.containsKey(List.of(network, mac));
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
    boolean dynamicMac = isDynamic(m, "mac");
    boolean dynamicIp = isDynamic(m, "ip");
    Optional<MacAddress> staticMac = dynamicMac ? Optional.of(new MacAddress(0))
        : m.required("mac", MAC_EXPECTED, MacAddress::parse);
    Optional<Integer> ip = dynamicIp ? Optional.of(0) : m.required("ip", IP_EXPECTED, Ipv4::parse);

    name.ifPresent(n -> {
      if (existing.names.containsKey(n)) {
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
      mac.filter(a -> !a.isZero()).ifPresent(a -> Optional.ofNullable(existing.macs.get(List.of(net.name(), a)))
          .ifPresent(e -> m.error("mac", "MAC " + a + " is already used by endpoint '" + e.name()
              + "' in network " + net.name())));
      ip.filter(a -> !dynamicIp).ifPresent(addr -> checkAddress(m, net, addr, existing, overlay));
    });

    Optional<OverlayHost> host = hostName.flatMap(overlay::host);
    if (hostName.isPresent() && host.isEmpty() && !brokenHosts.contains(hostName.get())) {
      Set<String> names = new TreeSet<>(brokenHosts);
      overlay.hosts().forEach(h -> names.add(h.name()));
      m.error("host", unknown("host", hostName.get(), names));
    }
    if (host.isPresent() && network.isPresent() && network.get().isLocalnet()) {
      String physnet = network.get().localnet().orElseThrow().physicalNetwork();
      if (!host.get().bridgeMappings().containsKey(physnet)) {
        m.error("host", "host " + host.get().name() + " has no bridge mapping for physical network '" + physnet
            + "' of localnet network " + network.get().name() + " (add bridge-mappings: {" + physnet
            + ": BRIDGE} to the host)");
      }
    }
    if (hostName.isPresent() && port.isPresent()) {
      if (port.get().equals(overlay.tunnelPort())) {
        m.error("port", "'" + port.get() + "' is the overlay's tunnel port");
      }
      Optional.ofNullable(existing.ports.get(List.of(hostName.get(), port.get())))
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

  private static void checkAddress(MapView m, OverlayNetwork net, int addr, Taken existing, OverlayConfig overlay) {
    String text = Ipv4.format(addr);
    Optional<String> unusable = net.unusable(addr);
    Optional<String> router = net.isLocalnet() ? routerAddress(overlay, net, addr) : Optional.empty();
    if (unusable.isPresent()) {
      m.error("ip", unusable.get());
    } else if (router.isPresent()) {
      m.error("ip", router.get());
    } else {
      Optional.ofNullable(existing.ips.get(List.of(net.name(), addr)))
          .ifPresent(e -> m.error("ip", text + " is already used by endpoint '" + e.name()
              + "' in network " + net.name()));
    }
  }

  /** Why {@code addr} on localnet network {@code net} is a router's (its external address, a NAT address). */
  static Optional<String> routerAddress(OverlayConfig overlay, OverlayNetwork net, int addr) {
    for (OverlayRouter r : overlay.routers()) {
      Optional<RouterExternal> x = r.external().filter(e -> e.network().equals(net.name()));
      if (x.isEmpty()) {
        continue;
      }
      if (x.get().ip() == addr) {
        return Optional.of(Ipv4.format(addr) + " is router " + r.name() + "'s external address");
      }
      for (NatRule rule : r.nat()) {
        if (rule.externalIp() == addr) {
          return Optional.of(Ipv4.format(addr) + " is the external address of router " + r.name() + "'s NAT rule "
              + rule.key());
        }
      }
    }
    return Optional.empty();
  }

  static String unknown(String kind, String name, Collection<String> known) {
    return "unknown " + kind + " '" + name + "'" + Suggest.didYouMean(name, known)
        + (known.isEmpty() ? "; no " + kind + "s are declared"
            : " (" + kind + "s: " + Suggest.listing(known) + ")");
  }
}
