package io.switchboard.bench.compute;

import io.switchboard.apps.acl.AclApp;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.RestResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * The acl app with 10,000 rules (those of {@link AclCompileBenchmark}: port ranges, in-ports, both actions):
 * loading them ({@code start}: parse check, compile, shadow and overlap warnings), and one rule added then
 * deleted through the REST resource ({@code POST} then {@code DELETE /api/v1/acl/rules}), each of which rebuilds
 * the rule book with its warnings. Recomputing the bridges' flows is left to the core and not measured here
 * ({@link AclCompileBenchmark} does that).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AclRuleChangeBenchmark {
  @Param("10000")
  int rules;

  SwitchboardConfig config;
  RestResource resource;
  Map<String, Object> extra;

  @Setup
  public void build() throws Exception {
    config = ConfigLoader.parse(AclCompileBenchmark.yaml(rules), "acl-bench.yaml");
    AclApp app = new AclApp();
    app.start(new BenchContext(config, List.of(BenchSwitch.of(1, "br0", ports()))));
    resource = app.resources().get(0);
    extra = new LinkedHashMap<>();
    extra.put("name", "bench-extra");
    extra.put("priority", 30000);
    extra.put("match", Map.of("ipv4-src", "10.3.4.0/24", "tcp-dst", "1000-1999"));
    extra.put("action", "drop");
  }

  private static List<String> ports() {
    List<String> ports = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      ports.add("p" + i);
    }
    return ports;
  }

  @Benchmark
  public AclApp load() {
    AclApp app = new AclApp();
    app.start(new BenchContext(config, List.of()));
    return app;
  }

  /** Two changes: the time of one is half of this. */
  @Benchmark
  public boolean addThenDeleteThroughRest() {
    resource.create(extra);
    return resource.delete("bench-extra");
  }
}
