package io.switchboard.apps.overlay;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An address the DHCP server acknowledged to an endpoint, kept in the shared store {@value #STORE} by endpoint
 * name (so one per endpoint, and a lease list bounded by the endpoints).
 *
 * @param expiresAt epoch milliseconds
 */
public record DhcpLease(String endpoint, String network, String ip, String mac, String hostname, long expiresAt)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String STORE = "overlay.dhcp.leases";

  Map<String, Object> toMap(long now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", endpoint);
    m.put("endpoint", endpoint);
    m.put("network", network);
    m.put("ip", ip);
    m.put("mac", mac);
    if (!hostname.isEmpty()) {
      m.put("hostname", hostname);
    }
    m.put("expires", java.time.Instant.ofEpochMilli(expiresAt).toString());
    m.put("expires-in-seconds", Math.max(0, (expiresAt - now) / 1000));
    return m;
  }
}
