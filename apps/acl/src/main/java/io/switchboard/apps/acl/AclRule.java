package io.switchboard.apps.acl;

import io.switchboard.config.PacketMatch;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One ACL rule. The highest priority matching rule decides; when none matches, the ACL's
 * default action does.
 *
 * @param priority 1-65000, higher wins
 * @param bridge   scope: only on this bridge (name or dpid); empty = every bridge
 * @param network  scope: only traffic of this overlay network; empty = all traffic
 * @param match    the packet fields, with OpenFlow prerequisites already filled in by the
 *                 parser (tcp-dst 22 reads back as eth-type ipv4, ip-proto tcp, tcp-dst 22)
 */
public record AclRule(String name, int priority, Optional<String> bridge, Optional<String> network,
    PacketMatch match, AclAction action) {

  public static final int MIN_PRIORITY = 1;
  public static final int MAX_PRIORITY = 65000;

  public AclRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(action, "action");
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("priority must be 1-65000: " + priority);
    }
  }

  /** The rule as a REST answer shows it; {@link AclRules#parseRule} reads it back. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("priority", priority);
    bridge.ifPresent(b -> m.put("bridge", b));
    network.ifPresent(n -> m.put("network", n));
    m.put("match", match.toMap());
    m.put("action", action.text());
    return Collections.unmodifiableMap(m);
  }
}
