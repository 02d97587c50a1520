package io.switchboard.controller.openflow;

import org.projectfloodlight.openflow.protocol.OFMessage;

/** What the channel tells the controller. {@link #message} and {@link #undecodable} run on the switch's worker. */
public interface SwitchListener {
  void switchUp(SwitchSession session);

  void switchDown(SwitchSession session);

  void message(SwitchSession session, OFMessage msg);

  void undecodable(SwitchSession session, Undecodable u);

  /** Counts a message in or out by type, for metrics. */
  default void counted(boolean in, String type) {}
}
