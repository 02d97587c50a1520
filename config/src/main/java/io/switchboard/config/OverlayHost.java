package io.switchboard.config;

import java.util.Objects;

/**
 * A hypervisor in the overlay.
 *
 * @param bridge   its integration bridge, by name or dpid
 * @param tunnelIp the address other hosts' VXLAN tunnels reach it on
 */
public record OverlayHost(String name, String bridge, int tunnelIp) {
  public OverlayHost {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bridge, "bridge");
  }

  public String tunnelIpText() {
    return Ipv4.format(tunnelIp);
  }
}
