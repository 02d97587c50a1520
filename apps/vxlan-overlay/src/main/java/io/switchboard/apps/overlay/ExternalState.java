package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.NatRule;
import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayRouter;
import io.switchboard.apps.overlay.config.RouterExternal;
import io.switchboard.apps.overlay.config.StaticRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the routers' external flows need beyond the topology, as an immutable snapshot: each router's NAT rules in
 * force (the config file's and those added through REST) and the MAC addresses of next hops learned on its
 * external network (by router, by IPv4 address).
 */
public record ExternalState(Map<String, List<NatRule>> nat, Map<String, Map<Integer, Long>> bindings) {

  public ExternalState {
    Map<String, List<NatRule>> n = new LinkedHashMap<>();
    nat.forEach((k, v) -> n.put(k, List.copyOf(v)));
    nat = Map.copyOf(n);
    Map<String, Map<Integer, Long>> b = new HashMap<>();
    bindings.forEach((k, v) -> b.put(k, Map.copyOf(v)));
    bindings = Map.copyOf(b);
  }

  /** The config's rules alone, nothing learned. */
  public static ExternalState of(OverlayConfig overlay) {
    Map<String, List<NatRule>> nat = new LinkedHashMap<>();
    overlay.routers().forEach(r -> nat.put(r.name(), r.nat()));
    return new ExternalState(nat, Map.of());
  }

  /** The router's rules in force: the config's first, then the runtime ones in the order they were added. */
  public List<NatRule> rules(OverlayRouter r) {
    return nat.getOrDefault(r.name(), r.nat());
  }

  public OptionalLong mac(String router, int ip) {
    Long m = bindings.getOrDefault(router, Map.of()).get(ip);
    return m == null ? OptionalLong.empty() : OptionalLong.of(m);
  }

  public Map<Integer, Long> bindings(String router) {
    return bindings.getOrDefault(router, Map.of());
  }

  /** A route of the router's: destinations in {@code prefix} go to {@code nextHop}, or to themselves when on-link. */
  record Route(io.switchboard.config.Ipv4Prefix prefix, int nextHop, boolean onLink) {}

  /**
   * The router's routes, longest prefix first: its static routes, the external subnet (on-link: the destination
   * is its own next hop), and the default route to the upstream gateway.
   */
  static List<Route> routes(OverlayRouter r) {
    RouterExternal x = r.external().orElseThrow();
    List<Route> out = new ArrayList<>();
    for (StaticRoute s : r.routes()) {
      out.add(new Route(s.prefix(), s.nextHop(), false));
    }
    if (out.stream().noneMatch(x2 -> x2.prefix().equals(x.subnet()))) {
      out.add(new Route(x.subnet(), 0, true));
    }
    if (out.stream().noneMatch(x2 -> x2.prefix().length() == 0)) {
      out.add(new Route(new io.switchboard.config.Ipv4Prefix(0, 0), x.gateway(), false));
    }
    out.sort(Comparator.comparingInt((Route x2) -> x2.prefix().length()).reversed());
    return out;
  }

  /** The next hop of a destination: the longest matching route's. */
  static int nextHop(OverlayRouter r, int dst) {
    for (Route route : routes(r)) {
      if (route.prefix().contains(dst)) {
        return route.onLink() ? dst : route.nextHop();
      }
    }
    return r.external().orElseThrow().gateway();
  }
}
