package io.switchboard.controller.spi;

/** A request the API refuses: status (400, 404, 409, ...) and a reason for the caller. */
public class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
