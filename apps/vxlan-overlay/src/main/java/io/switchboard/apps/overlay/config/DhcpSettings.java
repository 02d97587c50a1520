package io.switchboard.apps.overlay.config;

import io.switchboard.config.Ipv4Prefix;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code networks[].dhcp}: the controller answers DHCP for the network's endpoints, always with the endpoint's own
 * address. Server id, server MAC and router are the network's gateway.
 *
 * @param leaseTime how long an address is leased (renewal at half of it)
 * @param dns       name servers (option 6), possibly none
 * @param domain    the domain name (option 15)
 * @param mtu       the interface MTU (option 26)
 * @param routes    classless static routes (option 121); the default route via the gateway is added to them
 */
public record DhcpSettings(boolean enabled, Duration leaseTime, List<Integer> dns, Optional<String> domain, int mtu,
    List<Route> routes) {

  public static final Duration DEFAULT_LEASE_TIME = Duration.ofHours(1);
  /** What VXLAN over IPv4 leaves of a 1500-byte underlay: 1500 - 50. */
  public static final int DEFAULT_MTU = 1450;

  /** A route to {@code prefix} through {@code via}, an address in the network's subnet. */
  public record Route(Ipv4Prefix prefix, int via) {
    public Route {
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  public DhcpSettings {
    Objects.requireNonNull(leaseTime, "leaseTime");
    Objects.requireNonNull(domain, "domain");
    dns = List.copyOf(dns);
    routes = List.copyOf(routes);
  }

  public static DhcpSettings defaults() {
    return new DhcpSettings(true, DEFAULT_LEASE_TIME, List.of(), Optional.empty(), DEFAULT_MTU, List.of());
  }
}
