package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayEndpoint;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An endpoint added through the REST API, as kept in the shared store: the input as text, not derived flows, so
 * that every controller instance validates it against its own config and computes the same entries.
 */
public record RuntimeEndpoint(String name, String network, String host, String port, String mac, String ip)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public RuntimeEndpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(ip, "ip");
  }

  public static RuntimeEndpoint of(OverlayEndpoint e) {
    return new RuntimeEndpoint(e.name(), e.network(), e.host(), e.port(),
        e.dynamicMac() ? OverlayEndpoint.DYNAMIC : e.mac().toString(),
        e.dynamicIp() ? OverlayEndpoint.DYNAMIC : e.ipText());
  }

  /** The fields as a REST body has them, for {@code OverlayEndpoints.parseEndpoint}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("network", network);
    m.put("host", host);
    m.put("port", port);
    m.put("mac", mac);
    m.put("ip", ip);
    return m;
  }
}
