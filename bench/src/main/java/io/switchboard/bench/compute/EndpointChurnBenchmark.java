package io.switchboard.bench.compute;

import io.switchboard.apps.overlay.VxlanOverlayApp;
import io.switchboard.apps.overlay.SyntheticOverlay;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One endpoint added or deleted through {@code POST/DELETE /api/v1/overlay/endpoints}'s resource, end to end in
 * the controller's CPU: the body validated, the address claimed, the shared store written, the topology updated,
 * the bridges whose entries change told what differs (the app calls {@link AppContext#update} as the core offers
 * it), and each bridge's {@link FlowProgrammer} turning that into the flow-mods handed to its switch (counted here,
 * not sent). The same overlay as {@link OverlayFlowsBenchmark}: 50 host bridges, 2,000 endpoints, 20 networks, 2
 * routers; every bridge is programmed (synced) before the first change.
 *
 * <p>{@code add}: one endpoint added (taken out again after each invocation, outside the measurement);
 * {@code delete}: one taken out (added before each invocation); {@code addThenDelete}: both, one after the other.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class EndpointChurnBenchmark {
  @Param("50")
  int hosts;

  @Param("2000")
  int endpoints;

  @Param("20")
  int networks;

  RestResource api;
  ProgrammedContext ctx;
  int added;
  String pending;

  @Setup(Level.Trial)
  public void build() throws Exception {
    SwitchboardConfig config = ConfigLoader.parse(OverlayFlowsBenchmark.yaml(hosts, endpoints, networks),
        "overlay-bench.yaml");
    List<BenchSwitch> bridges = new ArrayList<>();
    int portsPerHost = (endpoints + hosts - 1) / hosts + 1;
    for (int h = 0; h < hosts; h++) {
      List<String> ports = new ArrayList<>();
      for (int p = 0; p < portsPerHost; p++) {
        ports.add("p" + p);
      }
      ports.add("vxlan0");
      bridges.add(BenchSwitch.of(h + 1, "br-h" + h, ports));
    }
    VxlanOverlayApp app = new VxlanOverlayApp();
    ctx = new ProgrammedContext(config, bridges, app);
    app.start(ctx);
    ctx.connectAll();
    api = app.resources().stream().filter(r -> r.path().contains("endpoints")).findFirst().orElseThrow();
    long before = ctx.switches.opsSent();
    String name = addOne();
    long add = ctx.switches.opsSent() - before;
    int bridgesTouched = ctx.bridgesTouched;
    api.delete(name);
    System.out.printf(Locale.ROOT, "%noverlay: %d entries on %d bridges; adding one endpoint sends %d flow-mods to %d "
        + "bridges, deleting it %d%n", ctx.installed(), hosts, add, bridgesTouched, ctx.switches.opsSent() - before - add);
    cpuPerChange(200, "cold");
    cpuPerChange(1000, "warm");
  }

  /**
   * Thread CPU time of {@code n} adds and {@code n} deletes, printed: on a machine that other work shares, the time
   * the controller's thread really ran, where JMH's figures are wall-clock time.
   */
  private void cpuPerChange(int n, String label) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long addCpu = 0;
    long deleteCpu = 0;
    for (int i = 0; i < n; i++) {
      long t0 = mx.getCurrentThreadCpuTime();
      String name = addOne();
      long t1 = mx.getCurrentThreadCpuTime();
      api.delete(name);
      long t2 = mx.getCurrentThreadCpuTime();
      addCpu += t1 - t0;
      deleteCpu += t2 - t1;
    }
    System.out.printf(Locale.ROOT, "thread CPU time, %s, %d adds and deletes: add %.0f us, delete %.0f us each%n",
        label, n, addCpu / 1e3 / n, deleteCpu / 1e3 / n);
  }

  private String addOne() {
    int e = endpoints + added++;
    Map<String, Object> m = SyntheticOverlay.endpoint(e, hosts, networks);
    m.put("port", "p" + (endpoints / hosts)); // the spare port on its host
    ctx.bridgesTouched = 0;
    api.create(m);
    return (String) m.get("name");
  }

  @Benchmark
  public long add() {
    pending = addOne();
    return ctx.switches.opsSent();
  }

  @TearDown(Level.Invocation)
  public void takeOutWhatWasAdded() {
    if (pending != null) {
      api.delete(pending);
      pending = null;
    }
  }

  @State(Scope.Thread)
  public static class ToDelete {
    String name;

    @Setup(Level.Invocation)
    public void addOne(EndpointChurnBenchmark b) {
      name = b.addOne();
    }
  }

  @Benchmark
  public long delete(ToDelete d) {
    api.delete(d.name);
    return ctx.switches.opsSent();
  }

  @Benchmark
  public long addThenDelete() {
    api.delete(addOne());
    return ctx.switches.opsSent();
  }

  /**
   * The core as far as the benchmark needs it: every bridge has a {@link FlowProgrammer} (synced with a switch
   * that held nothing), recomputes and updates go to it at once, flow-mods are counted.
   */
  static final class ProgrammedContext implements AppContext {
    private final SwitchboardConfig config;
    private final Map<Long, BenchSwitch> bridges = new HashMap<>();
    private final Map<Long, FlowProgrammer> programmers = new HashMap<>();
    private final StoreFactory stores = new InMemoryStoreFactory();
    private final VxlanOverlayApp app;
    final CountingSwitches switches = new CountingSwitches();
    int bridgesTouched;

    ProgrammedContext(SwitchboardConfig config, List<BenchSwitch> list, VxlanOverlayApp app) {
      this.config = config;
      this.app = app;
      list.forEach(b -> bridges.put(b.dpid(), b));
    }

    void connectAll() {
      for (BenchSwitch b : bridges.values()) {
        FlowProgrammer p = switches.programmer(b.dpid(), VxlanOverlayApp.NAME);
        programmers.put(b.dpid(), p);
        recompute(b.dpid());
        p.reconcile();
      }
    }

    long installed() {
      long n = 0;
      for (FlowProgrammer p : programmers.values()) {
        n += p.desired().size();
      }
      return n;
    }

    @Override
    public SwitchboardConfig config() {
      return config;
    }

    @Override
    public Collection<SwitchView> switches() {
      return List.copyOf(bridges.values());
    }

    @Override
    public Optional<SwitchView> switchView(long dpid) {
      return Optional.ofNullable(bridges.get(dpid));
    }

    @Override
    public void recompute(long dpid) {
      FlowProgrammer p = programmers.get(dpid);
      if (p != null) {
        List<FlowEntry> out = new ArrayList<>();
        app.desiredFlows(bridges.get(dpid), out::add);
        p.setDesired(VxlanOverlayApp.NAME, out);
      }
    }

    @Override
    public void recomputeAll() {
      programmers.keySet().forEach(this::recompute);
    }

    @Override
    public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
      FlowProgrammer p = programmers.get(dpid);
      if (p != null) {
        bridgesTouched++;
        p.update(VxlanOverlayApp.NAME, added, removed);
      }
    }

    @Override
    public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {}

    @Override
    public void count(long dpid, String event) {}

    @Override
    public StoreFactory stores() {
      return stores;
    }

    @Override
    public boolean isMaster(long dpid) {
      return true;
    }
  }
}
