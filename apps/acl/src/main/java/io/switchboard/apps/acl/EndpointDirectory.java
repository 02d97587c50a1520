package io.switchboard.apps.acl;

import io.switchboard.config.Ipv4;
import io.switchboard.config.LogicalTopology;
import io.switchboard.config.SwitchboardConfig;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Endpoint name to IPv4 address, for security groups: the endpoints of the config file's logical topology (the
 * overlay's, {@link SwitchboardConfig#topology()}), and those added
 * at run time through {@code /api/v1/overlay/endpoints}, which the vxlan-overlay app keeps in the shared store
 * {@value #OVERLAY_STORE}. Apps share no types, so the store's values are read by their record components
 * {@code name} and {@code ip} (text): that store's contract, as much as a REST body's field names are.
 */
final class EndpointDirectory {
  static final String OVERLAY_STORE = "overlay.endpoints";

  private final Map<String, Integer> ips;

  private EndpointDirectory(Map<String, Integer> ips) {
    this.ips = Collections.unmodifiableMap(ips);
  }

  static EndpointDirectory of(Map<String, Integer> ips) {
    return new EndpointDirectory(new HashMap<>(ips));
  }

  static EndpointDirectory of(SwitchboardConfig config, Map<String, ? extends Serializable> runtime) {
    Map<String, Integer> ips = new HashMap<>();
    for (LogicalTopology.Endpoint e : config.topology().endpoints()) {
      ips.put(e.name(), e.ip());
    }
    runtime.forEach((name, value) -> ipOf(value).ifPresent(ip -> ips.putIfAbsent(name, ip)));
    return new EndpointDirectory(ips);
  }

  /** The {@code ip} component of a stored endpoint record, when it is an IPv4 address. */
  static OptionalInt ipOf(Object value) {
    if (value == null || !value.getClass().isRecord()) {
      return OptionalInt.empty();
    }
    for (RecordComponent c : value.getClass().getRecordComponents()) {
      if (c.getName().equals("ip")) {
        try {
          Object ip = c.getAccessor().invoke(value);
          return ip instanceof String s && !s.isBlank() ? OptionalInt.of(Ipv4.parse(s.trim())) : OptionalInt.empty();
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
          return OptionalInt.empty();
        }
      }
    }
    return OptionalInt.empty();
  }

  OptionalInt ip(String endpoint) {
    Integer ip = ips.get(endpoint);
    return ip == null ? OptionalInt.empty() : OptionalInt.of(ip);
  }

  int size() {
    return ips.size();
  }
}
