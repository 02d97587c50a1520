package io.switchboard.apps.overlay.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What makes an overlay network a {@code localnet} network: its endpoints are bridged to a physical network on
 * their own host (through the host's {@code bridge-mappings}) instead of being carried in VXLAN.
 *
 * @param physicalNetwork the name the hosts' {@code bridge-mappings} map to a physical bridge
 * @param vlan            the 802.1Q VLAN of a tagged provider network (1-4094), empty for untagged
 */
public record Localnet(String physicalNetwork, OptionalInt vlan) {
  public Localnet {
    Objects.requireNonNull(physicalNetwork, "physicalNetwork");
    Objects.requireNonNull(vlan, "vlan");
  }
}
