package io.switchboard.bench.overlay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.switchboard.apps.overlay.SyntheticOverlay;
import io.switchboard.controller.openflow.EmulatedBridge;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The overlay at scale against running controllers: emulated OpenFlow 1.3 bridges ({@link EmulatedBridge}), one
 * per overlay host, connect to every controller given; then, by mode:
 * <ul>
 *   <li>{@code churn} ({@link ChurnRun}): endpoints are added and deleted through the REST API at a fixed rate
 *       (open loop: requests go out on schedule whether or not earlier ones were answered), each living
 *       {@code --lifetime} seconds; every
 *       change's latency is from its request being sent to the last flow-mod about it (its MAC in the match) that
 *       any bridge received. Reported per 10 s window, so that a growing backlog shows as growing latency; with the
 *       controller's heap after a GC and its resident memory before and after. The driver first compiles its own
 *       side of a change for {@code --self-warmup} seconds (default 3) against a stand-in server in its own JVM
 *       ({@link ChurnRun#selfWarmup}).</li>
 *   <li>{@code restart}: the bridges are programmed from empty, then the driver waits for the controllers to be
 *       restarted (a file appears, holding the restart's wall-clock time in ms) and measures the reconciliation:
 *       until every bridge's flow table was read again and no flow-mod arrives for a quiet period; how many
 *       flow-mods that took (none, when the controller finds everything right), and which controller read which
 *       bridges (mastership).</li>
 * </ul>
 * The overlay's shape is the one {@link SyntheticOverlay} writes ({@code --print-config}): host h is bridge
 * {@code br-h<h>} (dpid h + 1) with ports p0.. for the config's endpoints, s0.. spare for churned ones, and vxlan0.
 */
public final class OverlayChurn {
  final Map<String, String> opts;
  final int hosts;
  final int endpoints;
  final int networks;
  final int spare;
  private final List<String[]> controllers = new ArrayList<>();
  final List<EmulatedBridge> bridges = new ArrayList<>();
  final Map<Long, long[]> macTimes = new ConcurrentHashMap<>();
  final AtomicLong churnFlowMods = new AtomicLong();
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
      System.out.print(new SyntheticOverlay(run.hosts, run.endpoints, run.networks,
          Integer.parseInt(opts.getOrDefault("router-size", "0"))).config());
      return;
    }
    try {
      run.go();
    } finally {
      run.stop();
    }
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
        .handler(b.initializer(c));
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
          macTimes.compute(mac, (k, times) -> ChurnReport.append(times, now));
        }
      }
    }
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
    List<String> restList = List.of(opts.getOrDefault("rest", "http://127.0.0.1:8080").split(","));
    if (restList.size() > 1) { // a cluster: the bridges connect once the members see each other
      System.out.printf(Locale.ROOT, "cluster: every member sees %d members after %.2f s%n", restList.size(),
          waitForMembers(restList, System.nanoTime()) / 1e9);
    }
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
    while (rests.stream().mapToLong(r -> ControllerProbe.reconciliations(http, r)).sum() < bridges.size()) { // all sent
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
      case "churn" -> new ChurnRun(this).run();
      case "restart" -> restart(quiet);
      default -> throw new IllegalArgumentException("--mode churn or restart, got " + mode);
    }
  }

  /** Waits until every controller sees all of them as members; the nanoseconds since {@code since}. */
  private long waitForMembers(List<String> rests, long since) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (rests.stream().anyMatch(r -> ControllerProbe.members(http, r) < rests.size())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the controllers did not all see each other within 120 s");
      }
      Thread.sleep(50);
    }
    return System.nanoTime() - since;
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
    long joined = rests.size() > 1 ? 0 : restartedNanos;
    long[] perController = new long[rests.size()];
    while (System.nanoTime() < deadline) {
      if (joined == 0 && rests.stream().allMatch(r -> ControllerProbe.members(http, r) >= rests.size())) {
        joined = System.nanoTime();
      }
      long sum = 0;
      for (int c = 0; c < rests.size(); c++) {
        perController[c] = ControllerProbe.reconciliations(http, rests.get(c));
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
    if (rests.size() > 1) {
      System.out.println(joined == 0 ? "restart: the members did not all see each other before every bridge was "
          + "reconciled" : String.format(Locale.ROOT, "restart: every member saw all %d members %.2f s after the "
          + "restart (bridges connect as soon as a member listens: before that, each claims what reaches it)",
          rests.size(), (joined - restartedNanos) / 1e9));
    }
    for (int c = 0; c < rests.size(); c++) {
      System.out.printf(Locale.ROOT, "controller %d (%s): reconciled %d bridges%n", c, rests.get(c),
          perController[c]);
    }
  }



}
