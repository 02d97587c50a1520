package io.switchboard.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pid files and stopping the processes they name. A pid is only signalled when it still is the
 * process we started: its start time matches the one recorded in the pid file, or (for the OVS
 * daemons, which write their own pid files) its command line mentions the testbed's directory.
 */
final class Pids {
  private static final Logger log = LoggerFactory.getLogger(Pids.class);

  private Pids() {}

  /** Writes "PID\nSTART_TICKS\n" for a process we spawned. */
  static void write(Path pidFile, long pid) {
    try {
      Files.writeString(pidFile, pid + "\n" + startTicks(pid).orElse(-1) + "\n");
    } catch (IOException e) {
      throw new TestBedException("cannot write pid file " + pidFile + ": " + e.getMessage(), e);
    }
  }

  static OptionalLong read(Path pidFile) {
    List<String> lines = lines(pidFile);
    if (lines.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(lines.get(0).trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** True while the process exists and is not a zombie. */
  static boolean isRunning(long pid) {
    String stat = stat(pid);
    if (stat == null) {
      return false;
    }
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length()) {
      return false;
    }
    char state = stat.charAt(close + 2);
    return state != 'Z' && state != 'X' && state != 'x';
  }

  static OptionalLong startTicks(long pid) {
    String stat = stat(pid);
    if (stat == null) {
      return OptionalLong.empty();
    }
    // fields after "(comm)": state is field 3, starttime field 22
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    try {
      return OptionalLong.of(Long.parseLong(f[19]));
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  static String cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether the pid in pidFile is still the process that file was written for. */
  static boolean isOurs(Path pidFile, long pid, String stateDir) {
    List<String> lines = lines(pidFile);
    if (lines.size() >= 2 && !lines.get(1).isBlank() && !lines.get(1).trim().equals("-1")) {
      OptionalLong ticks = startTicks(pid);
      return ticks.isPresent() && Long.toString(ticks.getAsLong()).equals(lines.get(1).trim());
    }
    return cmdline(pid).contains(stateDir);
  }

  /**
   * Stops the process named by pidFile (and its descendants, e.g. socat's forked children) if it
   * still is ours, then deletes the file. Returns the pids signalled.
   */
  static List<Long> stop(Path pidFile, String stateDir, Duration grace) {
    List<Long> signalled = new ArrayList<>();
    OptionalLong maybe = read(pidFile);
    if (maybe.isPresent()) {
      long pid = maybe.getAsLong();
      if (isRunning(pid) && isOurs(pidFile, pid, stateDir)) {
        log.debug("stopping pid {} from {} ({})", pid, pidFile, cmdline(pid));
        signalled.addAll(stopTree(pid, grace));
      }
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // the state directory is removed afterwards anyway
    }
    return signalled;
  }

  /** SIGTERM to pid and its descendants, SIGKILL to whatever is left after grace. */
  static List<Long> stopTree(long pid, Duration grace) {
    List<ProcessHandle> targets = new ArrayList<>();
    ProcessHandle.of(pid).ifPresent(h -> {
      targets.addAll(h.descendants().toList());
      targets.add(h);
    });
    for (ProcessHandle h : targets) {
      h.destroy();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && targets.stream().anyMatch(h -> isRunning(h.pid()))) {
      sleep(20);
    }
    for (ProcessHandle h : targets) {
      if (isRunning(h.pid())) {
        log.debug("pid {} ignored SIGTERM, sending SIGKILL", h.pid());
        h.destroyForcibly();
      }
    }
    return targets.stream().map(ProcessHandle::pid).toList();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestBedException("interrupted", e);
    }
  }

  private static String stat(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return null;
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}
