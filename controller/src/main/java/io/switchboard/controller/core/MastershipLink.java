package io.switchboard.controller.core;

import java.util.concurrent.CompletableFuture;

/**
 * This instance's connection to one bridge, as a {@link Mastership} sees it: role requests to the switch, and the
 * core's switch between programming the bridge and leaving it alone. The controller implements it over its OpenFlow
 * sessions; a mastership needs nothing else (no OpenFlow types, no sessions, no controller).
 */
public interface MastershipLink {
  /** The roles of OpenFlow's role request; NOCHANGE asks the switch's generation without changing anything. */
  enum Role { MASTER, SLAVE, EQUAL, NOCHANGE }

  /** The switch's answer: this connection's role now, and the switch's generation id (-1: none known). */
  record RoleAnswer(Role role, long generation) {}

  /** The switch refused a role request as stale (OFPRRFC_STALE): it has seen a newer generation id. */
  final class StaleGenerationException extends RuntimeException {
    public StaleGenerationException(long generation) {
      super("the switch refused generation " + generation + " as stale");
    }
  }

  long dpid();

  /** Sends a role request; fails with {@link StaleGenerationException} when the switch has a newer generation. */
  CompletableFuture<RoleAnswer> requestRole(Role role, long generation);

  /**
   * This instance programs the bridge from now on (reconciling: nothing that is already right is touched). Runs the
   * work on the bridge's worker; returns at once.
   */
  void program();

  /** This instance stops sending flow changes to the bridge and ignores its packet-ins; returns at once. */
  void unprogram();
}
