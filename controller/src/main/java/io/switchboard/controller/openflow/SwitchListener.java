package io.switchboard.controller.openflow;

import org.projectfloodlight.openflow.protocol.OFMessage;

/** What the channel tells the controller. {@link #message} and {@link #undecodable} run on the switch's worker. */
public interface SwitchListener {
  void switchUp(SwitchSession session);

  /**
   * Whether a connection that finished its handshake may be the bridge it claims to be (dpid, name, and over TLS
   * {@link SwitchSession#peerCertificate()}): null admits it, otherwise the reason it is refused; it is then closed
   * without {@link #switchUp}. Runs on the Netty event loop: must not block.
   */
  default String refusal(SwitchSession session) {
    return null;
  }

  void switchDown(SwitchSession session);

  void message(SwitchSession session, OFMessage msg);

  void undecodable(SwitchSession session, Undecodable u);

  /** Counts a message in or out by type, for metrics. */
  default void counted(boolean in, String type) {}

  /**
   * A switch hit one of its bounds (inbox, outbound, multipart, message size): count it, log it once per interval.
   * May be called on any thread.
   */
  default void limitHit(SwitchSession session, String limit, String why) {}

  /** A connection was refused before its handshake (too many connections, handshakes, or from one source). */
  default void connectionRefused(String reason, String remote) {}
}
