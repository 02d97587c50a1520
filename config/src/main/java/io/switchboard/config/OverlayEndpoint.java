package io.switchboard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A logical port: a VM or container attached to {@code port} of {@code host}'s bridge.
 *
 * @param network the overlay network's name
 * @param host    the overlay host's name
 * @param port    the OVS port name on that host's bridge
 */
public record OverlayEndpoint(String name, String network, String host, String port, MacAddress mac, int ip) {

  public OverlayEndpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(mac, "mac");
  }

  public String ipText() {
    return Ipv4.format(ip);
  }

  /** The endpoint as a REST answer shows it; {@link OverlayEndpoints#parseEndpoint} reads it back. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("network", network);
    m.put("host", host);
    m.put("port", port);
    m.put("mac", mac.toString());
    m.put("ip", ipText());
    return Collections.unmodifiableMap(m);
  }
}
