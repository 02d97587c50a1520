package io.switchboard.config;

import java.util.List;
import java.util.Objects;

/**
 * @param enabled true: this controller is a Hazelcast member
 * @param bind    this member's address
 * @param members every member's address (TCP/IP join), normally including {@code bind}
 */
public record ClusterSettings(boolean enabled, HostPort bind, List<HostPort> members) {
  public ClusterSettings {
    Objects.requireNonNull(bind, "bind");
    members = List.copyOf(members);
  }
}
