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
 * The {@code overlay:} section: the tunnel port and the hosts here, the networks in {@link NetworkLoader}, the
 * routers in {@link RouterLoader}, the endpoints in {@link OverlayEndpoints}, each checked against those before it.
 */
final class OverlayLoader {

  static final List<String> KEYS = List.of("tunnel-port", "hosts", "networks", "routers", "endpoints");
  static final List<String> HOST_KEYS = List.of("name", "bridge", "tunnel-ip", "bridge-mappings");
  /** OpenFlow carries 15 characters of a port name; the patch port is "int-" + the physical bridge's name. */
  static final int MAX_PHYSICAL_BRIDGE = 15 - 4;

  /** The overlay, plus every declared network name (valid or not) for ACL references. */
  record Parsed(OverlayConfig overlay, Set<String> networkNames) {}

  private final Errors errors;
  private final Set<String> brokenHosts = new HashSet<>();
  private final Set<String> brokenNetworks = new HashSet<>();
  private final Set<String> networkNames = new LinkedHashSet<>();
  private List<OverlayHost> hosts = List.of();

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
    List<OverlayNetwork> networks = new NetworkLoader(errors, networkNames, brokenNetworks).networks(m);
    List<OverlayRouter> routers = new RouterLoader(errors, hosts, brokenHosts, brokenNetworks, networkNames)
        .routers(m, networks);
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

  /** Reports a second definition of a name, naming the line of the first. */
  static void duplicate(MapView view, String key, String kind, String name, Map<String, Integer> firstLines) {
    Integer first = firstLines.putIfAbsent(name, view.lineOf(key));
    if (first != null) {
      view.error(key, "duplicate " + kind + " name '" + name + "'" + (first > 0 ? " (first defined at line " + first + ")" : ""));
    }
  }
}
