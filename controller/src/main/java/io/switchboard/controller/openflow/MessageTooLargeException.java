package io.switchboard.controller.openflow;

/** A message the controller would send does not fit OpenFlow's 16-bit length field: it is refused, never sent. */
public final class MessageTooLargeException extends RuntimeException {
  public MessageTooLargeException(String message) {
    super(message);
  }
}
