package io.switchboard.bench.overlay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.switchboard.controller.openflow.OFFrameDecoder;
import io.switchboard.controller.openflow.OFMessageEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The overlay at scale against running controllers: emulated OpenFlow 1.3 bridges ({@link EmulatedBridge}), one
 * per overlay host, connect to every controller given; then, by mode:
 * <ul>
 *   <li>{@code churn}: endpoints are added and deleted through the REST API at a fixed rate (open loop: requests go
 *       out on schedule whether or not earlier ones were answered), each living {@code --lifetime} seconds; every
 *       change's latency is from its request being sent to the last flow-mod about it (its MAC in the match) that
 *       any bridge received. Reported per 10 s window, so that a growing backlog shows as growing latency; with the
 *       controller's heap after a GC and its resident memory before and after.</li>
 *   <li>{@code restart}: the bridges are programmed from empty, then the driver waits for the controllers to be
 *       restarted (a file appears, holding the restart's wall-clock time in ms) and measures the reconciliation:
 *       until every bridge's flow table was read again and no flow-mod arrives for a quiet period; how many
 *       flow-mods that took (none, when the controller finds everything right), and which controller read which
 *       bridges (mastership).</li>
 * </ul>
 * The overlay's shape is the one the config generator writes ({@code --print-config}): host h is bridge
 * {@code br-h<h>} (dpid h + 1) with ports p0.. for the config's endpoints, s0.. spare for churned ones, and vxlan0.
 */
public final class OverlayChurn {
  private final Map<String, String> opts;
  private final int hosts;
  private final int endpoints;
  private final int networks;
  private final int spare;
  private final List<String[]> controllers = new ArrayList<>();
  private final List<EmulatedBridge> bridges = new ArrayList<>();
  private final Map<Long, long[]> macTimes = new ConcurrentHashMap<>();
  private final AtomicLong churnFlowMods = new AtomicLong();
  private volatile boolean stopping;
  private EventLoopGroup group;

  OverlayChurn(Map<String, String> opts) {
    this.opts = opts;
    this.hosts = Integer.parseInt(opts.getOrDefault("hosts", "50"));
    this.endpoints = Integer.parseInt(opts.getOrDefault("endpoints", "2000"));
    this.networks = Integer.parseInt(opts.getOrDefault("networks", "20"));
    this.spare = Integer.parseInt(opts.getOrDefault("spare-ports", "64"));
    for (String c : opts.getOrDefault("openflow", "127.0.0.1:6653").split(",")) {
      controllers.add(c.split(":"));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      String key = args[i].substring(2);
      opts.put(key, i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true");
    }
    OverlayChurn run = new OverlayChurn(opts);
    if (opts.containsKey("print-config")) {
      System.out.print(run.config());
      return;
    }
    try {
      run.go();
    } finally {
      run.stop();
    }
  }

  // ---- the overlay's shape

  /** Endpoint e of the config: network e % networks, host e % hosts, port p(e / hosts) there. */
  static String configEndpoint(int e, int hosts, int networks) {
    int net = e % networks;
    return String.format(Locale.ROOT, "    - {name: ep%d, network: net%d, host: h%d, port: p%d, mac: \"02:00:%02x:%02x:"
        + "%02x:%02x\", ip: 172.%d.%d.%d}%n", e, net, e % hosts, e / hosts, net, (e >> 16) & 0xff, (e >> 8) & 0xff,
        e & 0xff, 16 + net, 1 + e / 250, 2 + e % 250);
  }

  String config() {
    StringBuilder b = new StringBuilder("overlay:\n  tunnel-port: vxlan0\n  hosts:\n");
    for (int h = 0; h < hosts; h++) {
      b.append(String.format(Locale.ROOT, "    - {name: h%d, bridge: br-h%d, tunnel-ip: 10.99.%d.%d}%n", h, h,
          h / 250, 1 + h % 250));
    }
    b.append("  networks:\n");
    for (int n = 0; n < networks; n++) {
      b.append(String.format(Locale.ROOT, "    - {name: net%d, vni: %d, subnet: 172.%d.0.0/16, gateway: 172.%d.0.1}%n",
          n, 1000 + n, 16 + n, 16 + n));
    }
    b.append("  routers:\n");
    int routerSize = Integer.parseInt(opts.getOrDefault("router-size", "0"));
    if (routerSize < 2) { // as OverlayFlowsBenchmark: two routers, of the even and of the odd networks
      for (int r = 0; r < 2; r++) {
        StringBuilder nets = new StringBuilder();
        for (int n = r; n < networks; n += 2) {
          nets.append(nets.length() == 0 ? "" : ", ").append("net").append(n);
        }
        b.append(String.format(Locale.ROOT, "    - {name: r%d, networks: [%s]}%n", r, nets));
      }
    } else { // routers joining routerSize consecutive networks each (tenants of a few subnets)
      for (int first = 0; first + 1 < networks; first += routerSize) {
        StringBuilder nets = new StringBuilder();
        for (int n = first; n < Math.min(networks, first + routerSize); n++) {
          nets.append(nets.length() == 0 ? "" : ", ").append("net").append(n);
        }
        b.append(String.format(Locale.ROOT, "    - {name: r%d, networks: [%s]}%n", first / routerSize, nets));
      }
    }
    b.append("  endpoints:\n");
    for (int e = 0; e < endpoints; e++) {
      b.append(configEndpoint(e, hosts, networks));
    }
    return b.toString();
  }

  private List<String> ports() {
    List<String> out = new ArrayList<>();
    int perHost = (endpoints + hosts - 1) / hosts;
    for (int p = 0; p < perHost; p++) {
      out.add("p" + p);
    }
    for (int s = 0; s < spare; s++) {
      out.add("s" + s);
    }
    out.add("vxlan0");
    return out;
  }

  // ---- bridges

  private void connectAll() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    List<String> ports = ports();
    for (int h = 0; h < hosts; h++) {
      EmulatedBridge b = new EmulatedBridge(h + 1, "br-h" + h, ports, controllers.size(), this::onFlowMod);
      bridges.add(b);
      for (int c = 0; c < controllers.size(); c++) {
        connect(b, c);
      }
    }
  }

  private void connect(EmulatedBridge b, int c) {
    if (stopping || group.isShuttingDown()) {
      return;
    }
    Bootstrap boot = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("frame", new OFFrameDecoder()).addLast("encode", OFMessageEncoder.INSTANCE)
                .addLast("bridge", b.connection(c));
          }
        });
    boot.connect(controllers.get(c)[0], Integer.parseInt(controllers.get(c)[1])).addListener(
        (io.netty.channel.ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            reconnectLater(b, c);
          } else {
            f.channel().closeFuture().addListener(x -> reconnectLater(b, c));
          }
        });
  }

  /** As Open vSwitch does: a lost controller is dialled again (here every 200 ms). */
  private void reconnectLater(EmulatedBridge b, int c) {
    if (!stopping && !group.isShuttingDown()) {
      try {
        group.schedule(() -> connect(b, c), 200, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        // the run is over
      }
    }
  }

  private void stop() {
    stopping = true;
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Churned endpoints have MACs 02:ee:..: each flow-mod that matches one is remembered with its time. */
  private void onFlowMod(EmulatedBridge b, OFFlowMod fm, long now) {
    Match m = fm.getMatch();
    for (MatchField<MacAddress> f : List.of(MatchField.ETH_DST, MatchField.ETH_SRC)) {
      if (m.isExact(f)) {
        long mac = m.get(f).getLong();
        if ((mac >>> 40) == 0x02 && ((mac >>> 32) & 0xff) == 0xee) {
          churnFlowMods.incrementAndGet();
          macTimes.compute(mac, (k, times) -> append(times, now));
        }
      }
    }
  }

  private static long[] append(long[] times, long t) {
    if (times == null) {
      return new long[] {t};
    }
    long[] out = Arrays.copyOf(times, times.length + 1);
    out[times.length] = t;
    return out;
  }

  /** Waits until no bridge received a flow-mod (or answered a flow-stats request) for {@code quietMs}. */
  private long waitQuiet(long sinceNanos, long quietMs, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (System.nanoTime() < deadline) {
      long last = sinceNanos;
      for (EmulatedBridge b : bridges) {
        last = Math.max(last, Math.max(b.lastFlowModAt(), b.lastStatsAt()));
      }
      if (last > sinceNanos && System.nanoTime() - last > quietMs * 1_000_000) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the bridges did not settle within " + timeoutMs + " ms");
  }

  private long totalFlowMods() {
    return bridges.stream().mapToLong(EmulatedBridge::flowMods).sum();
  }

  private long totalEntries() {
    return bridges.stream().mapToLong(EmulatedBridge::size).sum();
  }

  // ---- runs

  void go() throws Exception {
    String mode = opts.getOrDefault("mode", "churn");
    long quiet = Long.parseLong(opts.getOrDefault("quiet-ms", "3000"));
    long start = System.nanoTime();
    connectAll();
    long timeout = Long.parseLong(opts.getOrDefault("program-timeout-ms", "900000"));
    long until = System.nanoTime() + timeout * 1_000_000;
    while (bridges.stream().anyMatch(b -> b.flowMods() == 0)) { // every overlay bridge gets entries
      if (System.nanoTime() > until) {
        throw new IllegalStateException("not every bridge was programmed within " + timeout + " ms");
      }
      Thread.sleep(50);
    }
    List<String> rests = List.of(opts.getOrDefault("rest", "http://127.0.0.1:8080").split(","));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    while (rests.stream().mapToLong(r -> reconciliations(http, r)).sum() < bridges.size()) { // all sent
      if (System.nanoTime() > until) {
        throw new IllegalStateException("the controllers did not program every bridge within " + timeout + " ms");
      }
      Thread.sleep(100);
    }
    long programmed = waitQuiet(start, quiet, timeout); // and all received
    System.out.printf(Locale.ROOT, "programmed: %d bridges, %d entries, %d flow-mods, %.2f s from the first connect "
        + "to the last flow-mod (then %d ms without any)%n", bridges.size(), totalEntries(), totalFlowMods(),
        (programmed - start) / 1e9, quiet);
    for (int c = 0; c < controllers.size(); c++) {
      int n = 0;
      for (EmulatedBridge b : bridges) {
        n += b.flowModsBy(c) > 0 ? 1 : 0;
      }
      System.out.printf(Locale.ROOT, "controller %d (%s) programmed %d bridges%n", c,
          String.join(":", controllers.get(c)), n);
    }
    switch (mode) {
      case "churn" -> churn();
      case "restart" -> restart(quiet);
      default -> throw new IllegalArgumentException("--mode churn or restart, got " + mode);
    }
  }

  private void restart(long quiet) throws Exception {
    Path signal = Path.of(opts.getOrDefault("restart-signal", "/tmp/overlay-churn.restart"));
    long flowModsBefore = totalFlowMods();
    long[] statsBefore = new long[bridges.size()];
    for (int i = 0; i < bridges.size(); i++) {
      statsBefore[i] = bridges.get(i).statsReplies();
    }
    System.out.println("READY: restart the controllers, then write the restart time (epoch ms) to " + signal);
    System.out.flush();
    while (!Files.exists(signal) || Files.readString(signal).isBlank()) {
      Thread.sleep(50);
    }
    long restartedEpochMs = Long.parseLong(Files.readString(signal).trim());
    long nowEpoch = System.currentTimeMillis();
    long restartedNanos = System.nanoTime() - (nowEpoch - restartedEpochMs) * 1_000_000;
    long timeout = Long.parseLong(opts.getOrDefault("program-timeout-ms", "900000"));
    long deadline = System.nanoTime() + timeout * 1_000_000;
    List<String> rests = List.of(opts.getOrDefault("rest", "http://127.0.0.1:8080").split(","));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // the restarted controllers say when they are done: their count of connect reconciliations (a flow table read,
    // compared, and the difference sent) reaches the number of bridges
    long done = 0;
    long[] perController = new long[rests.size()];
    while (System.nanoTime() < deadline) {
      long sum = 0;
      for (int c = 0; c < rests.size(); c++) {
        perController[c] = reconciliations(http, rests.get(c));
        sum += perController[c];
      }
      if (sum >= bridges.size()) {
        done = System.nanoTime();
        break;
      }
      Thread.sleep(100);
    }
    if (done == 0) {
      throw new IllegalStateException("the restarted controllers did not reconcile every bridge within " + timeout
          + " ms");
    }
    int read = 0;
    for (int i = 0; i < bridges.size(); i++) {
      read += bridges.get(i).statsReplies() > statsBefore[i] ? 1 : 0;
    }
    Thread.sleep(quiet); // anything sent late still counts
    System.out.printf(Locale.ROOT, "restart: every bridge reconciled %.2f s after the restart (JVM start included; "
        + "from the controllers' switchboard_reconciliations_total{kind=\"connect\"}); %d of %d bridges had their "
        + "tables read; %d flow-mods during it%n", (done - restartedNanos) / 1e9, read, bridges.size(),
        totalFlowMods() - flowModsBefore);
    for (int c = 0; c < rests.size(); c++) {
      System.out.printf(Locale.ROOT, "controller %d (%s): reconciled %d bridges%n", c, rests.get(c),
          perController[c]);
    }
  }

  /** A controller's count of reconciliations on connect, from its /metrics; 0 while it does not answer. */
  private static long reconciliations(HttpClient http, String rest) {
    return metric(http, rest, "switchboard_reconciliations_total{", "kind=\"connect\"");
  }

  /** The value of the /metrics line that starts with {@code prefix} and contains {@code label}; 0 when none. */
  private static long metric(HttpClient http, String rest, String prefix, String label) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rest + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      for (String line : r.body().split("\n")) {
        if (line.startsWith(prefix) && line.contains(label)) {
          return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** One churned endpoint: what was sent and when. */
  private static final class Change {
    final String name;
    final long mac;
    final int host;
    final String port;
    final String body;
    long addSent;
    long addAnswered;
    int addStatus;
    long deleteSent;
    long deleteAnswered;
    int deleteStatus;

    Change(String name, long mac, int host, String port, String body) {
      this.name = name;
      this.mac = mac;
      this.host = host;
      this.port = port;
      this.body = body;
    }
  }

  private void churn() throws Exception {
    String rest = opts.getOrDefault("rest", "http://127.0.0.1:8080").split(",")[0];
    String token = Files.readString(Path.of(opts.getOrDefault("token-file", "rest-token"))).trim();
    int rate = Integer.parseInt(opts.getOrDefault("rate", "200"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
    int lifetime = Integer.parseInt(opts.getOrDefault("lifetime", "2"));
    long pid = Long.parseLong(opts.getOrDefault("pid", "0"));
    Client client = new Client(Integer.parseInt(opts.getOrDefault("connections", "16")));
    Random rnd = new Random(21);
    List<Deque<String>> freePorts = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      Deque<String> free = new ArrayDeque<>();
      for (int s = 0; s < spare; s++) {
        free.add("s" + s);
      }
      freePorts.add(free);
    }
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    List<Change> all = new ArrayList<>();
    Deque<Change> live = new ArrayDeque<>();
    int total = rate * (seconds + lifetime);
    int counter = 0;
    if (!opts.containsKey("no-audit-wait")) {
      // a controller's first audit replaces what it assumed installed with what the switches report (a second set
      // of entries in memory, for good): memory is compared from after it
      List<String> rests = List.of(opts.getOrDefault("rest", "http://127.0.0.1:8080").split(","));
      HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      long until = System.nanoTime() + 45_000_000_000L;
      while (System.nanoTime() < until && rests.stream().mapToLong(r -> metric(probe, r,
          "switchboard_reconciliations_total{", "kind=\"audit\"")).sum() < bridges.size()) {
        Thread.sleep(200);
      }
    }
    String memBefore = memory(pid);
    Map<String, long[]> histBefore = histogram(pid);
    long cpuBefore = cpuMillis(pid);
    long ownCpuBefore = cpuMillis(ProcessHandle.current().pid());
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
        int base = rnd.nextInt(endpoints);
        int host = base % hosts;
        int net = base % networks;
        String port;
        synchronized (freePorts) {
          port = freePorts.get(host).poll();
        }
        if (port != null) {
          int c = counter++;
          long mac = 0x02ee_0000_0000L | c;
          String name = "churn" + c;
          String body = String.format(Locale.ROOT, "{\"name\": \"%s\", \"network\": \"net%d\", \"host\": \"h%d\", "
              + "\"port\": \"%s\", \"mac\": \"%s\", \"ip\": \"172.%d.%d.%d\"}", name, net, host, port,
              MacAddress.of(mac), 16 + net, 100 + c / 250, 2 + c % 250);
          Change ch = new Change(name, mac, host, port, body);
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
        Change ch = live.poll();
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
    long cpu = cpuMillis(pid) - cpuBefore;
    long ownCpu = cpuMillis(ProcessHandle.current().pid()) - ownCpuBefore;
    String memAfter = memory(pid);
    Map<String, long[]> histAfter = histogram(pid);
    report(all, churnStart, measureFrom, end, outstandingByWindow, maxOutstanding, errors.get(), rate, seconds,
        total);
    double wall = (System.nanoTime() - churnStart) / 1e9;
    System.out.printf(Locale.ROOT, "CPU over the churn (%.0f s, %d changes sent): controller %.1f s (%.2f ms a change)"
        + ", this driver and its emulated bridges %.1f s%n", wall, all.size() + countDeletes(all), cpu / 1e3,
        cpu / (double) Math.max(1, all.size() + countDeletes(all)), ownCpu / 1e3);
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

  private void report(List<Change> all, long churnStart, long measureFrom, long end, List<int[]> outstandingByWindow,
      int maxOutstanding, int errors, int rate, int seconds, int planned) {
    List<long[]> byWindow = new ArrayList<>(); // per 10 s window of sending: latencies (ns) of changes
    List<Long> allLatencies = new ArrayList<>();
    List<Long> restLatencies = new ArrayList<>();
    int adds = 0;
    int deletes = 0;
    int missing = 0;
    for (Change c : all) {
      long[] times = macTimes.getOrDefault(c.mac, new long[0]);
      Arrays.sort(times);
      if (c.addSent >= measureFrom && c.addSent < end && ok(c.addStatus)) {
        adds++;
        long limit = c.deleteSent > 0 ? c.deleteSent : Long.MAX_VALUE;
        long last = 0;
        for (long t : times) {
          if (t >= c.addSent && t < limit) {
            last = t;
          }
        }
        missing += record(last == 0 ? -1 : last - c.addSent, c.addSent, churnStart, byWindow, allLatencies);
        restLatencies.add(c.addAnswered - c.addSent);
      }
      if (c.deleteSent >= measureFrom && c.deleteSent < end && ok(c.deleteStatus)) {
        deletes++;
        long last = 0;
        for (long t : times) {
          if (t >= c.deleteSent) {
            last = t;
          }
        }
        missing += record(last == 0 ? -1 : last - c.deleteSent, c.deleteSent, churnStart, byWindow, allLatencies);
        restLatencies.add(c.deleteAnswered - c.deleteSent);
      }
    }
    System.out.printf(Locale.ROOT, "churn: %d s at %d adds + %d deletes a second (after %d s of adds only): %d adds "
        + "and %d deletes answered OK, %d errors; %d flow-mods about churned endpoints%n", seconds, rate, rate,
        (measureFrom - churnStart) / 1_000_000_000L, adds, deletes, errors, churnFlowMods.get());
    System.out.printf(Locale.ROOT, "change to switch (request sent -> last flow-mod about it on any bridge): %s; "
        + "changes with no flow-mod seen: %d%n", percentiles(allLatencies), missing);
    System.out.printf(Locale.ROOT, "REST answer: %s; outstanding requests at most %d%n",
        percentiles(restLatencies), maxOutstanding);
    for (int w = 0; w < byWindow.size(); w++) {
      List<Long> l = new ArrayList<>();
      for (long x : byWindow.get(w)) {
        if (x > 0) {
          l.add(x);
        }
      }
      int out = w < outstandingByWindow.size() ? outstandingByWindow.get(w)[0] : 0;
      if (!l.isEmpty()) {
        System.out.printf(Locale.ROOT, "  window %3d-%3d s: %5d changes, %s, outstanding REST at most %d%n", w * 10,
            w * 10 + 10, l.size(), percentiles(l), out);
      }
    }
  }

  private static int countDeletes(List<Change> all) {
    int n = 0;
    for (Change c : all) {
      n += c.deleteSent > 0 ? 1 : 0;
    }
    return n;
  }

  /** User + system CPU time of a process, from /proc (ms). */
  private static long cpuMillis(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      return ticks * 10; // USER_HZ = 100
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * An HTTP/1.1 client with at most {@code connections} requests in flight (as many kept-alive connections); the
   * rest wait in order. Latency is measured from a change's scheduled send, so this queue counts in it.
   */
  private static final class Client {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final java.util.concurrent.Semaphore permits;
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> waiting =
        new java.util.concurrent.ConcurrentLinkedQueue<>();

    Client(int connections) {
      permits = new java.util.concurrent.Semaphore(connections);
    }

    void submit(HttpRequest req, java.util.function.BiConsumer<HttpResponse<String>, Throwable> done) {
      waiting.add(() -> http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> {
        permits.release();
        done.accept(r, err);
        drain();
      }));
      drain();
    }

    private void drain() {
      while (!waiting.isEmpty() && permits.tryAcquire()) {
        Runnable next = waiting.poll();
        if (next == null) {
          permits.release();
          return;
        }
        next.run();
      }
    }
  }

  private static boolean ok(int status) {
    return status / 100 == 2;
  }

  private static int record(long latency, long sent, long start, List<long[]> byWindow, List<Long> all) {
    if (latency < 0) {
      return 1;
    }
    int w = (int) ((sent - start) / 10_000_000_000L);
    while (byWindow.size() <= w) {
      byWindow.add(new long[0]);
    }
    byWindow.set(w, append(byWindow.get(w), latency));
    all.add(latency);
    return 0;
  }

  private static String percentiles(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return "none";
    }
    long[] a = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", a[a.length / 2] / 1e6,
        a[Math.min(a.length - 1, (int) Math.ceil(a.length * 0.99) - 1)] / 1e6, a[a.length - 1] / 1e6, a.length);
  }

  /** The controller's heap after a full GC ({@code jcmd GC.run}, then {@code jstat}) and its resident memory. */
  private static String memory(long pid) {
    if (pid <= 0) {
      return "(no --pid given)";
    }
    try {
      run("jcmd", Long.toString(pid), "GC.run");
      String[] lines = run("jstat", "-gc", Long.toString(pid)).trim().split("\n");
      String[] head = lines[0].trim().split("\\s+");
      String[] vals = lines[lines.length - 1].trim().split("\\s+");
      double used = 0;
      for (int i = 0; i < head.length; i++) {
        if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
          used += Double.parseDouble(vals[i]);
        }
      }
      String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
      return String.format(Locale.ROOT, "heap after GC %.1f MiB, %s", used / 1024, rss);
    } catch (IOException | InterruptedException e) {
      return "(unavailable: " + e + ")";
    }
  }

  /** Live instances and bytes by class ({@code jcmd GC.class_histogram} collects first). */
  private static Map<String, long[]> histogram(long pid) {
    Map<String, long[]> out = new HashMap<>();
    if (pid <= 0) {
      return out;
    }
    try {
      for (String line : run("jcmd", Long.toString(pid), "GC.class_histogram").split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
      }
    } catch (IOException | InterruptedException | NumberFormatException e) {
      out.clear();
    }
    return out;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
