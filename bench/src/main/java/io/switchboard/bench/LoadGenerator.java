package io.switchboard.bench;

import io.switchboard.controller.core.CompilerQueue;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * A cbench-like OpenFlow load generator: emulated switches connect to a controller, send packet-ins and count
 * the valid answers. See docs/performance.md.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.switchboard.bench.LoadGenerator --controller 127.0.0.1:6653 \
 *     --switches 16 --macs 100 --mode throughput --loops 5 --loop-seconds 5 --warmup 3 --of 1.3
 * </pre>
 *
 * Exit status: 0 when every switch connected and something was measured, 1 when switches failed or nothing was
 * answered, 2 for bad arguments.
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  public static void main(String[] args) throws Exception {
    BenchOptions opts;
    try {
      opts = BenchOptions.parse(args);
      requireLoopback(opts.host());
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("LoadGenerator: " + e.getMessage());
      }
      System.err.print(BenchOptions.USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    if (!opts.selfWarmup().isZero() && opts.mode() != BenchOptions.Mode.CONNECT) {
      warmUpItself(opts, System.out);
    }
    BenchResult result = new BenchRun(opts, System.out).run();
    Report.print(result, System.out);
    System.out.flush();
    boolean ok = result.failures().isEmpty()
        && (opts.mode() == BenchOptions.Mode.CONNECT ? result.handshake().connected() == opts.switches()
        : result.total().answered() > 0);
    System.exit(ok ? 0 : 1);
  }

  /** No round of the self-warm-up starts after this, whatever the JIT says (unless more time is asked). */
  static final Duration SELF_WARMUP_MAX = Duration.ofSeconds(20);
  /** How often a long self-warm-up says how it goes. */
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  /** One round after the first: the JIT's queue is read between rounds. */
  private static final Duration ROUND = Duration.ofSeconds(1);

  /**
   * Runs the same switches against a {@link LoopbackController} in this JVM first, so that the generator's own
   * code (encoding packet-ins, reading flow-mods and packet-outs) is compiled before the first measured second:
   * for the time asked, then in rounds of a second until HotSpot's optimizing compiler has nothing queued after two
   * rounds in a row ({@link CompilerQueue}); no round starts after {@link #SELF_WARMUP_MAX}. Without it, the first
   * second of a run measured mostly the generator's JIT: at cbench's load a cold generator on one CPU could read
   * about 40,000 answers a second, a warm one over a million; after a fixed 3 s its compiler still took half its CPU
   * for the first 3 s of the run.
   */
  static void warmUpItself(BenchOptions opts, PrintStream out) throws InterruptedException {
    warmUpItself(opts, out, SELF_WARMUP_MAX, CompilerQueue::optimizing);
  }

  /**
   * {@link #warmUpItself(BenchOptions, PrintStream)}: no round starts after {@code cap} (or the time asked, when
   * longer); {@code jitQueue} says how many methods wait for the optimizing compiler, -1 when it cannot tell.
   * Returns the rounds run.
   */
  static int warmUpItself(BenchOptions opts, PrintStream out, Duration cap, java.util.function.IntSupplier jitQueue)
      throws InterruptedException {
    out.printf(Locale.ROOT, "bench: warming up the generator itself for at least %.1f s, then until its JIT has caught"
        + " up (against a controller inside its own JVM; the controller under test sees nothing of it)%n",
        opts.selfWarmup().toNanos() / 1e9);
    long begun = System.nanoTime();
    long latest = begun + Math.max(opts.selfWarmup().toNanos(), cap.toNanos());
    long answered = 0;
    int rounds = 0;
    int drained = 0;
    int queued;
    long said = begun;
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.LEARNING)) {
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      do {
        Duration round = rounds == 0 ? opts.selfWarmup() : ROUND;
        answered += new BenchRun(opts.rehearsal("127.0.0.1", ctl.port(), round), quiet).run().total().answered();
        rounds++;
        queued = jitQueue.getAsInt();
        drained = queued == 0 ? drained + 1 : 0;
        long now = System.nanoTime();
        if (now - said >= PROGRESS_EVERY.toNanos()) { // it may take 20 s: say how it goes
          said = now;
          out.printf(Locale.ROOT, "bench: self-warm-up: %.0f s, %d round(s), %s%n", (now - begun) / 1e9, rounds,
              queued < 0 ? "the JIT's queue cannot be read" : queued + " queued for the JIT");
        }
      } while ((queued > 0 || queued == 0 && drained < 2) && System.nanoTime() < latest);
    }
    out.printf(Locale.ROOT, "bench: self-warm-up: %s answers in %d round(s), %.1f s; %s%n", Report.n(answered),
        rounds, (System.nanoTime() - begun) / 1e9, queued < 0 ? "(the JIT's queue cannot be read here)"
        : drained >= 2 ? "the JIT has caught up"
        : queued == 0 ? "the JIT's queue was empty after the last round only (stopped at the cap)"
        : queued + (queued == 1 ? " method" : " methods") + " still queued for the JIT (stopped at the cap)");
    return rounds;
  }

  /** This tool only loads controllers on this machine: its traffic stays on loopback. */
  static void requireLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException("--controller must be a loopback address (127.0.0.1, ::1, localhost); "
              + host + " is " + a.getHostAddress());
        }
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host);
    }
  }
}
