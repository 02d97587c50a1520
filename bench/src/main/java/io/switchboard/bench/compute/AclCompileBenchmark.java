package io.switchboard.bench.compute;

import io.switchboard.apps.acl.AclApp;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.FlowEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * The acl app compiling a rule set into one bridge's ACL stage: 1,000 rules, each with a TCP or UDP port range
 * (ranges become several masked matches), through the app's public face: {@code start} (reads and compiles the
 * config's rules) and {@code desiredFlows} for a bridge.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AclCompileBenchmark {
  @Param("1000")
  int rules;

  SwitchboardConfig config;
  BenchSwitch bridge;

  @Setup
  public void build() throws Exception {
    config = ConfigLoader.parse(yaml(rules), "acl-bench.yaml");
    List<String> ports = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      ports.add("p" + i);
    }
    bridge = BenchSwitch.of(1, "br0", ports);
    int entries = compile().size();
    if (entries < rules) {
      throw new IllegalStateException("only " + entries + " ACL entries for " + rules + " rules");
    }
    System.out.printf(Locale.ROOT, "%nacl: %d rules compile to %d entries%n", rules, entries);
  }

  /** Rules with ranges of every shape: wide, narrow, aligned, odd; over TCP and UDP, some scoped to a port. */
  static String yaml(int n) {
    StringBuilder b = new StringBuilder("apps: [acl]\nacl:\n  default: allow\n  rules:\n");
    for (int i = 0; i < n; i++) {
      int lo = (i * 37) % 60000 + 1;
      int hi = Math.min(65535, lo + 1 + (i * 131) % 2000);
      String proto = i % 3 == 0 ? "udp" : "tcp";
      String side = i % 2 == 0 ? "dst" : "src";
      b.append(String.format(Locale.ROOT, "    - {name: r%d, priority: %d, match: {ipv4-src: 10.%d.%d.0/24, "
              + "%s-%s: %d-%d%s}, action: %s}%n", i, 10 + i, i / 250, i % 250, proto, side, lo, hi,
          i % 10 == 0 ? ", in-port: p" + (1 + i % 8) : "", i % 4 == 0 ? "allow" : "drop"));
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
}
