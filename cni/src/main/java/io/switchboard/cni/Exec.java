package io.switchboard.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command (ip, ovs-vsctl, an IPAM plugin) with a deadline; its output and exit code. */
final class Exec {
  /** How long any one command may take before it is killed. */
  static final long TIMEOUT_MS = 10_000;

  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }
  }

  private Exec() {}

  static Result run(List<String> argv) throws CniException {
    return run(argv, null, null);
  }

  /** Runs argv with extra environment and stdin (either may be null); never throws for a non-zero exit. */
  static Result run(List<String> argv, Map<String, String> env, String stdin) throws CniException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CniException(CniException.COMMAND_FAILED, "cannot run " + argv.get(0), e.getMessage());
    }
    try {
      OutputStream in = p.getOutputStream();
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      in.close();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread drain = new Thread(() -> copy(p.getErrorStream(), err));
      drain.setDaemon(true);
      drain.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread drainOut = new Thread(() -> copy(p.getInputStream(), out));
      drainOut.setDaemon(true);
      drainOut.start();
      if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new CniException(CniException.COMMAND_FAILED, String.join(" ", argv) + " did not finish within "
            + TIMEOUT_MS + " ms");
      }
      drainOut.join(1000);
      drain.join(1000);
      return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CniException(CniException.COMMAND_FAILED, "cannot talk to " + argv.get(0), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new CniException(CniException.COMMAND_FAILED, "interrupted running " + argv.get(0));
    }
  }

  /** Runs argv and returns its stdout; a non-zero exit is an error naming the command and its stderr. */
  static String check(List<String> argv) throws CniException {
    Result r = run(argv);
    if (!r.ok()) {
      throw new CniException(CniException.COMMAND_FAILED, String.join(" ", argv) + " failed (exit " + r.exit() + ")",
          r.err().strip());
    }
    return r.out();
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException ignored) {
      // the process went away; what was read is what there is
    }
  }
}
