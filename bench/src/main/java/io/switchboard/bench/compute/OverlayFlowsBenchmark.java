package io.switchboard.bench.compute;

import io.switchboard.apps.overlay.RuntimeEndpoint;
import io.switchboard.apps.overlay.VxlanOverlayApp;
import io.switchboard.apps.overlay.SyntheticOverlay;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.RestResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * The vxlan-overlay app's flows for a big overlay: 50 host bridges, 2,000 endpoints (40 per host), 20 networks
 * joined by 2 routers. {@code fullCompute}: every bridge's desired entries from scratch. {@code endpointAdded}: one
 * endpoint appears in the shared store (as when another instance, or REST, adds it): the app rebuilds its topology
 * and every bridge's recompute goes to the core's {@link FlowProgrammer}, which sends only the difference (the
 * flow-mods are counted, not sent). {@code endpointAddedThroughRest}: the same through the REST resource, which
 * also validates the body and builds the answer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class OverlayFlowsBenchmark {
  @Param("50")
  int hosts;

  @Param("2000")
  int endpoints;

  @Param("20")
  int networks;

  VxlanOverlayApp app;
  KeyValueStore<String, RuntimeEndpoint> store;
  RestResource endpointsApi;
  List<BenchSwitch> bridges;
  List<FlowProgrammer> programmers;
  final CountingSwitches switches = new CountingSwitches();
  int added;
  /** The endpoint the last invocation added, to take out again before the next. */
  String toRemove;

  @Setup(Level.Trial)
  public void build() throws Exception {
    SwitchboardConfig config = ConfigLoader.parse(yaml(hosts, endpoints, networks), "overlay-bench.yaml");
    bridges = new ArrayList<>();
    int portsPerHost = (endpoints + hosts - 1) / hosts + 1;
    for (int h = 0; h < hosts; h++) {
      List<String> ports = new ArrayList<>();
      for (int p = 0; p < portsPerHost; p++) {
        ports.add("p" + p);
      }
      ports.add("vxlan0");
      bridges.add(BenchSwitch.of(h + 1, "br-h" + h, ports));
    }
    app = new VxlanOverlayApp();
    BenchContext ctx = new BenchContext(config, bridges);
    app.start(ctx);
    store = ctx.stores().map(VxlanOverlayApp.STORE);
    endpointsApi = app.resources().stream().filter(r -> r.path().contains("endpoints")).findFirst().orElseThrow();
    programmers = new ArrayList<>();
    for (BenchSwitch b : bridges) {
      FlowProgrammer p = switches.programmer(b.dpid(), VxlanOverlayApp.NAME);
      p.setDesired(VxlanOverlayApp.NAME, compute(b));
      p.reconcile();   // the switch holds nothing: everything is sent once, then only differences
      programmers.add(p);
    }
    long entries = fullCompute();
    if (entries < endpoints) {
      throw new IllegalStateException("suspiciously few overlay entries: " + entries);
    }
    long ops = endpointAdded();
    removeTheAddedEndpoint();
    System.out.printf(Locale.ROOT, "%noverlay: %d entries on %d bridges (%d per bridge); one endpoint added takes %d "
        + "flow-mods%n", entries, hosts, entries / hosts, ops);
  }

  static String yaml(int hosts, int endpoints, int networks) {
    return "apps: [vxlan-overlay]\n" + new SyntheticOverlay(hosts, endpoints, networks, 0).config();
  }

  List<FlowEntry> compute(BenchSwitch b) {
    List<FlowEntry> out = new ArrayList<>();
    app.desiredFlows(b, out::add);
    return out;
  }

  /** Every bridge's entries, from scratch. Returns how many. */
  @Benchmark
  public long fullCompute() {
    long n = 0;
    for (BenchSwitch b : bridges) {
      n += compute(b).size();
    }
    return n;
  }

  /** One endpoint appears in the store, and every bridge is brought up to date. Returns the flow-mods it takes. */
  @Benchmark
  public long endpointAdded() {
    long before = switches.opsSent();
    Map<String, Object> e = newEndpoint();
    store.put((String) e.get("name"), new RuntimeEndpoint((String) e.get("name"), (String) e.get("network"),
        (String) e.get("host"), (String) e.get("port"), (String) e.get("mac"), (String) e.get("ip")));
    recomputeAll();
    return switches.opsSent() - before;
  }

  /** The same through {@code POST /api/v1/overlay/endpoints}'s resource: validation and the answer included. */
  @Benchmark
  public long endpointAddedThroughRest() {
    long before = switches.opsSent();
    endpointsApi.create(newEndpoint());
    recomputeAll();
    return switches.opsSent() - before;
  }

  @TearDown(Level.Invocation)
  public void removeTheAddedEndpoint() {
    if (toRemove != null && store.remove(toRemove) != null) {
      recomputeAll();
    }
    toRemove = null;
  }

  private Map<String, Object> newEndpoint() {
    int e = endpoints + added++;
    Map<String, Object> m = SyntheticOverlay.endpoint(e, hosts, networks);
    toRemove = (String) m.get("name");
    m.put("port", "p" + (endpoints / hosts));    // the spare port on its host
    return m;
  }

  private void recomputeAll() {
    for (int i = 0; i < bridges.size(); i++) {
      programmers.get(i).setDesired(VxlanOverlayApp.NAME, compute(bridges.get(i)));
    }
  }
}
