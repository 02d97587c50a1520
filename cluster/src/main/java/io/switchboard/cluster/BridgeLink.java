package io.switchboard.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * What the election needs from this instance's connection to one bridge: role requests to the switch, and the
 * core's switch between programming the bridge and leaving it alone. {@link SessionLink} is the real one.
 */
interface BridgeLink {
  enum Role { MASTER, SLAVE, EQUAL, NOCHANGE }

  /** The switch's answer: this connection's role now, and the switch's generation id (-1: none known). */
  record RoleAnswer(Role role, long generation) {}

  /** The switch refused a role request as stale (OFPRRFC_STALE): it has seen a newer generation id. */
  final class StaleGenerationException extends RuntimeException {
    StaleGenerationException(long generation) {
      super("the switch refused generation " + generation + " as stale");
    }
  }

  long dpid();

  /** Sends a role request; fails with {@link StaleGenerationException} when the switch has a newer generation. */
  CompletableFuture<RoleAnswer> requestRole(Role role, long generation);

  /** This instance programs the bridge from now on (reconciling: nothing that is already right is touched). */
  void program();

  /** This instance stops sending flow changes to the bridge and ignores its packet-ins. */
  void unprogram();
}
