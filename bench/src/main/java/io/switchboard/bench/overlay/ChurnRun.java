package io.switchboard.bench.overlay;

import io.switchboard.apps.overlay.SyntheticOverlay;
import io.switchboard.bench.SelfWarmup;
import io.switchboard.controller.core.CompilerQueue;
import java.net.http.HttpClient;
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
   * This JVM's own side of a change (its HTTP client, the bodies, the open-loop queue), compiled before the churn
   * against a stand-in server inside this JVM that answers every add and delete at once: the controller sees none
   * of it. It runs for {@code seconds}, then on until its JIT has caught up ({@link SelfWarmup}): the driver shares
   * the machine with the controller it measures, and its own JIT at the churn's start took CPU from it. The flow-mod
   * side is compiled already by the programming of the bridges.
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
    long begun = System.nanoTime();
    int[] changes = {0};
    SelfWarmup.Outcome o;
    try (OpenLoopClient client = new OpenLoopClient("http://127.0.0.1:" + server.getAddress().getPort(), "warm-up",
        connections)) {
      String path = "/api/v1/overlay/endpoints";
      AtomicInteger outstanding = new AtomicInteger();
      long period = 1_000_000_000L / Math.max(1, rate);
      o = SelfWarmup.run(Duration.ofSeconds(seconds), SelfWarmup.MAX, CompilerQueue::optimizing, length -> {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        for (int c = 0; System.nanoTime() < end; c++, changes[0]++) {
          long wait = start + c * period - System.nanoTime();
          if (wait > 200_000) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          outstanding.addAndGet(2);
          int n = changes[0];
          client.post(path, SyntheticOverlay.churnBody(n, n % 50, n % 20, "s0"), (a, err) -> outstanding.decrementAndGet());
          client.delete(path + "/churn" + n, (a, err) -> outstanding.decrementAndGet());
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (outstanding.get() > 0 && System.nanoTime() < until) {
          Thread.sleep(10);
        }
      }, line -> System.out.println("driver self-warm-up: " + line));
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
    System.out.printf(Locale.ROOT, "driver self-warm-up: %d changes to a stand-in server in %d round(s), %.1f s; %s%n",
        changes[0], o.rounds(), (System.nanoTime() - begun) / 1e9, o.jit());
  }

  /**
   * Lowers this JVM's JIT compiler threads to the lowest CPU priority (nice 19; on Linux a thread's nice value is its
   * own). The driver shares the machine with the controller it measures, and in the churn's first 20-30 s its C2
   * compiled its own code (the bridges' flow-mod readers met modify and delete for the first time, the HTTP client's
   * paths took new types) at up to a core, which the controller then lacked: its latency measured the driver's JIT.
   * At nice 19 the driver's compilers run on what the machine leaves idle. Says what it did.
   */
  static void yieldOwnJit() throws InterruptedException {
    List<String> tids = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String comm;
        try {
          comm = Files.readString(t.resolve("comm")).trim();
        } catch (java.io.IOException gone) { // a thread that ended meanwhile
          continue;
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
          tids.add(t.getFileName().toString());
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      System.out.println("driver: its JIT threads keep their priority (" + e + ")");
      return;
    }
    if (tids.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("renice", "-n", "19", "-p"));
    cmd.addAll(tids);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      System.out.println(p.waitFor() == 0 ? "driver: its " + tids.size() + " JIT thread(s) at nice 19, so that they"
          + " run on what the controller leaves idle" : "driver: its JIT threads keep their priority (" + out + ")");
    } catch (java.io.IOException e) {
      System.out.println("driver: its JIT threads keep their priority (" + e.getMessage() + ")");
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
    yieldOwnJit();
    try (OpenLoopClient client = new OpenLoopClient(rest, token, connections)) {
      churn(client, rate, seconds, lifetime, pid);
    }
  }

  private void churn(OpenLoopClient client, int rate, int seconds, int lifetime, long pid) throws Exception {
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
          client.post("/api/v1/overlay/endpoints", body, (r, err) -> {
            ch.addAnswered = System.nanoTime();
            ch.addStatus = r == null ? -1 : r.status();
            outstanding.decrementAndGet();
            if ((r == null || r.status() != 201 && r.status() != 200) && errors.incrementAndGet() <= 5) {
              System.out.println("add " + ch.name + ": " + (r == null ? err : r.status() + " " + r.body()));
            }
          });
        }
      }
      if (now >= nextDelete && !live.isEmpty()) {
        nextDelete += periodNanos;
        ChurnReport.Change ch = live.poll();
        ch.deleteSent = System.nanoTime();
        outstanding.incrementAndGet();
        client.delete("/api/v1/overlay/endpoints/" + ch.name, (r, err) -> {
          ch.deleteAnswered = System.nanoTime();
          ch.deleteStatus = r == null ? -1 : r.status();
          outstanding.decrementAndGet();
          synchronized (freePorts) {
            freePorts.get(ch.host).add(ch.port);
          }
          if ((r == null || r.status() / 100 != 2) && errors.incrementAndGet() <= 5) {
            System.out.println("delete " + ch.name + ": " + (r == null ? err : r.status() + " " + r.body()));
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
