package io.switchboard.apps.overlay.config;

import io.switchboard.config.LogicalTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The VXLAN overlay: hosts, logical networks, routers and endpoints; the vxlan-overlay app's {@code overlay:}
 * section. Published to the other apps as their {@link LogicalTopology} (the ACL's network scopes and security
 * groups, l2-learning leaving the hosts' bridges alone, the web console's drawing).
 *
 * @param tunnelPort the VXLAN port on every host bridge
 *                   ({@code type=vxlan options:remote_ip=flow options:key=flow})
 */
public record OverlayConfig(String tunnelPort, List<OverlayHost> hosts, List<OverlayNetwork> networks,
    List<OverlayRouter> routers, List<OverlayEndpoint> endpoints) implements LogicalTopology {

  public static final String DEFAULT_TUNNEL_PORT = "vxlan0";

  public OverlayConfig {
    Objects.requireNonNull(tunnelPort, "tunnelPort");
    hosts = List.copyOf(hosts);
    networks = List.copyOf(networks);
    routers = List.copyOf(routers);
    endpoints = List.copyOf(endpoints);
  }

  /** The app that owns the {@code overlay:} section and programs its hosts' bridges. */
  public static final String APP = "vxlan-overlay";

  @Override
  public String app() {
    return APP;
  }

  public static OverlayConfig empty() {
    return new OverlayConfig(DEFAULT_TUNNEL_PORT, List.of(), List.of(), List.of(), List.of());
  }

  public Optional<OverlayHost> host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  public Optional<OverlayNetwork> network(String name) {
    return networks.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  public Optional<OverlayRouter> router(String name) {
    return routers.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** The router a network is joined to, if any (a network joins at most one). */
  public Optional<OverlayRouter> routerOf(String network) {
    return routers.stream().filter(r -> r.networks().contains(network)).findFirst();
  }

  public Optional<OverlayEndpoint> endpoint(String name) {
    return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** A copy with the endpoint added, or replacing the one of the same name (validate it first). */
  public OverlayConfig withEndpoint(OverlayEndpoint endpoint) {
    List<OverlayEndpoint> list = new ArrayList<>(endpoints);
    list.removeIf(e -> e.name().equals(endpoint.name()));
    list.add(endpoint);
    return new OverlayConfig(tunnelPort, hosts, networks, routers, list);
  }

  public OverlayConfig withoutEndpoint(String name) {
    List<OverlayEndpoint> list = new ArrayList<>(endpoints);
    list.removeIf(e -> e.name().equals(name));
    return new OverlayConfig(tunnelPort, hosts, networks, routers, list);
  }
}
