package io.switchboard.controller.openflow;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;

/** The switch answered a request with an OpenFlow error. */
public final class OpenFlowErrorException extends RuntimeException {
  private final transient OFErrorMsg error;

  public OpenFlowErrorException(OFErrorMsg error) {
    super("switch answered " + error.getErrType() + ": " + error);
    this.error = error;
  }

  public OFErrorMsg error() {
    return error;
  }
}
