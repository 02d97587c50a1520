package io.switchboard.controller.core;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many methods wait for HotSpot's optimizing compiler (C2), read through the JVM's diagnostic command
 * {@code Compiler.queue} (what {@code jcmd PID Compiler.queue} prints). The server's warm-ups and the benchmark
 * generator's use it to tell when the JIT has caught up with their traffic ({@link #awaitCaughtUp}).
 */
public final class CompilerQueue {
  private static final String HEADING = "C2 compile queue:";
  /** The traffic pauses above this many methods waiting for the optimizing compiler, and goes on at this many. */
  private static final int QUEUE_PAUSE = 16;
  private static final int QUEUE_RESUME = 2;
  /** Where the queue cannot be read: the JIT counts as quiet when it compiled less than this share of a window. */
  private static final double QUIET_SHARE = 0.10;
  private static final Duration QUIET_WINDOW = Duration.ofMillis(500);

  private CompilerQueue() {}

  /**
   * A warm-up's traffic, as the wait for the compiler sees it: whether its minimum of work is done, whether every
   * driver of it has stopped (nothing more will come), and how to hold it back (true) or let it go on.
   */
  public record Traffic(BooleanSupplier worked, BooleanSupplier stopped, Consumer<Boolean> pause) {}

  /**
   * Returns once {@code budget} has passed since {@code started}, the traffic's work is done and the JIT has caught
   * up: HotSpot's optimizing compiler has nothing queued, twice in a row, with traffic on. While its queue is long
   * the traffic pauses, so that it gets the CPU; a long queue also makes HotSpot hold back further methods, which
   * the traffic after the pause then brings. Returns at the latest {@code max} after {@code begun} (the warm-up's
   * start), or when the traffic has stopped. Where the queue cannot be read (not HotSpot): once the JIT compiled
   * less than a tenth of the time, at most four times {@code budget} after {@code begun}.
   */
  public static void awaitCaughtUp(Duration budget, Duration max, long begun, long started, Traffic traffic)
      throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
    long earliest = started + budget.toNanos();
    long latest = begun + (optimizing() >= 0 ? max.toNanos() : Math.min(budget.multipliedBy(4).toNanos(),
        max.toNanos()));
    long compiled = measurable ? jit.getTotalCompilationTime() : 0;
    int drained = 0;
    boolean paused = false;
    try {
      while (true) {
        Thread.sleep(QUIET_WINDOW.toMillis());
        long now = System.nanoTime();
        if (traffic.stopped().getAsBoolean() || now >= latest) {
          return;
        }
        long total = measurable ? jit.getTotalCompilationTime() : 0;
        boolean quiet = total - compiled < QUIET_SHARE * QUIET_WINDOW.toMillis();
        compiled = total;
        boolean worked = traffic.worked().getAsBoolean();
        int queued = optimizing();
        if (queued < 0) { // not HotSpot: the compile time alone tells
          if (now >= earliest && worked && (quiet || !measurable)) {
            return;
          }
          continue;
        }
        // done when the compiler asked for nothing more twice in a row, with traffic on
        if (paused) {
          paused = queued > QUEUE_RESUME;
        } else if (queued > QUEUE_PAUSE) {
          paused = true;
          drained = 0;
        } else {
          drained = queued == 0 ? drained + 1 : 0;
          if (now >= earliest && worked && drained >= 2) {
            return;
          }
        }
        traffic.pause().accept(paused);
      }
    } finally {
      traffic.pause().accept(false);
    }
  }

  /** Methods queued for C2, or -1 when this JVM cannot tell (not HotSpot, or the command is unavailable). */
  public static int optimizing() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      Object text = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      return text instanceof String s ? count(s) : -1;
    } catch (Exception | LinkageError e) {
      return -1;
    }
  }

  /** The entries under the C2 heading of {@code Compiler.queue}'s text; -1 when there is no such heading. */
  static int count(String text) {
    int at = text.indexOf(HEADING);
    if (at < 0) {
      return -1;
    }
    int n = 0;
    for (String line : text.substring(at + HEADING.length()).split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.equals("Empty")) {
        continue;
      }
      if (l.endsWith("compile queue:")) {
        break; // another compiler's queue follows
      }
      n++;
    }
    return n;
  }
}
