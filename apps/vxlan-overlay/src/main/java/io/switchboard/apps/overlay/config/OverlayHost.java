package io.switchboard.apps.overlay.config;

import io.switchboard.config.LogicalTopology;
import io.switchboard.config.Ipv4;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A hypervisor in the overlay.
 *
 * @param bridge   its integration bridge, by name or dpid
 * @param tunnelIp the address other hosts' VXLAN tunnels reach it on
 * @param bridgeMappings physical network name -> the host's physical bridge ({@code bridge-mappings}); the
 *                 integration bridge reaches that bridge through the patch port {@link #patchPort}
 */
public record OverlayHost(String name, String bridge, int tunnelIp, Map<String, String> bridgeMappings)
    implements LogicalTopology.Host {
  public OverlayHost {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bridge, "bridge");
    bridgeMappings = Map.copyOf(bridgeMappings);
  }

  public OverlayHost(String name, String bridge, int tunnelIp) {
    this(name, bridge, tunnelIp, Map.of());
  }

  /**
   * The integration bridge's end of the patch pair to a physical bridge, which the operator creates:
   * {@code int-BRIDGE} (and {@code phy-BRIDGE} on the physical bridge), the names Neutron's OVS agent uses.
   */
  public static String patchPort(String physicalBridge) {
    return "int-" + physicalBridge;
  }

  /** The patch port to the physical network's bridge, when this host maps it. */
  public Optional<String> patchPortFor(String physicalNetwork) {
    return Optional.ofNullable(bridgeMappings.get(physicalNetwork)).map(OverlayHost::patchPort);
  }

  public String tunnelIpText() {
    return Ipv4.format(tunnelIp);
  }
}
