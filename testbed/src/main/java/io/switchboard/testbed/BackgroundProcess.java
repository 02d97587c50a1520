package io.switchboard.testbed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A long-running command inside a namespace (e.g. a TCP server in a container). Tracked by a pid
 * file in the testbed's state directory, so {@link TestBed#close()} and {@link TestBed#destroy}
 * stop it even if the caller forgets.
 */
public final class BackgroundProcess implements AutoCloseable {
  private final Process process;
  private final List<String> command;
  private final Path pidFile;
  private final Path logFile;
  private final String stateDir;

  BackgroundProcess(Process process, List<String> command, Path pidFile, Path logFile, String stateDir) {
    this.process = process;
    this.command = List.copyOf(command);
    this.pidFile = pidFile;
    this.logFile = logFile;
    this.stateDir = stateDir;
  }

  static BackgroundProcess start(List<String> argv, Path pidFile, Path logFile, String stateDir) {
    Process p = Shell.spawn(argv, logFile);
    Pids.write(pidFile, p.pid());
    return new BackgroundProcess(p, argv, pidFile, logFile, stateDir);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public List<String> command() {
    return command;
  }

  /** Everything the process printed so far (stdout and stderr). */
  public String output() {
    return Shell.read(logFile);
  }

  public Path logFile() {
    return logFile;
  }

  Process process() {
    return process;
  }

  /** SIGTERM to the process and its children, SIGKILL after a second. Idempotent. */
  public void stop() {
    Pids.stop(pidFile, stateDir, Duration.ofSeconds(1));
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "pid " + pid() + ": " + Shell.quote(command);
  }
}
