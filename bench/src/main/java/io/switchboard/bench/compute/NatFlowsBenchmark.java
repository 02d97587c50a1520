package io.switchboard.bench.compute;

import io.switchboard.apps.overlay.VxlanOverlayApp;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.RestResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * NAT flow compilation (docs/apps/nat.md): router r1 joins one tenant network of 1,000 endpoints spread over 10
 * hosts; its external port is on host h0 (the gateway host) on the localnet network 192.168.64.0/22, with SNAT for the
 * whole subnet and a floating IP for each of the 1,000 endpoints. {@code gatewayHostCompute}: the gateway host's
 * desired entries from scratch (where every NAT entry is). {@code fipAddedThroughRest}: one more FIP through
 * {@code POST /api/v1/overlay/routers/r1/nat}'s resource (validated against the 1,001 rules in force), then every
 * bridge recomputed and diffed by the core's {@link FlowProgrammer} (flow-mods counted, not sent).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class NatFlowsBenchmark {
  @Param("1000")
  int fips;

  @Param("10")
  int hosts;

  VxlanOverlayApp app;
  RestResource natApi;
  List<BenchSwitch> bridges;
  List<FlowProgrammer> programmers;
  final CountingSwitches switches = new CountingSwitches();
  boolean added;

  @Setup(Level.Trial)
  public void build() throws Exception {
    SwitchboardConfig config = ConfigLoader.parse(yaml(fips, hosts), "nat-bench.yaml");
    bridges = new ArrayList<>();
    int portsPerHost = (fips + 1 + hosts - 1) / hosts + 1;
    for (int h = 0; h < hosts; h++) {
      List<String> ports = new ArrayList<>();
      for (int p = 0; p < portsPerHost; p++) {
        ports.add("p" + p);
      }
      ports.add("vxlan0");
      if (h == 0) {
        ports.add("int-br-eth");
      }
      bridges.add(BenchSwitch.of(h + 1, "br-h" + h, ports));
    }
    app = new VxlanOverlayApp();
    BenchContext ctx = new BenchContext(config, bridges);
    app.start(ctx);
    natApi = app.resources().stream().filter(r -> r.path().endsWith("/nat")).findFirst().orElseThrow();
    programmers = new ArrayList<>();
    for (BenchSwitch b : bridges) {
      FlowProgrammer p = switches.programmer(b.dpid(), VxlanOverlayApp.NAME);
      p.setDesired(VxlanOverlayApp.NAME, compute(b));
      p.reconcile();
      programmers.add(p);
    }
    long entries = gatewayHostCompute();
    if (entries < 4L * fips) {
      throw new IllegalStateException("suspiciously few entries on the gateway host: " + entries);
    }
    long ops = fipAddedThroughRest();
    removeTheAddedFip();
    System.out.printf(Locale.ROOT, "%nnat: %d entries on the gateway host for %d FIPs; one FIP added takes %d "
        + "flow-mods%n", entries, fips, ops);
  }

  static String yaml(int fips, int hosts) {
    StringBuilder b = new StringBuilder("apps: [vxlan-overlay]\noverlay:\n  tunnel-port: vxlan0\n  hosts:\n");
    for (int h = 0; h < hosts; h++) {
      b.append(String.format(Locale.ROOT, "    - {name: h%d, bridge: br-h%d, tunnel-ip: 10.99.0.%d%s}%n", h, h, h + 1,
          h == 0 ? ", bridge-mappings: {wanNet: br-eth}" : ""));
    }
    b.append("  networks:\n");
    b.append("    - {name: net1, vni: 100, subnet: 172.16.0.0/16, gateway: 172.16.0.1}\n");
    b.append("    - {name: wan, vni: 66, subnet: 192.168.64.0/22, type: localnet, physical-network: wanNet}\n");
    b.append("  routers:\n    - name: r1\n      networks: [net1]\n");
    b.append("      external: {network: wan, ip: 192.168.64.2/22, gateway: 192.168.64.1, host: h0}\n");
    b.append("      nat:\n        - {type: snat, logical-ip: 172.16.0.0/16, external-ip: 192.168.64.2}\n");
    for (int i = 0; i < fips; i++) {
      b.append(String.format(Locale.ROOT, "        - {type: dnat-and-snat, logical-ip: %s, external-ip: %s}%n",
          logical(i), external(i)));
    }
    b.append("  endpoints:\n");
    for (int i = 0; i <= fips; i++) {
      b.append(String.format(Locale.ROOT, "    - {name: ep%d, network: net1, host: h%d, port: p%d, "
          + "mac: \"02:00:00:00:%02x:%02x\", ip: %s}%n", i, i % hosts, i / hosts, (i >> 8) & 0xff, i & 0xff,
          logical(i)));
    }
    return b.toString();
  }

  static String logical(int i) {
    return String.format(Locale.ROOT, "172.16.%d.%d", 1 + i / 250, 2 + i % 250);
  }

  static String external(int i) {
    int a = 3 + i; // 192.168.64.3 onwards, inside the /22
    return String.format(Locale.ROOT, "192.168.%d.%d", 64 + a / 256, a % 256);
  }

  List<FlowEntry> compute(BenchSwitch b) {
    List<FlowEntry> out = new ArrayList<>();
    app.desiredFlows(b, out::add);
    return out;
  }

  /** The gateway host's entries from scratch. Returns how many. */
  @Benchmark
  public long gatewayHostCompute() {
    return compute(bridges.get(0)).size();
  }

  /** One FIP over REST (the endpoint without one), then every bridge brought up to date. Returns the flow-mods. */
  @Benchmark
  public long fipAddedThroughRest() {
    long before = switches.opsSent();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "dnat-and-snat");
    body.put("logical-ip", logical(fips));
    body.put("external-ip", external(fips));
    natApi.create(Map.of("router", "r1"), body);
    added = true;
    recomputeAll();
    return switches.opsSent() - before;
  }

  @TearDown(Level.Invocation)
  public void removeTheAddedFip() {
    if (added && natApi.delete(Map.of("router", "r1"), "dnat-and-snat:" + logical(fips))) {
      recomputeAll();
    }
    added = false;
  }

  private void recomputeAll() {
    for (int i = 0; i < bridges.size(); i++) {
      programmers.get(i).setDesired(VxlanOverlayApp.NAME, compute(bridges.get(i)));
    }
  }
}
