package io.switchboard.bench.overlay;

import io.switchboard.apps.overlay.SyntheticOverlay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The churn mode of {@link OverlayChurn}: endpoints added and deleted through REST at a fixed rate, open loop (a
 * request goes out on schedule whether or not earlier ones were answered), each living {@code --lifetime} seconds
 * on a spare port of its host; then the latencies ({@link ChurnReport}), the controller's CPU time and its memory
 * before and after ({@link ControllerProbe}).
 */
final class ChurnRun {
  private final OverlayChurn d;

  ChurnRun(OverlayChurn driver) {
    this.d = driver;
  }

  /**
   * This JVM's own side of a change (its HTTP client, the bodies, the open-loop queue), compiled for {@code seconds}
   * before the churn against a stand-in server inside this JVM that answers every add and delete at once: the
   * controller sees none of it, and the first seconds of the churn measure the controller, not this driver's JIT
   * (which shares the machine with it). The flow-mod side is compiled already by the programming of the bridges.
   */
  static void selfWarmup(int seconds, int rate, int connections) throws Exception {
    if (seconds <= 0) {
      return;
    }
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "self-warmup-server");
      t.setDaemon(true);
      return t;
    });
    server.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      boolean add = "POST".equals(ex.getRequestMethod());
      byte[] body = add ? "{\"state\": \"bound\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0];
      ex.sendResponseHeaders(add ? 201 : 204, add ? body.length : -1);
      if (add) {
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    server.setExecutor(threads);
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/overlay/endpoints";
      OpenLoopClient client = new OpenLoopClient(connections);
      AtomicInteger outstanding = new AtomicInteger();
      long period = 1_000_000_000L / Math.max(1, rate);
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      for (int c = 0; System.nanoTime() < end; c++) {
        long due = start + c * period;
        long wait = due - System.nanoTime();
        if (wait > 200_000) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        outstanding.addAndGet(2);
        client.submit(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer warm-up")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(SyntheticOverlay.churnBody(c, c % 50, c % 20, "s0"))).build(),
            (r, err) -> outstanding.decrementAndGet());
        client.submit(HttpRequest.newBuilder(URI.create(base + "/churn" + c)).header("Authorization",
            "Bearer warm-up").DELETE().build(), (r, err) -> outstanding.decrementAndGet());
      }
      long until = System.nanoTime() + 10_000_000_000L;
      while (outstanding.get() > 0 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  void run() throws Exception {
    String rest = d.opts.getOrDefault("rest", "http://127.0.0.1:8080").split(",")[0];
    String token = Files.readString(Path.of(d.opts.getOrDefault("token-file", "rest-token"))).trim();
    int rate = Integer.parseInt(d.opts.getOrDefault("rate", "200"));
    int seconds = Integer.parseInt(d.opts.getOrDefault("seconds", "60"));
    int lifetime = Integer.parseInt(d.opts.getOrDefault("lifetime", "2"));
    long pid = Long.parseLong(d.opts.getOrDefault("pid", "0"));
    int connections = Integer.parseInt(d.opts.getOrDefault("connections", "16"));
    selfWarmup(Integer.parseInt(d.opts.getOrDefault("self-warmup", "3")), rate, connections);
    OpenLoopClient client = new OpenLoopClient(connections);
    Random rnd = new Random(21);
    List<Deque<String>> freePorts = new ArrayList<>();
    for (int h = 0; h < d.hosts; h++) {
      Deque<String> free = new ArrayDeque<>();
      for (int s = 0; s < d.spare; s++) {
        free.add("s" + s);
      }
      freePorts.add(free);
    }
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    List<ChurnReport.Change> all = new ArrayList<>();
    Deque<ChurnReport.Change> live = new ArrayDeque<>();
    int total = rate * (seconds + lifetime);
    int counter = 0;
    if (!d.opts.containsKey("no-audit-wait")) {
      // a controller's first audit replaces what it assumed installed with what the switches report (a second set
      // of entries in memory, for good): memory is compared from after it
      List<String> rests = List.of(d.opts.getOrDefault("rest", "http://127.0.0.1:8080").split(","));
      HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      long until = System.nanoTime() + 45_000_000_000L;
      while (System.nanoTime() < until && rests.stream().mapToLong(r -> ControllerProbe.metric(probe, r,
          "switchboard_reconciliations_total{", "kind=\"audit\"")).sum() < d.bridges.size()) {
        Thread.sleep(200);
      }
    }
    String memBefore = ControllerProbe.memory(pid);
    Map<String, long[]> histBefore = ControllerProbe.histogram(pid);
    long cpuBefore = ControllerProbe.cpuMillis(pid);
    long ownCpuBefore = ControllerProbe.cpuMillis(ProcessHandle.current().pid());
    long churnStart = System.nanoTime();
    long measureFrom = churnStart + lifetime * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    long periodNanos = 1_000_000_000L / rate;
    long nextAdd = churnStart;
    long nextDelete = measureFrom;
    int maxOutstanding = 0;
    List<int[]> outstandingByWindow = new ArrayList<>();
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      if (now >= nextAdd) {
        nextAdd += periodNanos;
        int base = rnd.nextInt(d.endpoints);
        int host = base % d.hosts;
        int net = base % d.networks;
        String port;
        synchronized (freePorts) {
          port = freePorts.get(host).poll();
        }
        if (port != null) {
          int c = counter++;
          long mac = SyntheticOverlay.churnMac(c);
          String name = "churn" + c;
          String body = SyntheticOverlay.churnBody(c, host, net, port);
          ChurnReport.Change ch = new ChurnReport.Change(name, mac, host, port, body);
          all.add(ch);
          live.add(ch);
          ch.addSent = System.nanoTime();
          outstanding.incrementAndGet();
          client.submit(HttpRequest.newBuilder(URI.create(rest + "/api/v1/overlay/endpoints"))
              .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), (r, err) -> {
                ch.addAnswered = System.nanoTime();
                ch.addStatus = r == null ? -1 : r.statusCode();
                outstanding.decrementAndGet();
                if ((r == null || r.statusCode() != 201 && r.statusCode() != 200) && errors.incrementAndGet() <= 5) {
                  System.out.println("add " + ch.name + ": " + (r == null ? err : r.statusCode() + " " + r.body()));
                }
              });
        }
      }
      if (now >= nextDelete && !live.isEmpty()) {
        nextDelete += periodNanos;
        ChurnReport.Change ch = live.poll();
        ch.deleteSent = System.nanoTime();
        outstanding.incrementAndGet();
        client.submit(HttpRequest.newBuilder(URI.create(rest + "/api/v1/overlay/endpoints/" + ch.name))
            .header("Authorization", "Bearer " + token).DELETE().build(), (r, err) -> {
              ch.deleteAnswered = System.nanoTime();
              ch.deleteStatus = r == null ? -1 : r.statusCode();
              outstanding.decrementAndGet();
              synchronized (freePorts) {
                freePorts.get(ch.host).add(ch.port);
              }
              if ((r == null || r.statusCode() / 100 != 2) && errors.incrementAndGet() <= 5) {
                System.out.println("delete " + ch.name + ": " + (r == null ? err : r.statusCode() + " " + r.body()));
              }
            });
      }
      maxOutstanding = Math.max(maxOutstanding, outstanding.get());
      int window = (int) ((now - churnStart) / 10_000_000_000L);
      while (outstandingByWindow.size() <= window) {
        outstandingByWindow.add(new int[1]);
      }
      outstandingByWindow.get(window)[0] = Math.max(outstandingByWindow.get(window)[0], outstanding.get());
      long sleep = Math.min(nextAdd, nextDelete) - System.nanoTime();
      if (sleep > 200_000) {
        TimeUnit.NANOSECONDS.sleep(Math.min(sleep, 1_000_000));
      }
    }
    long churnEnd = System.nanoTime();
    while (outstanding.get() > 0 && System.nanoTime() - churnEnd < 30_000_000_000L) {
      Thread.sleep(20);
    }
    Thread.sleep(1000);
    long cpu = ControllerProbe.cpuMillis(pid) - cpuBefore;
    long ownCpu = ControllerProbe.cpuMillis(ProcessHandle.current().pid()) - ownCpuBefore;
    String memAfter = ControllerProbe.memory(pid);
    Map<String, long[]> histAfter = ControllerProbe.histogram(pid);
    new ChurnReport(d.macTimes, d.churnFlowMods).report(all, churnStart, measureFrom, end, outstandingByWindow,
        maxOutstanding, errors.get(), rate, seconds, total);
    double wall = (System.nanoTime() - churnStart) / 1e9;
    System.out.printf(Locale.ROOT, "CPU over the churn (%.0f s, %d changes sent): controller %.1f s (%.2f ms a change)"
        + ", this driver and its emulated bridges %.1f s%n", wall, all.size() + ChurnReport.countDeletes(all),
        cpu / 1e3, cpu / (double) Math.max(1, all.size() + ChurnReport.countDeletes(all)), ownCpu / 1e3);
    System.out.println("controller memory before churn: " + memBefore);
    System.out.println("controller memory after churn:  " + memAfter);
    if (!histAfter.isEmpty()) {
      System.out.println("classes whose live bytes grew most (jcmd GC.class_histogram, after a full GC):");
      histAfter.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1] - histBefore.getOrDefault(
          b.getKey(), new long[2])[1], a.getValue()[1] - histBefore.getOrDefault(a.getKey(), new long[2])[1]))
          .limit(8).forEach(e -> {
            long[] was = histBefore.getOrDefault(e.getKey(), new long[2]);
            System.out.printf(Locale.ROOT, "  %+9d instances %+8.1f MiB  %s%n", e.getValue()[0] - was[0],
                (e.getValue()[1] - was[1]) / 1048576.0, e.getKey());
          });
    }
  }
}
