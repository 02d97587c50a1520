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

  /**
   * Runs the same switches against a {@link LoopbackController} in this JVM first ({@link SelfWarmup}), so that the
   * generator's own code (encoding packet-ins, reading flow-mods and packet-outs) is compiled before the first
   * measured second. Without it, the first second of a run measured mostly the generator's JIT: at cbench's load a
   * cold generator on one CPU could read about 40,000 answers a second, a warm one over a million; after a fixed 3 s
   * its compiler still took half its CPU for the first 3 s of the run.
   */
  static void warmUpItself(BenchOptions opts, PrintStream out) throws InterruptedException {
    warmUpItself(opts, out, SelfWarmup.MAX, CompilerQueue::optimizing);
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
    long[] answered = {0};
    SelfWarmup.Outcome o;
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.LEARNING)) {
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      o = SelfWarmup.run(opts.selfWarmup(), cap, jitQueue, length -> answered[0] += new BenchRun(
          opts.rehearsal("127.0.0.1", ctl.port(), length), quiet).run().total().answered(),
          line -> out.println("bench: self-warm-up: " + line));
    }
    out.printf(Locale.ROOT, "bench: self-warm-up: %s answers in %d round(s), %.1f s; %s%n", Report.n(answered[0]),
        o.rounds(), (System.nanoTime() - begun) / 1e9, o.jit());
    return o.rounds();
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
