package io.switchboard;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.switchboard.apps.overlay.SyntheticOverlay;
import io.switchboard.config.ConfigLoader;
import io.switchboard.controller.core.CompilerQueue;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.openflow.EmulatedBridge;
import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vxlan-overlay's warm-up, before the controller listens: a throwaway controller (a fresh instance of the app, an
 * in-memory store, its own REST API with a token of its own, everything on ephemeral loopback ports) holds a small
 * synthetic overlay ({@link SyntheticOverlay}: {@value #HOSTS} hosts, {@value #NETWORKS} networks joined in pairs by
 * routers, {@value #ENDPOINTS} endpoints), {@value #HOSTS} emulated OpenFlow 1.3 bridges ({@link EmulatedBridge})
 * connect to it, and {@value #CLIENTS} clients add and delete endpoints through {@code POST} and {@code DELETE
 * /api/v1/overlay/endpoints} as a container platform does, while audits read the bridges' tables every second. So the
 * JIT compiles the change path end to end (HTTP, validation, the topology, the bridges' sections, the flow
 * programmer, the flow-mods' encoding, the audits) before the first real change needs it: a cold controller took
 * 10-40 s to catch up with 200 adds and 200 deletes a second (docs/overlay-scale.md).
 *
 * <p>It runs for the time asked, then on until {@value #MIN_CHANGES} changes are done and the JIT has caught up
 * ({@link CompilerQueue#awaitCaughtUp}), at most {@code max}. Nothing of it outlives it: its controller, REST
 * server, bridges, threads and token file are gone afterwards. {@link Warmup#maybeRun} decides when it runs.
 */
final class OverlayWarmup {
  private static final Logger log = LoggerFactory.getLogger(OverlayWarmup.class);
  static final int HOSTS = 8;
  /**
   * With 8 hosts, each host holds three networks and reaches six of the twelve (its own and their routers' peers): a
   * change then leaves some bridges alone and brings a bridge endpoints it does not reach, as in a real overlay. With
   * 6, every bridge reached every network, and the first real change threw the compiled change path away.
   */
  static final int NETWORKS = 12;
  static final int ENDPOINTS = 192;
  /** Free ports per host for the endpoints the clients add. */
  private static final int SPARE = 16;
  /** Clients, one request in flight each; client k adds on host k. */
  static final int CLIENTS = HOSTS;
  /** Changes (adds and deletes answered) before the JIT's going quiet can end the warm-up. */
  static final long MIN_CHANGES = 6_000;
  /** Run-time endpoint numbers wrap here (their addresses must stay in 172.x.100.2 - 172.x.219.251). */
  private static final int NAMES = 30_000;
  /** How long the bridges may take to be programmed (loading the classes of a cold JVM). */
  private static final Duration PROGRAMMED = Duration.ofSeconds(10);
  /** A bridge counts as programmed once it has entries and got no flow-mod for this long. */
  private static final Duration SETTLED = Duration.ofMillis(300);
  /** Clients give up after this many failed requests in a row: something is wrong, the warm-up ends. */
  private static final int FAILURES = 20;

  private OverlayWarmup() {}

  /** What the warm-up did: changes answered with success, changes refused or failed, flow-mods the bridges got. */
  record Outcome(long changes, long failed, long flowMods) {}

  /** The shared counts of the clients and the bridges. */
  private static final class Tally {
    final AtomicLong changes = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong flowMods = new AtomicLong();
    final AtomicInteger next = new AtomicInteger();
    volatile boolean paused;
  }

  /**
   * Runs the warm-up with {@code overlay}, a fresh instance of the vxlan-overlay app: at least {@code budget} once
   * the bridges are programmed, at most {@code max} from its start.
   */
  static Outcome run(ControllerApp overlay, Duration budget, Duration max) throws Exception {
    return run(overlay, budget, max, MIN_CHANGES);
  }

  /** {@link #run(ControllerApp, Duration, Duration)} with a floor of {@code minChanges} (tests: a short one). */
  static Outcome run(ControllerApp overlay, Duration budget, Duration max, long minChanges) throws Exception {
    long begun = System.nanoTime();
    Tally tally = new Tally();
    log.info("warm-up: compiling the overlay's change path before listening, on a throwaway controller (at least {}"
        + " ms, then until the JIT has caught up, at most {} s; -D{}=0 turns it off)", budget.toMillis(),
        max.toSeconds(), Warmup.PROPERTY);
    Warmup.quietly(() -> {
      Path dir = Files.createTempDirectory("switchboard-warmup");
      try (Controller c = new Controller(ConfigLoader.parse(config(dir.resolve("token")), "<overlay warm-up>"),
          List.of(overlay), new InMemoryStoreFactory(), Mastership.STANDALONE)) {
        drive(c, c.start(), tally, budget, max, begun, minChanges);
      } finally {
        deleteTree(dir);
      }
      return null;
    });
    if (tally.failed.get() > 0) {
      log.warn("warm-up: {} endpoint changes of the throwaway controller were refused or failed (the warm-up compiled"
          + " less; the controller is not affected)", tally.failed.get());
    }
    log.info("warm-up: {} endpoint changes through REST, {} flow-mods to {} emulated bridges, in {} ms (compiling"
        + " the overlay's change path before listening; -D{}=0 turns it off)", tally.changes.get(),
        tally.flowMods.get(), HOSTS, (System.nanoTime() - begun) / 1_000_000, Warmup.PROPERTY);
    return new Outcome(tally.changes.get(), tally.failed.get(), tally.flowMods.get());
  }

  /**
   * The throwaway controller's REST API, bridges and clients, until the JIT has caught up; everything they started
   * is stopped on the way out, whatever happened.
   */
  private static void drive(Controller c, InetSocketAddress of, Tally tally, Duration budget, Duration max,
      long begun, long minChanges) throws Exception {
    RestServer rest = new RestServer(c);
    EventLoopGroup group = null;
    ExecutorService clients = null;
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> runs = new ArrayList<>();
    try {
      group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      // the clients, and the HTTP client's own tasks
      clients = Executors.newFixedThreadPool(CLIENTS + 2, r -> {
        Thread t = new Thread(r, "warm-up-client");
        t.setDaemon(true);
        return t;
      });
      InetSocketAddress ra = rest.start("127.0.0.1", 0);
      String base = "http://127.0.0.1:" + ra.getPort() + RestServer.BASE + "/overlay/endpoints";
      String token = Files.readString(rest.tokenFile()).trim();
      awaitProgrammed(connect(group, of, tally));
      // (Java 17's HttpClient cannot be closed: its selector thread ends once it is unreachable)
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2)).executor(clients).build();
      for (int k = 0; k < CLIENTS; k++) {
        int host = k;
        runs.add(clients.submit(() -> {
          churn(http, base, token, host, stop, tally);
          return null;
        }));
      }
      CompilerQueue.awaitCaughtUp(budget, max, begun, System.nanoTime(), new CompilerQueue.Traffic(
          () -> tally.changes.get() >= minChanges, () -> runs.stream().allMatch(Future::isDone),
          paused -> tally.paused = paused));
    } finally {
      stop.set(true);
      try {
        for (Future<?> r : runs) { // each client ends after its request in flight
          try {
            r.get(2, TimeUnit.SECONDS);
          } catch (ExecutionException | TimeoutException e) {
            log.debug("a warm-up client did not finish: {}", e.toString());
          }
        }
      } finally {
        if (clients != null) {
          clients.shutdownNow();
        }
        try {
          if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
          }
        } finally {
          rest.close();
        }
      }
    }
  }

  /** The throwaway controller's config: loopback, ephemeral ports, its own token, audits every second. */
  static String config(Path tokenFile) {
    return """
        apps: [vxlan-overlay]
        openflow:
          listen: 127.0.0.1:0
        rest:
          listen: 127.0.0.1:0
          token-file: "%s"
        reconcile:
          audit-interval: 1s
        """.formatted(tokenFile.toString().replace("\\", "\\\\").replace("\"", "\\\""))
        + new SyntheticOverlay(HOSTS, ENDPOINTS, NETWORKS, 2).config();
  }

  /** The ports of each emulated bridge: the config's endpoints' ({@code p<i>}), the spare ones, the tunnel port. */
  static List<String> ports() {
    List<String> out = new ArrayList<>();
    for (int p = 0; p < (ENDPOINTS + HOSTS - 1) / HOSTS; p++) {
      out.add("p" + p);
    }
    for (int s = 0; s < SPARE; s++) {
      out.add("s" + s);
    }
    out.add("vxlan0");
    return out;
  }

  private static List<EmulatedBridge> connect(EventLoopGroup group, InetSocketAddress of, Tally tally)
      throws InterruptedException {
    List<EmulatedBridge> bridges = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      EmulatedBridge b = new EmulatedBridge(0x5742_0000L + h, "br-h" + h, ports(), 1,
          (bridge, fm, nanos) -> tally.flowMods.incrementAndGet());
      new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000).handler(b.initializer(0)).connect(of).sync();
      bridges.add(b);
    }
    return bridges;
  }

  /** Until every bridge has entries and none got a flow-mod for {@link #SETTLED}; at most {@link #PROGRAMMED}. */
  private static void awaitProgrammed(List<EmulatedBridge> bridges) throws InterruptedException {
    long until = System.nanoTime() + PROGRAMMED.toNanos();
    while (System.nanoTime() < until) {
      long now = System.nanoTime();
      if (bridges.stream().allMatch(b -> b.size() > 0 && now - b.lastFlowModAt() > SETTLED.toNanos())) {
        return;
      }
      Thread.sleep(50);
    }
  }

  /**
   * Client {@code host}: adds endpoints on that host (on its spare ports; three in four in a network the host
   * already has, the others in any) and deletes the oldest once the ports are taken, one request at a time, until
   * told to stop or {@value #FAILURES} changes in a row failed; holds back while paused.
   */
  private static void churn(HttpClient http, String base, String token, int host, AtomicBoolean stop, Tally tally)
      throws InterruptedException {
    Random rnd = new Random(host);
    Deque<String> free = new ArrayDeque<>();
    for (int s = 0; s < SPARE; s++) {
      free.add("s" + s);
    }
    Deque<String[]> live = new ArrayDeque<>(); // {name, port}
    int failures = 0;
    while (!stop.get() && failures < FAILURES) {
      if (tally.paused) {
        Thread.sleep(20);
        continue;
      }
      HttpRequest req;
      String[] added = null;
      if (!free.isEmpty() && (live.size() < SPARE / 2 || rnd.nextBoolean())) {
        int c = Math.floorMod(tally.next.getAndIncrement(), NAMES);
        // the host's own networks are those of its config endpoints: e % NETWORKS for e = host (mod HOSTS)
        int net = rnd.nextInt(4) > 0 ? (host + HOSTS * rnd.nextInt(NETWORKS)) % NETWORKS : rnd.nextInt(NETWORKS);
        added = new String[] {"churn" + c, free.poll()};
        req = HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString(SyntheticOverlay.churnBody(c, host, net, added[1]))).build();
      } else {
        String[] gone = live.poll();
        if (gone == null) {
          break;
        }
        free.add(gone[1]);
        req = HttpRequest.newBuilder(URI.create(base + "/" + gone[0])).header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(5)).DELETE().build();
      }
      int status;
      try {
        status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        status = -1;
      }
      if (status / 100 == 2) {
        tally.changes.incrementAndGet();
        failures = 0;
        if (added != null) {
          live.add(added);
        }
      } else {
        tally.failed.incrementAndGet();
        failures++;
        if (added != null) {
          free.add(added[1]);
        }
      }
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("warm-up: could not remove {}: {}", dir, e.toString());
    }
  }
}
