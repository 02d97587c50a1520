package io.switchboard.controller.testing;

import io.switchboard.config.AppSection;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.KeyPath;
import io.switchboard.config.LogicalTopology;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.SectionContext;
import io.switchboard.config.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * For tests of modules that cannot see the vxlan-overlay app (the controller, the ACL, l2-learning): the
 * {@code overlay:} section read as far as its {@link LogicalTopology} goes, with the real section's keys. It
 * checks only what those tests rely on (names, VNIs, subnets, addresses; the same wording as the real section),
 * declares the hosts' bridges and every network name like the real one, and ignores the rest (gateways, DHCP,
 * NAT, ...). The real section and its tests are in apps/vxlan-overlay; {@link BundledApps} uses this one only when
 * that app is not on the class path.
 */
public final class OverlayStandIn implements AppSection<OverlayStandIn.Topology> {
  public static final OverlayStandIn INSTANCE = new OverlayStandIn();

  static final List<String> KEYS = List.of("tunnel-port", "hosts", "networks", "routers", "endpoints");
  static final List<String> HOST_KEYS = List.of("name", "bridge", "tunnel-ip", "bridge-mappings");
  static final List<String> NETWORK_KEYS = List.of("name", "vni", "subnet", "gateway", "exclude-ips", "dhcp", "type",
      "physical-network", "vlan");
  static final List<String> ROUTER_KEYS = List.of("name", "networks", "external", "routes", "nat");
  static final List<String> ENDPOINT_KEYS = List.of("name", "network", "host", "port", "mac", "ip");
  static final String VNI_EXPECTED = "a VNI (1-16777215)";

  public record Host(String name, String bridge, int tunnelIp) implements LogicalTopology.Host {}

  public record Network(String name, long vni, Ipv4Prefix subnet) implements LogicalTopology.Network {}

  public record Router(String name, List<String> networks) implements LogicalTopology.Router {}

  public record Endpoint(String name, String network, String host, String port, int ip)
      implements LogicalTopology.Endpoint {}

  /** What the stand-in read: the overlay's topology. */
  public record Topology(List<OverlayStandIn.Host> hosts, List<OverlayStandIn.Network> networks,
      List<OverlayStandIn.Router> routers, List<OverlayStandIn.Endpoint> endpoints) implements LogicalTopology {
    public Topology {
      hosts = List.copyOf(hosts);
      networks = List.copyOf(networks);
      routers = List.copyOf(routers);
      endpoints = List.copyOf(endpoints);
    }

    @Override
    public String app() {
      return "vxlan-overlay";
    }
  }

  private OverlayStandIn() {}

  @Override
  public String key() {
    return "overlay";
  }

  @Override
  public Topology defaults() {
    return new Topology(List.of(), List.of(), List.of(), List.of());
  }

  @Override
  public Topology parse(Node node, String path, SectionContext ctx) {
    MapView m = MapView.of(node, path, ctx.errors(), "the overlay settings", KEYS);
    List<Host> hosts = items(m, "hosts", HOST_KEYS, (h, ok) -> {
      Optional<String> name = h.required("name", Values.NAME, Values::name);
      Optional<String> bridge = h.required("bridge", "a bridge name or dpid",
          t -> Values.token(t, "a bridge name or dpid"));
      Optional<Integer> ip = h.required("tunnel-ip", Ipv4.EXPECTED, Ipv4::parse);
      bridge.ifPresent(b -> ctx.declare(SectionContext.BRIDGE, b));
      return ok.get() ? new Host(name.get(), bridge.get(), ip.get()) : null;
    });
    List<Network> networks = items(m, "networks", NETWORK_KEYS, (n, ok) -> {
      Optional<String> name = n.required("name", Values.NAME, Values::name);
      Optional<Long> vni = n.required("vni", VNI_EXPECTED, t -> Values.integer(t, 1, 16_777_215L, VNI_EXPECTED));
      Optional<Ipv4Prefix> subnet = n.required("subnet", "a subnet like 192.168.1.0/24", Ipv4Prefix::parse);
      name.ifPresent(x -> ctx.declare(SectionContext.NETWORK, x));
      return ok.get() ? new Network(name.get(), vni.get(), subnet.get()) : null;
    });
    List<Router> routers = items(m, "routers", ROUTER_KEYS, (r, ok) -> {
      Optional<String> name = r.required("name", Values.NAME, Values::name);
      List<String> joined = r.scalars("networks", "a list of network names", "a network name", Values::name);
      return ok.get() ? new Router(name.get(), joined) : null;
    });
    List<Endpoint> endpoints = items(m, "endpoints", ENDPOINT_KEYS, (e, ok) -> {
      Optional<String> name = e.required("name", Values.NAME, Values::name);
      Optional<String> network = e.required("network", Values.NAME, Values::name);
      Optional<String> host = e.required("host", Values.NAME, Values::name);
      Optional<String> port = e.required("port", "a port name", t -> Values.token(t, "a port name"));
      Optional<Integer> ip = e.required("ip", Ipv4.EXPECTED + " or dynamic",
          t -> t.equals("dynamic") ? 0 : Ipv4.parse(t));
      return ok.get() ? new Endpoint(name.get(), network.get(), host.get(), port.get(), ip.get()) : null;
    });
    return new Topology(hosts, networks, routers, endpoints);
  }

  /** Each item of a list as a mapping with {@code keys}; {@code read} gets whether the item has no error so far. */
  private static <T> List<T> items(MapView m, String key, List<String> keys,
      BiFunction<MapView, java.util.function.Supplier<Boolean>, T> read) {
    List<T> out = new ArrayList<>();
    List<Node> items = m.list(key, "a list of " + key);
    for (int i = 0; i < items.size(); i++) {
      int before = m.errors().size();
      MapView item = MapView.of(items.get(i), KeyPath.index(m.pathOf(key), i), m.errors(), "a mapping", keys);
      if (!item.isMapping()) {
        continue;
      }
      T t = read.apply(item, () -> m.errors().size() == before);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public Optional<String> summary(Topology t) {
    int n = t.endpoints().size();
    return Optional.of(n + " overlay endpoint" + (n == 1 ? "" : "s"));
  }
}
