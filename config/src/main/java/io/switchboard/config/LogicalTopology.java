package io.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A logical network as an app's section describes it, in words every app shares: hosts (each with its integration
 * bridge), logical networks (a VNI and a subnet), routers joining networks, and endpoints attached to a network on
 * a host's bridge.
 *
 * <p>An app publishes one by letting its section's parsed settings implement this interface (the vxlan-overlay
 * app's {@code overlay:} settings do); other apps and the web console read it through
 * {@link SwitchboardConfig#topology()} without knowing the publisher's types: the ACL scopes rules to its networks
 * and bridges and names its endpoints in security groups, l2-learning leaves its host bridges alone while the
 * publisher is enabled, the console draws it. The publisher's records implement the small interfaces below with
 * their own accessors, so publishing copies nothing.
 */
public interface LogicalTopology {

  /** A hypervisor: its integration bridge (by name or dpid) and the address its tunnels are reached on. */
  interface Host {
    String name();

    String bridge();

    int tunnelIp();
  }

  /** A logical switch: one broadcast domain with its own VNI. */
  interface Network {
    String name();

    long vni();

    Ipv4Prefix subnet();
  }

  /** A logical router joining networks, by name. */
  interface Router {
    String name();

    List<String> networks();
  }

  /** A logical port: {@code port} of {@code host}'s bridge, in {@code network}; {@code ip} 0 while unknown. */
  interface Endpoint {
    String name();

    String network();

    String host();

    String port();

    int ip();
  }

  /** The app that puts this topology on its hosts' bridges (those bridges are its own while it is enabled). */
  String app();

  List<? extends Host> hosts();

  List<? extends Network> networks();

  List<? extends Router> routers();

  List<? extends Endpoint> endpoints();

  /** No hosts, networks, routers nor endpoints. */
  static LogicalTopology empty() {
    return Lists.EMPTY;
  }

  /** Several topologies as one: their hosts, networks, routers and endpoints in order ({@link #app()} empty). */
  static LogicalTopology union(List<LogicalTopology> parts) {
    if (parts.isEmpty()) {
      return empty();
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    List<Host> hosts = new ArrayList<>();
    List<Network> networks = new ArrayList<>();
    List<Router> routers = new ArrayList<>();
    List<Endpoint> endpoints = new ArrayList<>();
    for (LogicalTopology t : parts) {
      hosts.addAll(t.hosts());
      networks.addAll(t.networks());
      routers.addAll(t.routers());
      endpoints.addAll(t.endpoints());
    }
    return new Lists("", hosts, networks, routers, endpoints);
  }

  /** A topology held in lists. */
  record Lists(String app, List<Host> hosts, List<Network> networks, List<Router> routers, List<Endpoint> endpoints)
      implements LogicalTopology {
    static final Lists EMPTY = new Lists("", List.of(), List.of(), List.of(), List.of());

    public Lists {
      Objects.requireNonNull(app, "app");
      hosts = List.copyOf(hosts);
      networks = List.copyOf(networks);
      routers = List.copyOf(routers);
      endpoints = List.copyOf(endpoints);
    }
  }
}
