package io.switchboard.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
   * Runs the same switches against a {@link LoopbackController} in this JVM first, so that the generator's own
   * code (encoding packet-ins, reading flow-mods and packet-outs) is compiled before the first measured second.
   * Without it, the first second of a run measured mostly the generator's JIT: at cbench's load a cold generator
   * on one CPU could read about 40,000 answers a second, a warm one over a million.
   */
  static void warmUpItself(BenchOptions opts, PrintStream out) throws InterruptedException {
    out.printf(Locale.ROOT, "bench: warming up the generator itself for %.1f s (against a controller inside its own"
        + " JVM; the controller under test sees nothing of it)%n", opts.selfWarmup().toNanos() / 1e9);
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.LEARNING)) {
      BenchResult r = new BenchRun(opts.rehearsal("127.0.0.1", ctl.port(), opts.selfWarmup()),
          new PrintStream(OutputStream.nullOutputStream())).run();
      out.printf(Locale.ROOT, "bench: self-warm-up: %s answers%n", Report.n(r.total().answered()));
    }
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
