package io.switchboard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Port roles of one bridge, for l2-learning. A port that is not listed is a trunk of every
 * VLAN, as in OVS.
 *
 * @param bridge      the bridge's name (its LOCAL port's name) or its dpid as written
 * @param ports       port name to role, in file order
 * @param certificate the SHA-256 fingerprint (64 lower-case hex digits) of the only certificate a connection may
 *                    present to be this bridge ({@code certificate} or {@code certificate-fingerprint}); empty:
 *                    not pinned
 */
public record BridgeConfig(String bridge, Map<String, PortRole> ports, Optional<String> certificate) {

  public BridgeConfig {
    Objects.requireNonNull(bridge, "bridge");
    ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    Objects.requireNonNull(certificate, "certificate");
  }

  /** Not pinned to a certificate. */
  public BridgeConfig(String bridge, Map<String, PortRole> ports) {
    this(bridge, ports, Optional.empty());
  }

  public Optional<PortRole> port(String name) {
    return Optional.ofNullable(ports.get(name));
  }

  /** The dpid, when the bridge is named by one. */
  public OptionalLong dpid() {
    return Dpid.parse(bridge);
  }

  /** True when a switch with this name and dpid is the bridge configured here. */
  public boolean matches(String switchName, long switchDpid) {
    OptionalLong d = dpid();
    return d.isPresent() ? d.getAsLong() == switchDpid : bridge.equals(switchName);
  }

  /** True when {@code nameOrDpid} names this bridge (equal name, or the same dpid). */
  public boolean isNamed(String nameOrDpid) {
    return Dpid.sameBridge(bridge, nameOrDpid);
  }
}
