package io.switchboard.cni;

/**
 * A CNI error: its code (the spec's well-known ones below 100, the plugin's own from 100), a message and details;
 * printed as the spec's error object on stdout with a non-zero exit.
 */
final class CniException extends Exception {
  static final int INCOMPATIBLE_VERSION = 1;
  static final int UNSUPPORTED_FIELD = 2;
  static final int UNKNOWN_CONTAINER = 3;
  static final int INVALID_CONFIG = 4;
  static final int IO_FAILURE = 5;
  static final int DECODE_FAILURE = 6;
  static final int INVALID_ENV = 7;
  static final int TRY_AGAIN_LATER = 11;
  static final int NOT_AVAILABLE = 50;
  /** The controller refused the request (its reason in details). */
  static final int CONTROLLER_REFUSED = 100;
  /** A command (ip, ovs-vsctl, the IPAM plugin) failed. */
  static final int COMMAND_FAILED = 101;
  /** CHECK found the attachment not as ADD left it. */
  static final int CHECK_FAILED = 102;

  private final int code;
  private final String details;

  CniException(int code, String msg, String details) {
    super(msg);
    this.code = code;
    this.details = details == null ? "" : details;
  }

  CniException(int code, String msg) {
    this(code, msg, "");
  }

  int code() {
    return code;
  }

  String details() {
    return details;
  }
}
