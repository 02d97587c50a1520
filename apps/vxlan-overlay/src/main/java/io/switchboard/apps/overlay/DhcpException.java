package io.switchboard.apps.overlay;

/** A DHCP packet the server will not answer; {@code reason} is the label of switchboard_dhcp_dropped_total. */
final class DhcpException extends Exception {
  private final String reason;

  DhcpException(String reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
