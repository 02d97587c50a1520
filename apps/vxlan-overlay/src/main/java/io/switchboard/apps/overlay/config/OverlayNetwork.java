package io.switchboard.apps.overlay.config;

import io.switchboard.config.LogicalTopology;
import io.switchboard.config.IpRange;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A logical switch: one broadcast domain carried in VXLAN with its own VNI.
 *
 * @param vni        1-16777215, unique
 * @param gateway    the router's address in this subnet (answered by the controller); needed when a router joins
 *                   the network, and for DHCP
 * @param excludeIps addresses never handed out to dynamic endpoints ({@code exclude-ips})
 * @param dhcp       the DHCP server's settings, when the network has one ({@code dhcp})
 * @param localnet   set for a {@code type: localnet} network, bridged to a physical network on each host (its VNI
 *                   then only names it inside the bridges, never on the wire)
 */
public record OverlayNetwork(String name, long vni, Ipv4Prefix subnet, OptionalInt gateway, List<IpRange> excludeIps,
    Optional<DhcpSettings> dhcp, Optional<Localnet> localnet) implements LogicalTopology.Network {

  public static final long MAX_VNI = 16_777_215L;

  public OverlayNetwork {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subnet, "subnet");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(dhcp, "dhcp");
    Objects.requireNonNull(localnet, "localnet");
    excludeIps = List.copyOf(excludeIps);
    if (vni < 1 || vni > MAX_VNI) {
      throw new IllegalArgumentException("VNI must be 1-16777215: " + vni);
    }
  }

  public OverlayNetwork(String name, long vni, Ipv4Prefix subnet, OptionalInt gateway, List<IpRange> excludeIps,
      Optional<DhcpSettings> dhcp) {
    this(name, vni, subnet, gateway, excludeIps, dhcp, Optional.empty());
  }

  public OverlayNetwork(String name, long vni, Ipv4Prefix subnet, OptionalInt gateway) {
    this(name, vni, subnet, gateway, List.of(), Optional.empty());
  }

  /** A {@code type: localnet} network: bridged to a physical network, no VXLAN. */
  public boolean isLocalnet() {
    return localnet.isPresent();
  }

  public Optional<String> gatewayText() {
    return gateway.isPresent() ? Optional.of(Ipv4.format(gateway.getAsInt())) : Optional.empty();
  }

  /** DHCP settings when DHCP is on for this network. */
  public Optional<DhcpSettings> dhcpEnabled() {
    return dhcp.filter(DhcpSettings::enabled);
  }

  /** Why an endpoint may not have {@code addr} in this network (outside, network, broadcast, gateway), or empty. */
  public Optional<String> unusable(int addr) {
    String text = Ipv4.format(addr);
    if (!subnet.contains(addr)) {
      return Optional.of(text + " is outside network " + name + "'s subnet " + subnet);
    } else if (gateway.isPresent() && gateway.getAsInt() == addr) {
      return Optional.of(text + " is the gateway of network " + name);
    } else if (subnet.length() <= 30 && addr == subnet.address()) {
      return Optional.of(text + " is the network address of " + subnet);
    } else if (subnet.length() <= 30 && addr == subnet.lastAddress()) {
      return Optional.of(text + " is the broadcast address of " + subnet);
    }
    return Optional.empty();
  }

  /** May a dynamic endpoint get {@code addr}: usable and not excluded. */
  public boolean assignable(int addr) {
    return unusable(addr).isEmpty() && excludeIps.stream().noneMatch(r -> r.contains(addr));
  }
}
