package io.switchboard.controller.core;

import io.switchboard.controller.openflow.SwitchSession;

/**
 * Decides which controller instance programs a bridge. Standalone, this instance is master of everything; the
 * cluster module replaces it with an elected, fenced mastership.
 */
public interface Mastership {
  /** Whether this instance should program the bridge now. */
  boolean isMaster(long dpid);

  /** A bridge connected to this instance; called on its worker before anything is programmed. */
  default void switchUp(SwitchSession session, Runnable becameMaster) {
    becameMaster.run();
  }

  default void switchDown(SwitchSession session) {}

  /** One line per bridge for {@code GET /cluster}: who masters it. */
  default String masterOf(long dpid) {
    return "local";
  }

  Mastership STANDALONE = dpid -> true;
}
