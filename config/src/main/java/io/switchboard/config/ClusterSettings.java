package io.switchboard.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * @param enabled       true: this controller is a Hazelcast member
 * @param bind          this member's address
 * @param members       every member's address (TCP/IP join), normally including {@code bind}
 * @param settle        a member that starts (or rejoins after a split) claims no bridge until the member list has
 *                      not changed for this long (0: at once, as soon as it has joined)
 * @param settleTimeout how long such a member waits for every member in {@code members} to be in the cluster before
 *                      it settles without the missing ones
 */
public record ClusterSettings(boolean enabled, HostPort bind, List<HostPort> members, Duration settle,
                              Duration settleTimeout) {
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_SETTLE_TIMEOUT = Duration.ofSeconds(15);

  public ClusterSettings {
    Objects.requireNonNull(bind, "bind");
    members = List.copyOf(members);
    Objects.requireNonNull(settle, "settle");
    Objects.requireNonNull(settleTimeout, "settleTimeout");
    if (settle.isNegative() || settleTimeout.compareTo(settle) < 0) {
      throw new IllegalArgumentException("settle " + settle + " must be >= 0 and <= settle-timeout " + settleTimeout);
    }
  }

  /** With the default settling times. */
  public ClusterSettings(boolean enabled, HostPort bind, List<HostPort> members) {
    this(enabled, bind, members, DEFAULT_SETTLE, DEFAULT_SETTLE_TIMEOUT);
  }
}
