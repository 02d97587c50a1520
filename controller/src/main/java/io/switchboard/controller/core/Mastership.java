package io.switchboard.controller.core;

import io.switchboard.controller.openflow.SwitchSession;

/**
 * Decides which controller instance programs a bridge. Standalone, this instance is master of everything; the
 * cluster module replaces it with an elected, fenced mastership.
 */
public interface Mastership {
  /** Whether this instance should program the bridge now. */
  boolean isMaster(long dpid);

  /**
   * The controller this mastership serves; called once by {@link Controller#start()}, before any switch can
   * connect. A clustered mastership keeps it to call {@link Controller#unprogram} and {@link Controller#reprogram}.
   */
  default void attach(Controller controller) {}

  /** A bridge connected to this instance; called on its worker before anything is programmed. */
  default void switchUp(SwitchSession session, Runnable becameMaster) {
    becameMaster.run();
  }

  default void switchDown(SwitchSession session) {}

  /**
   * The switch says this connection may no longer be master: an OFPT_ROLE_STATUS naming another role, or a flow
   * change refused with OFPBRC_IS_SLAVE. Called on the bridge's worker; must not block.
   */
  default void demoted(SwitchSession session) {}

  /** One line per bridge for {@code GET /cluster}: who masters it. */
  default String masterOf(long dpid) {
    return "local";
  }

  Mastership STANDALONE = dpid -> true;
}
