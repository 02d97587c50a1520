package io.switchboard.apps.acl;

import io.switchboard.config.PacketMatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A security group (OpenStack's security groups, OVN's port-group ACLs): overlay endpoints by name, and rules that
 * apply to the packets they receive (ingress) or send (egress). See docs/apps/acl.md, "Security groups".
 *
 * @param members overlay endpoint names, in the order given
 */
public record AclGroup(String name, List<String> members, List<Rule> rules) {

  /** Which of a member's packets a group rule is about. */
  public enum Direction {
    /** Packets to a member: the member is the destination (ipv4-dst), a remote group the source. */
    INGRESS,
    /** Packets from a member: the member is the source (ipv4-src), a remote group the destination. */
    EGRESS;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One rule of a group.
   *
   * @param priority    1-65000 like a plain rule's (default {@link AclGroups#DEFAULT_PRIORITY})
   * @param remoteGroup the other side's addresses: that group's members'; empty = any address
   * @param match       other packet fields, prerequisites filled in (always eth-type ipv4: addresses are matched)
   */
  public record Rule(Direction direction, int priority, Optional<String> remoteGroup, PacketMatch match,
      AclAction action) {
    public Rule {
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(remoteGroup, "remoteGroup");
      Objects.requireNonNull(match, "match");
      Objects.requireNonNull(action, "action");
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("direction", direction.text());
      m.put("priority", priority);
      remoteGroup.ifPresent(g -> m.put("remote-group", g));
      m.put("match", match.toMap());
      m.put("action", action.text());
      return Collections.unmodifiableMap(m);
    }
  }

  public AclGroup {
    Objects.requireNonNull(name, "name");
    members = List.copyOf(members);
    rules = List.copyOf(rules);
  }

  /** The group as a REST answer shows it; {@link AclGroups#parseGroup} reads it back. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("members", members);
    List<Object> rs = new ArrayList<>();
    rules.forEach(r -> rs.add(r.toMap()));
    m.put("rules", rs);
    return Collections.unmodifiableMap(m);
  }
}
