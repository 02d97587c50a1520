package io.switchboard.testbed;

/** A testbed operation failed; the message carries the command line, exit code and output. */
public final class TestBedException extends RuntimeException {
  public TestBedException(String message) {
    super(message);
  }

  public TestBedException(String message, Throwable cause) {
    super(message, cause);
  }
}
