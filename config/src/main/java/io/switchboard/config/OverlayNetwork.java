package io.switchboard.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A logical switch: one broadcast domain carried in VXLAN with its own VNI.
 *
 * @param vni     1-16777215, unique
 * @param gateway the router's address in this subnet (answered by the controller); needed when a router joins the network
 */
public record OverlayNetwork(String name, long vni, Ipv4Prefix subnet, OptionalInt gateway) {

  public static final long MAX_VNI = 16_777_215L;

  public OverlayNetwork {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subnet, "subnet");
    Objects.requireNonNull(gateway, "gateway");
    if (vni < 1 || vni > MAX_VNI) {
      throw new IllegalArgumentException("VNI must be 1-16777215: " + vni);
    }
  }

  public Optional<String> gatewayText() {
    return gateway.isPresent() ? Optional.of(Ipv4.format(gateway.getAsInt())) : Optional.empty();
  }
}
