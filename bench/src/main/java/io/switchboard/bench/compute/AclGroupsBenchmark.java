package io.switchboard.bench.compute;

import io.switchboard.apps.acl.AclApp;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.RestResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The acl app compiling security groups: 1,000 overlay endpoints in 100 groups of 10, each group with 10 rules
 * (1,000 group rules): half of them ingress with a {@code remote-group} (the next group: 10 x 10 address pairs
 * each), half egress to any address (10 entries each), all {@code allow-related}. {@code compile}: {@code start}
 * plus {@code desiredFlows} for one bridge. {@code replaceOneGroup}: a PUT of one group with one member more
 * (through the app's REST resource) plus {@code desiredFlows}, what a member change costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AclGroupsBenchmark {
  @Param("1000")
  int endpoints;

  SwitchboardConfig config;
  BenchSwitch bridge;
  AclApp running;
  RestResource groups;
  int toggle;

  @Setup
  public void build() throws Exception {
    config = ConfigLoader.parse(yaml(endpoints), "acl-groups-bench.yaml");
    bridge = BenchSwitch.of(1, "br0", List.of("p1"));
    int entries = compile().size();
    if (entries < endpoints) {
      throw new IllegalStateException("only " + entries + " ACL entries for " + endpoints + " endpoints");
    }
    System.out.printf(Locale.ROOT, "%nacl groups: %d endpoints, %d groups, %d group rules compile to %d entries%n",
        endpoints, endpoints / 10, endpoints, entries);
    running = new AclApp();
    running.start(new BenchContext(config, List.of(bridge)));
    groups = running.resources().stream().filter(r -> r.path().equals("acl/groups")).findFirst().orElseThrow();
    groups.create(Map.of("name", "api", "members", List.of("e0"), "rules", List.of(Map.of("direction", "ingress",
        "remote-group", "g1", "match", Map.of("tcp-dst", 80), "action", "allow-related"))));
  }

  static String yaml(int n) {
    StringBuilder b = new StringBuilder("""
        apps: [acl]
        overlay:
          hosts:
            - {name: h1, bridge: br-x, tunnel-ip: 10.99.0.1}
          networks:
            - {name: n1, vni: 100, subnet: 10.0.0.0/16}
          endpoints:
        """);
    for (int i = 0; i < n; i++) {
      b.append(String.format(Locale.ROOT, "    - {name: e%d, network: n1, host: h1, port: p%d, mac: \"02:00:00:00:%02x:%02x\","
          + " ip: 10.0.%d.%d}%n", i, i, i / 250, i % 250, i / 250, 1 + i % 250));
    }
    b.append("acl:\n  default: drop\n  groups:\n");
    int groups = n / 10;
    for (int g = 0; g < groups; g++) {
      b.append("    - name: g").append(g).append("\n      members: [");
      for (int m = 0; m < 10; m++) {
        b.append(m == 0 ? "" : ", ").append('e').append(g * 10 + m);
      }
      b.append("]\n      rules:\n");
      for (int r = 0; r < 10; r++) {
        if (r % 2 == 0) {
          b.append(String.format(Locale.ROOT, "        - {direction: ingress, remote-group: g%d, match: {tcp-dst: %d},"
              + " action: allow-related}%n", (g + 1) % groups, 1000 + r));
        } else {
          b.append(String.format(Locale.ROOT, "        - {direction: egress, match: {udp-dst: %d},"
              + " action: allow-related}%n", 2000 + r));
        }
      }
    }
    return b.toString();
  }

  @Benchmark
  public List<FlowEntry> compile() {
    AclApp app = new AclApp();
    app.start(new BenchContext(config, List.of(bridge)));
    List<FlowEntry> out = new ArrayList<>();
    app.desiredFlows(bridge, out::add);
    return out;
  }

  @Benchmark
  public List<FlowEntry> replaceOneGroup() {
    toggle ^= 1;
    groups.replace("api", Map.of("members", toggle == 0 ? List.of("e0") : List.of("e0", "e1"), "rules",
        List.of(Map.of("direction", "ingress", "remote-group", "g1", "match", Map.of("tcp-dst", 80),
            "action", "allow-related"))));
    List<FlowEntry> out = new ArrayList<>();
    running.desiredFlows(bridge, out::add);
    return out;
  }
}
