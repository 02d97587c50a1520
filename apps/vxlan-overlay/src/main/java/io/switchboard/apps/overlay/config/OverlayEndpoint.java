package io.switchboard.apps.overlay.config;

import io.switchboard.config.LogicalTopology;
import io.switchboard.config.Ipv4;
import io.switchboard.config.MacAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A logical port: a VM or container attached to {@code port} of {@code host}'s bridge.
 *
 * @param network    the overlay network's name
 * @param host       the overlay host's name
 * @param port       the OVS port name on that host's bridge
 * @param dynamicMac the MAC was written {@code dynamic}: derived from the network and the address
 *                   ({@link OverlayEndpoints#dynamicMac}); all zeros until the address is known
 * @param dynamicIp  the IP was written {@code dynamic}: allocated from the network's subnet by the overlay app;
 *                   0 until then ({@link #hasAddress})
 */
public record OverlayEndpoint(String name, String network, String host, String port, MacAddress mac, int ip,
    boolean dynamicMac, boolean dynamicIp) implements LogicalTopology.Endpoint {

  public static final String DYNAMIC = "dynamic";

  public OverlayEndpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(mac, "mac");
  }

  public OverlayEndpoint(String name, String network, String host, String port, MacAddress mac, int ip) {
    this(name, network, host, port, mac, ip, false, false);
  }

  /** False for a dynamic endpoint whose address is not allocated yet. */
  public boolean hasAddress() {
    return !dynamicIp || ip != 0;
  }

  /** This dynamic endpoint with its allocated address (and the MAC derived from it when that is dynamic too). */
  public OverlayEndpoint withAddress(OverlayNetwork network, int address) {
    MacAddress m = dynamicMac ? OverlayEndpoints.dynamicMac(network, address) : mac;
    return new OverlayEndpoint(name, this.network, host, port, m, address, dynamicMac, dynamicIp);
  }

  public String ipText() {
    return hasAddress() ? Ipv4.format(ip) : DYNAMIC;
  }

  public String macText() {
    return mac.isZero() ? DYNAMIC : mac.toString();
  }

  /** The endpoint as a REST answer shows it; {@link OverlayEndpoints#parseEndpoint} reads it back. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("network", network);
    m.put("host", host);
    m.put("port", port);
    m.put("mac", macText());
    m.put("ip", ipText());
    return Collections.unmodifiableMap(m);
  }
}
