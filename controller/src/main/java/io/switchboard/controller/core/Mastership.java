package io.switchboard.controller.core;

/**
 * Decides which controller instance programs a bridge. Standalone, this instance is master of everything; the
 * cluster module replaces it with an elected, fenced mastership. It sees each connected bridge only through a
 * {@link MastershipLink}: no OpenFlow types, no sessions, no controller.
 */
public interface Mastership {
  /** Whether this instance should program the bridge now. */
  boolean isMaster(long dpid);

  /**
   * A bridge connected to this instance. Called on the bridge's worker before anything is programmed; programming
   * starts when the mastership calls {@link MastershipLink#program()}. Must not block.
   */
  default void switchUp(MastershipLink link) {
    link.program();
  }

  /**
   * The connection behind {@code link} went (closed, or replaced by a new connection of the same dpid). Called on
   * the bridge's worker, which is one per dpid: never at the same time as a replacement's {@link #switchUp}.
   */
  default void switchDown(MastershipLink link) {}

  /**
   * The switch says this connection may no longer be master: an OFPT_ROLE_STATUS naming another role, or a flow
   * change refused with OFPBRC_IS_SLAVE. Called on the bridge's worker; must not block.
   */
  default void demoted(MastershipLink link) {}

  /** One line per bridge for {@code GET /cluster}: who masters it. */
  default String masterOf(long dpid) {
    return "local";
  }

  Mastership STANDALONE = dpid -> true;
}
