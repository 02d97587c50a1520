package io.switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.switchboard.controller.openflow.OFFrameDecoder;
import io.switchboard.controller.openflow.OFMessageEncoder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One run of the load generator: connects the emulated switches (all at once), waits for their handshakes, lets
 * every switch announce its hosts so a learning controller knows them, warms up, then measures a number of timed
 * loops and disconnects. The driver thread only sleeps and reads counters; the switches live on Netty event
 * loops. Every wait has a deadline, so a run ends by itself.
 */
public final class BenchRun {
  /** How long the switches wait, after their handshake, for the controller to start programming them. */
  private static final long PROGRAM_GRACE_MS = 3000;

  private final BenchOptions opts;
  private final PrintStream out;
  private final List<EmulatedSwitch> switches = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final List<String> connectFailures = new ArrayList<>();

  public BenchRun(BenchOptions opts, PrintStream progress) {
    this.opts = opts;
    this.out = progress;
  }

  public BenchResult run() throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(opts.threads(), NioIoHandler.newFactory());
    try {
      return run(group);
    } finally {
      for (Channel c : channels) {
        c.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  private BenchResult run(EventLoopGroup group) throws InterruptedException {
    out.printf(Locale.ROOT, "bench: %s mode, %d switch%s (OpenFlow %s), %d MACs each%s -> %s:%d%n",
        opts.mode().name().toLowerCase(Locale.ROOT), opts.switches(), opts.switches() == 1 ? "" : "es",
        opts.versionText(), opts.macs(),
        opts.unwindowed() ? ", no window (cbench)" : opts.mode() == BenchOptions.Mode.THROUGHPUT
            ? ", window " + opts.window() : "", opts.host(), opts.port());
    long t0 = System.nanoTime();
    connectAll(group);
    long deadline = t0 + opts.connectTimeout().toNanos();
    awaitAll("handshakes", s -> s.featuresAt() != 0, deadline);
    BenchResult.Handshake handshake;
    if (opts.mode() == BenchOptions.Mode.CONNECT) {
      awaitAll("programmed", s -> s.programmedAt() != 0, deadline);
      handshake = handshake(t0);
      ControllerProbe.Memory mem = probe();
      return new BenchResult(opts, List.of(), new LatencyHistogram(), handshake, failures(), mem, null);
    }
    long graceEnd = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROGRAM_GRACE_MS));
    awaitAll("programmed", s -> s.programmedAt() != 0, graceEnd);
    handshake = handshake(t0);
    List<EmulatedSwitch> live = switches.stream().filter(s -> s.featuresAt() != 0 && s.failure() == null).toList();
    if (live.isEmpty()) {
      out.println("bench: no switch completed its handshake; nothing to measure");
      return new BenchResult(opts, List.of(), new LatencyHistogram(), handshake, failures(), probe(), null);
    }

    live.forEach(EmulatedSwitch::startLearning);
    long learnDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10) + (long) opts.macs() * 1_000_000L;
    awaitAll("hosts announced", s -> s.learned() || s.failure() != null, live, learnDeadline);

    live.forEach(EmulatedSwitch::startTest);
    if (!opts.warmup().isZero()) {
      out.printf(Locale.ROOT, "bench: warming up for %.1f s%n", opts.warmup().toNanos() / 1e9);
      sleepNanos(opts.warmup().toNanos());
    }

    live.forEach(s -> s.setMeasuring(true));
    List<BenchResult.Loop> loops = new ArrayList<>();
    SwitchCounters.Snapshot[] before = snapshot(live);
    long start = System.nanoTime();
    for (int i = 1; i <= opts.loops(); i++) {
      sleepNanos(opts.loopTime().toNanos());
      SwitchCounters.Snapshot[] now = snapshot(live);
      long end = System.nanoTime();
      SwitchCounters.Snapshot[] delta = new SwitchCounters.Snapshot[now.length];
      for (int k = 0; k < now.length; k++) {
        delta[k] = now[k].minus(before[k]);
      }
      BenchResult.Loop loop = new BenchResult.Loop((end - start) / 1e9, delta);
      loops.add(loop);
      printLoop(i, loop);
      before = now;
      start = end;
    }
    live.forEach(s -> s.setMeasuring(false));
    live.forEach(EmulatedSwitch::stop);
    syncWithEventLoops();
    LatencyHistogram latency = new LatencyHistogram();
    live.forEach(s -> latency.add(s.latency()));
    ControllerProbe.Memory mem = probe();
    return new BenchResult(opts, loops, latency, handshake, failures(), mem, live.get(0).packetInRule());
  }

  /** Bytes of packet-ins the kernel may hold per unwindowed switch (about 1,300 packet-ins of 98 bytes). */
  static final int UNWINDOWED_SEND_BUFFER = 128 * 1024;

  private void connectAll(EventLoopGroup group) {
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            opts.connectTimeout().toMillis()));
    if (opts.unwindowed()) {
      // cbench's switches are single sockets a poll loop writes and reads in turn: a send buffer of some hundred
      // packet-ins keeps the controller's side full without letting megabytes queue up before the first read
      b.option(ChannelOption.SO_SNDBUF, UNWINDOWED_SEND_BUFFER)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(16 * 1024,
              32 * 1024));
    }
    for (int i = 0; i < opts.switches(); i++) {
      EmulatedSwitch sw = new EmulatedSwitch(i, opts);
      switches.add(sw);
      ChannelFuture f = b.clone().handler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          ch.pipeline().addLast("frame", new OFFrameDecoder()).addLast("encode", OFMessageEncoder.INSTANCE)
              .addLast("switch", sw);
        }
      }).connect(opts.host(), opts.port());
      channels.add(f.channel());
      f.addListener(x -> {
        if (!x.isSuccess()) {
          synchronized (connectFailures) {
            connectFailures.add("switch " + sw.index() + ": connect: " + x.cause());
          }
        }
      });
    }
  }

  private void awaitAll(String what, Predicate<EmulatedSwitch> done, long deadline) throws InterruptedException {
    awaitAll(what, done, switches, deadline);
  }

  /** Waits until every switch is done (or failed), printing progress once a second; false on the deadline. */
  private boolean awaitAll(String what, Predicate<EmulatedSwitch> done, List<EmulatedSwitch> among, long deadline)
      throws InterruptedException {
    long nextPrint = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (true) {
      int ok = 0;
      int failed = 0;
      for (EmulatedSwitch s : among) {
        if (done.test(s)) {
          ok++;
        } else if (s.failure() != null || connectFailed(s)) {
          failed++;
        }
      }
      long now = System.nanoTime();
      boolean finished = ok + failed == among.size();
      if (finished || now > deadline || now > nextPrint) {
        out.printf(Locale.ROOT, "bench: %s: %d/%d%s%s%n", what, ok, among.size(),
            failed > 0 ? ", " + failed + " failed" : "", finished ? "" : now > deadline ? " (gave up waiting)" : "");
        nextPrint = now + TimeUnit.SECONDS.toNanos(1);
      }
      if (finished) {
        return failed == 0;
      }
      if (now > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
  }

  private boolean connectFailed(EmulatedSwitch s) {
    synchronized (connectFailures) {
      String prefix = "switch " + s.index() + ":";
      return connectFailures.stream().anyMatch(f -> f.startsWith(prefix));
    }
  }

  private BenchResult.Handshake handshake(long t0) {
    double[] connected = switches.stream().filter(s -> s.featuresAt() != 0)
        .mapToDouble(s -> (s.featuresAt() - t0) / 1e6).sorted().toArray();
    double[] programmed = switches.stream().filter(s -> s.programmedAt() != 0)
        .mapToDouble(s -> (s.programmedAt() - t0) / 1e6).sorted().toArray();
    boolean allConnected = connected.length == switches.size();
    boolean allProgrammed = programmed.length == switches.size();
    return new BenchResult.Handshake(switches.size(), connected.length, programmed.length,
        allConnected ? connected[connected.length - 1] : -1, allProgrammed ? programmed[programmed.length - 1] : -1,
        BenchResult.median(connected));
  }

  private List<String> failures() {
    List<String> out = new ArrayList<>();
    synchronized (connectFailures) {
      out.addAll(connectFailures);
    }
    for (EmulatedSwitch s : switches) {
      if (connectFailed(s)) {
        continue;
      }
      if (s.failure() != null) {
        out.add("switch " + s.index() + ": " + s.failure());
      } else if (s.featuresAt() == 0) {
        out.add("switch " + s.index() + ": connected, but the controller never sent FEATURES_REQUEST within "
            + opts.connectTimeout().toSeconds() + " s (a controller that takes only so many switches?)");
      }
    }
    return out.size() > 10 ? summarize(out) : out;
  }

  private static List<String> summarize(List<String> all) {
    List<String> out = new ArrayList<>(all.subList(0, 5));
    out.add("... and " + (all.size() - 5) + " more");
    return out;
  }

  private ControllerProbe.Memory probe() {
    if (opts.controllerPid() <= 0) {
      return null;
    }
    out.printf(Locale.ROOT, "bench: reading the memory of pid %d%n", opts.controllerPid());
    return ControllerProbe.read(opts.controllerPid());
  }

  private static SwitchCounters.Snapshot[] snapshot(List<EmulatedSwitch> live) {
    SwitchCounters.Snapshot[] s = new SwitchCounters.Snapshot[live.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = live.get(i).counters().snapshot();
    }
    return s;
  }

  private void printLoop(int i, BenchResult.Loop loop) {
    double[] per = loop.answeredPerSwitch();
    SwitchCounters.Snapshot t = loop.total();
    out.printf(Locale.ROOT, "bench: loop %d/%d: %s answered/s, %s responses/s; per switch min %s / median %s / max %s"
            + "%s%s%n", i, opts.loops(), Report.n(loop.answeredPerSecond()), Report.n(loop.responsesPerSecond()),
        Report.n(per[0]), Report.n(BenchResult.median(per)), Report.n(per[per.length - 1]),
        t.lost() > 0 ? ", " + t.lost() + " lost" : "", t.bogus() > 0 ? ", " + t.bogus() + " bogus" : "");
  }

  /** Passes through every switch's event loop, so what they wrote before is visible here. */
  private void syncWithEventLoops() throws InterruptedException {
    for (Channel c : channels) {
      if (c.isRegistered()) {
        c.eventLoop().submit(() -> { }).await(2, TimeUnit.SECONDS);
      }
    }
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(nanos);
  }
}
