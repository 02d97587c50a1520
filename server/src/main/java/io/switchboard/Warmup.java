package io.switchboard;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.core.CompilerQueue;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm-up before the controller listens, where bridges' work runs on the connections' event loops (cluster off,
 * every enabled app promises never to block): a throwaway controller with fresh instances of the enabled apps and
 * an in-memory store listens on ephemeral loopback ports (OpenFlow, and REST with a token file of its own), and 16
 * in-process OpenFlow 1.0 switches ({@link WarmupSwitch}, a thread each) drive its packet-in path - handshake,
 * flow stats, learning, new pairs answered by buffered flow-mods, known pairs and full pair tables by packet-outs -
 * with a mix of frames. Three in four keep an inbox full (1,024 packet-ins in flight) every other half second and
 * send one at a time in between, the others one in flight all along, as latency-bound switches do; each connects
 * anew now and then. Meanwhile its REST API is read the way a
 * monitoring system reads a controller ({@link WarmupMonitor}): REST runs on Netty too, and code compiled for
 * OpenFlow alone is thrown away at the first request of another kind.
 *
 * <p>Once the switches are programmed it runs for the time asked, then on until the controller has answered
 * {@value #MIN_ANSWERED} packet-ins and added {@value #MIN_ADDED} entries (so that the JIT has seen the adding
 * path often enough to compile it fully, on a slow machine too) and until the JIT has caught up: HotSpot's
 * optimizing compiler has nothing queued, twice in a row, with traffic on ({@link CompilerQueue}). While its queue
 * is long the switches pause, so that it gets the CPU; a long queue also makes HotSpot hold back further methods,
 * which the traffic after the pause then brings. At most {@link #MAX}. (Where the queue cannot be read: while the
 * JIT compiles more than a tenth of the time, at most four times the time asked.) What is compiled here is what
 * the first switches of the real controller would otherwise wait for, on a CPU shared with the compiler. Nothing
 * of the throwaway controller outlives it: its REST server and the thread reading it, its store, apps and event
 * loops are closed afterwards, and its token file's directory removed.
 *
 * <p>With the vxlan-overlay app enabled, the overlay's change path is warmed up instead ({@link OverlayWarmup}),
 * with the same wait for the compiler. Neither runs with the cluster on.
 *
 * <p>Off unless the system property {@value #PROPERTY} names a duration ({@code 3s}, {@code 1500ms}; {@code 0}:
 * off); the launcher sets it (SWITCHBOARD_WARMUP).
 */
final class Warmup {
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);
  static final String PROPERTY = "switchboard.warmup";
  /** With this app enabled the overlay's change path is warmed up ({@link OverlayWarmup}), not the packet-in path. */
  private static final String OVERLAY = "vxlan-overlay";
  private static final Duration MAX = Duration.ofSeconds(20);
  /** The longest time one may ask for (a minimum: more than {@link #MAX} raises the cap to it). */
  private static final Duration LONGEST_ASKED = Duration.ofSeconds(30);
  /** How long the handshake may take (loading the classes of a cold JVM), before the time asked starts. */
  private static final Duration HANDSHAKE = Duration.ofSeconds(10);
  /** Work done before the JIT's going quiet can end the warm-up: packet-ins answered and entries added. */
  static final long MIN_ANSWERED = 300_000;
  static final long MIN_ADDED = 60_000;
  /**
   * A switch reconnects after answering this many packet-ins (a tenth of it with one in flight): new connections
   * take branches (the handshake's states and messages, a new bridge) that a JIT which compiled only steady traffic
   * would throw its code away for when the first real switch connects.
   */
  static final long RECONNECT_AFTER = 10_000;
  /** A bound on the work, whatever the time: packet-ins answered per switch. */
  private static final long MAX_ANSWERS = 2_000_000;
  /** Packet-ins in flight per switch that keeps its inbox full: as many as a switch's inbox holds. */
  private static final int WINDOW = 1024;
  /** Switches driving it at once: as many as cbench's standard run, each with its own connection and thread. */
  private static final int SWITCHES = 16;
  /** How long each switch may take to stop once told to; past it, closing the controller ends its connection. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(2);
  /** When, after the switches are programmed, a second REST server starts (see {@link #drive}). */
  private static final Duration SECOND_REST_AFTER = Duration.ofSeconds(2);

  private Warmup() {}

  /** The duration the property asks for; empty when it is absent or zero. Bad text is an error naming it. */
  static Duration requested(String text) {
    if (text == null || text.isBlank()) {
      return Duration.ZERO;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.equals("0")) {
        d = Duration.ZERO;
      } else {
        throw new NumberFormatException();
      }
      if (d.isNegative() || d.compareTo(LONGEST_ASKED) > 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + text + ": expected a duration of 0 to 30s, e.g. 2s"
          + " or 1500ms (0: no warm-up)");
    }
  }

  /**
   * Runs the warm-up if the property asks for one, for the apps {@code config} enables. A malformed property stops
   * the start with an error naming it; the warm-up itself never fails the start.
   * Returns the packet-ins it answered, -1 when it did not run.
   */
  static long maybeRun(SwitchboardConfig config) {
    return maybeRun(config, requested(System.getProperty(PROPERTY)));
  }

  static long maybeRun(SwitchboardConfig config, Duration budget) {
    if (budget.isZero()) {
      return -1;
    }
    if (config.cluster().enabled()) {
      log.info("warm-up skipped: with the cluster on, a member joins at once (its store and its bridges' work differ"
          + " from a throwaway controller's)");
      return -1;
    }
    List<ControllerApp> apps = new ArrayList<>();
    ControllerApp overlay = null;
    String blocking = null;
    for (ControllerApp a : Switchboard.discoverApps()) { // fresh instances, not the real controller's
      if (config.apps().contains(a.name())) {
        apps.add(a);
        if (a.name().equals(OVERLAY)) {
          overlay = a;
        }
        if (!a.nonBlocking() && blocking == null) {
          blocking = a.name();
        }
      }
    }
    if (overlay == null && blocking != null) {
      log.info("warm-up skipped: app {} may block, so bridges' work runs on the worker pool", blocking);
      return -1;
    }
    if (apps.isEmpty()) {
      log.info("warm-up skipped: no app enabled");
      return -1;
    }
    try { // with the overlay, its changes are what a running controller does most
      return overlay != null ? OverlayWarmup.run(overlay, budget, cap(budget)).changes() : run(apps, budget);
    } catch (Exception | LinkageError e) {
      log.warn("warm-up stopped early: {}", e.toString());
      return -1;
    }
  }

  /** The throwaway controller and its switches; returns the packet-ins answered. */
  static long run(List<ControllerApp> apps, Duration budget) throws Exception {
    return run(apps, budget, cap(budget), RECONNECT_AFTER).answered();
  }

  /** When a warm-up stops at the latest: {@link #MAX}, or the time asked when that is longer. */
  static Duration cap(Duration budget) {
    return budget.compareTo(MAX) > 0 ? budget : MAX;
  }

  /**
   * Runs {@code body} with the controller's loggers at ERROR: a throwaway controller's lines (switches connecting,
   * endpoints added, a cold JVM's slow first batches) would read as the real one's. The level is restored after.
   */
  static <T> T quietly(java.util.concurrent.Callable<T> body) throws Exception {
    ch.qos.logback.classic.Logger core = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.switchboard");
    ch.qos.logback.classic.Level level = core.getLevel();
    core.setLevel(ch.qos.logback.classic.Level.ERROR);
    try {
      return body.call();
    } finally {
      core.setLevel(level);
    }
  }

  /** What a warm-up did: packet-ins answered, entries added, connections made, REST reads answered. */
  record Outcome(long answered, long added, long connections, long restReads) {}

  /**
   * {@link #run(List, Duration)}, with its switches' traffic stopped {@code max} after the warm-up began at the
   * latest (tests: a short one), each switch reconnecting after {@code reconnectAfter} answers.
   */
  static Outcome run(List<ControllerApp> apps, Duration budget, Duration max, long reconnectAfter)
      throws Exception {
    long started = System.nanoTime();
    String yaml = """
        openflow:
          listen: 127.0.0.1:0
        rest:
          listen: 127.0.0.1:0
          token-file: "%s"
        apps: [%s]
        l2-learning:
          packet-in-budget: 1000000
          max-hosts-per-port: 1000000
          max-hosts-per-vlan: 1000000
          max-hosts-per-switch: 1000000
          forget-after: 0s
        reconcile:
          audit-interval: 24h
        """;
    // (forget-after 0s: its switches' hosts are forgotten as they leave, not by a timer that outlives it; its REST
    // API has a token file of its own, removed afterwards)
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("switchboard-warmup");
    Outcome outcome;
    try {
      SwitchboardConfig cfg = ConfigLoader.parse(yaml.formatted(dir.resolve("token"),
          String.join(", ", apps.stream().map(ControllerApp::name).toList())), "<warm-up>");
      log.info("warm-up: compiling the packet-in path before listening, on a throwaway controller (at least {} ms,"
          + " then until the JIT has caught up, at most {} s; -D{}=0 turns it off)", budget.toMillis(),
          max.toSeconds(), PROPERTY);
      outcome = quietly(() -> drive(cfg, apps, budget, max, reconnectAfter, started));
    } finally {
      OverlayWarmup.deleteTree(dir);
    }
    log.info("warm-up: {} packet-ins answered and {} entries added by a throwaway controller in {} ms, its REST API"
        + " read {} times (compiling the packet-in path before listening; -D{}=0 turns it off)", outcome.answered(),
        outcome.added(), (System.nanoTime() - started) / 1_000_000, outcome.restReads(), PROPERTY);
    return outcome;
  }

  /** The throwaway controller and its switches, until the JIT has caught up with them. */
  private static Outcome drive(SwitchboardConfig cfg, List<ControllerApp> apps, Duration budget, Duration max,
      long reconnectAfter, long started) throws Exception {
    try (Controller c = new Controller(cfg, apps, new InMemoryStoreFactory(), Mastership.STANDALONE)) {
      InetSocketAddress at = c.start();
      // its REST API, read the way a monitoring system does, so that what REST and OpenFlow share is compiled for
      // both (closed before the controller, in the finally below)
      ReadRest rest = ReadRest.start(c);
      // several switches at once, each on its own thread and connection: the real ones share event loops too
      java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(SWITCHES,
          r -> {
            Thread t = new Thread(r, "warm-up-switch");
            t.setDaemon(true);
            return t;
          });
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<ReadRest> second = new AtomicReference<>();
      CountDownLatch programmed = new CountDownLatch(SWITCHES);
      WarmupSwitch.Tally tally = new WarmupSwitch.Tally();
      Thread secondStarter = null;
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < SWITCHES; i++) {
          long dpid = 0x5757_0000L + i;
          int index = i;
          int window = i % 4 == 3 ? 1 : WINDOW;
          long perConnection = window == 1 ? reconnectAfter / 10 : reconnectAfter;
          runs.add(threads.submit(() -> {
            long total = 0;
            long traffic = 0;
            // the switch connects anew now and then, so that connecting is also seen by compiled code; its
            // traffic goes on where it stopped
            while (!stop.get() && total < MAX_ANSWERS) {
              try (Socket socket = new Socket(at.getAddress(), at.getPort())) {
                WarmupSwitch sw = new WarmupSwitch(socket, dpid, index, window, programmed::countDown, tally,
                    traffic);
                tally.connections.incrementAndGet();
                total += sw.drive(stop::get, Math.max(1, Math.min(perConnection, MAX_ANSWERS - total)),
                    HANDSHAKE.toNanos());
                if (!sw.wasProgrammed()) {
                  break; // the handshake did not finish: no point in trying again
                }
                traffic = sw.trafficSent();
              }
            }
            return null;
          }));
        }
        // a second REST server, on threads of its own, read from SECOND_REST_AFTER on: what a thread does the first
        // time it runs Netty's shared code (its FastThreadLocals set up) is seen while that code is still being
        // compiled, not first at the real REST server's first request, which sent the decoder's compiled read path
        // back to the first tier just before the first switches connected
        secondStarter = new Thread(() -> {
          try {
            programmed.await(HANDSHAKE.toMillis(), TimeUnit.MILLISECONDS);
            Thread.sleep(Math.min(SECOND_REST_AFTER.toMillis(), budget.toMillis()));
            synchronized (second) {
              if (!stop.get()) {
                second.set(ReadRest.start(c));
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (Exception e) {
            log.debug("warm-up: the second REST server did not start: {}", e.toString()); // the rest goes on
          }
        }, "warm-up-second-rest");
        secondStarter.setDaemon(true);
        secondStarter.start();
        waitForTheCompiler(budget, max, started, programmed, runs, tally);
        stop.set(true);
        for (Future<?> r : runs) {
          try {
            r.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (ExecutionException | TimeoutException e) {
            // that switch stalled or failed; closing the throwaway controller below ends its connection
            log.debug("a warm-up switch did not finish: {}", e.toString());
          }
        }
        ReadRest other = second.get();
        return new Outcome(tally.answered.get(), tally.added.get(), tally.connections.get(),
            rest.reads() + (other == null ? 0 : other.reads()));
      } finally {
        stop.set(true);
        threads.shutdownNow();
        if (secondStarter != null) {
          secondStarter.interrupt();
          secondStarter.join(STOP_WAIT.toMillis());
        }
        ReadRest other;
        synchronized (second) { // after this, the starter starts nothing (stop is set)
          other = second.get();
        }
        try (ReadRest r2 = other; ReadRest r1 = rest) {
          // both closed, each monitor before its server
        }
      }
    }
  }

  /** A throwaway REST server and the monitor reading it; closing stops the monitor, then the server. */
  private record ReadRest(RestServer server, WarmupMonitor monitor) implements AutoCloseable {
    /** Starts a REST server for {@code c} on an ephemeral loopback port and a monitor reading it. */
    static ReadRest start(Controller c) throws Exception {
      RestServer server = new RestServer(c);
      try {
        return new ReadRest(server, new WarmupMonitor(server.start("127.0.0.1", 0)).start());
      } catch (Exception e) {
        server.close();
        throw e;
      }
    }

    long reads() {
      return monitor.answered();
    }

    @Override
    public void close() {
      try {
        monitor.close();
      } finally {
        server.close();
      }
    }
  }

  /**
   * Returns once the switches are programmed (or {@link #HANDSHAKE} has passed) and then the JIT has caught up with
   * their traffic ({@link CompilerQueue#awaitCaughtUp}: the time asked counts from when they are programmed, the
   * cap {@code max} from the warm-up's start {@code begun}, handshakes included).
   */
  private static void waitForTheCompiler(Duration budget, Duration max, long begun, CountDownLatch programmed,
                                         List<? extends Future<?>> runs, WarmupSwitch.Tally tally)
      throws InterruptedException {
    programmed.await(HANDSHAKE.toMillis(), TimeUnit.MILLISECONDS);
    CompilerQueue.awaitCaughtUp(budget, max, begun, System.nanoTime(), new CompilerQueue.Traffic(
        () -> tally.answered.get() >= MIN_ANSWERED && tally.added.get() >= MIN_ADDED,
        () -> runs.stream().allMatch(Future::isDone), paused -> tally.paused = paused));
  }
}
