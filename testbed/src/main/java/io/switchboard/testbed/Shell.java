package io.switchboard.testbed;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs commands with a timeout; output goes through temp files so detached daemons never block us. */
final class Shell {
  private static final Logger log = LoggerFactory.getLogger(Shell.class);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
  private static final String EXTRA_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private Shell() {}

  static CommandResult run(List<String> argv) {
    return run(argv, DEFAULT_TIMEOUT, Map.of());
  }

  static CommandResult run(List<String> argv, Duration timeout) {
    return run(argv, timeout, Map.of());
  }

  /** Runs argv to completion; a non-zero exit is returned, a timeout or a failure to start is thrown. */
  static CommandResult run(List<String> argv, Duration timeout, Map<String, String> env) {
    String line = quote(argv);
    log.debug("run: {}", line);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("switchboard-testbed-", ".out");
      err = Files.createTempFile("switchboard-testbed-", ".err");
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      configure(pb.environment());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(2, TimeUnit.SECONDS);
        throw new TestBedException("command timed out after " + timeout.toMillis() + " ms: " + line
            + "\n" + read(out) + read(err));
      }
      CommandResult result = new CommandResult(argv, p.exitValue(), read(out), read(err));
      if (!result.ok()) {
        log.debug("exit {}: {}\n{}", result.exitCode(), line, result.output().strip());
      }
      return result;
    } catch (IOException e) {
      throw new TestBedException("cannot run: " + line + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestBedException("interrupted while running: " + line, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Runs argv and returns its stdout, throwing on a non-zero exit. */
  static String check(List<String> argv) {
    return run(argv).orThrow();
  }

  /** Starts a long-running process with its output appended to logFile. */
  static Process spawn(List<String> argv, Path logFile) {
    log.debug("spawn: {} (log {})", quote(argv), logFile);
    try {
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectErrorStream(true);
      configure(pb.environment());
      return pb.start();
    } catch (IOException e) {
      throw new TestBedException("cannot start: " + quote(argv) + ": " + e.getMessage(), e);
    }
  }

  static void configure(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "");
    env.put("PATH", path.isEmpty() ? EXTRA_PATH : path + ":" + EXTRA_PATH);
    env.put("LC_ALL", "C");
  }

  static String quote(List<String> argv) {
    List<String> parts = new ArrayList<>(argv.size());
    for (String a : argv) {
      parts.add(SAFE.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return String.join(" ", parts);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left in /tmp is harmless
      }
    }
  }
}
