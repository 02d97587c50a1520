package io.switchboard.apps.overlay.config;

import io.switchboard.config.LogicalTopology;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A distributed logical router joining networks (by name); each network's gateway is its address there.
 *
 * @param external its port on a physical network, on one gateway host ({@code external}), if any
 * @param routes   static routes to next hops on the external network ({@code routes})
 * @param nat      the config file's NAT rules ({@code nat}); more are added at run time through REST
 */
public record OverlayRouter(String name, List<String> networks, Optional<RouterExternal> external,
    List<StaticRoute> routes, List<NatRule> nat) implements LogicalTopology.Router {
  public OverlayRouter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(external, "external");
    networks = List.copyOf(networks);
    routes = List.copyOf(routes);
    nat = List.copyOf(nat);
  }

  public OverlayRouter(String name, List<String> networks) {
    this(name, networks, Optional.empty(), List.of(), List.of());
  }
}
