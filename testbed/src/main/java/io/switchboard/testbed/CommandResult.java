package io.switchboard.testbed;

import java.util.List;

/** What one finished command printed and how it exited. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
  public CommandResult {
    command = List.copyOf(command);
  }

  public boolean ok() {
    return exitCode == 0;
  }

  /** stdout followed by stderr, for messages. */
  public String output() {
    if (stderr.isEmpty()) {
      return stdout;
    }
    if (stdout.isEmpty()) {
      return stderr;
    }
    return stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
  }

  public String commandLine() {
    return Shell.quote(command);
  }

  /** Returns stdout, or throws a {@link TestBedException} describing the failure. */
  public String orThrow() {
    if (!ok()) {
      throw new TestBedException(
          "command failed (exit " + exitCode + "): " + commandLine() + "\n" + output().strip());
    }
    return stdout;
  }
}
