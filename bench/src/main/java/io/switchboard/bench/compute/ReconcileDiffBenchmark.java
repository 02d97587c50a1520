package io.switchboard.bench.compute;

import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.flow.FlowReconciler;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Stage;
import java.util.HashMap;
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
 * {@link FlowReconciler#diff}: what a switch holds vs what the apps want, 100,000 entries of which 1% differ
 * (a third missing on the switch, a third with other actions, a third that no app wants any more) — the audit of
 * a big bridge after some drift. Target: under 200 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ReconcileDiffBenchmark {
  @Param("100000")
  int flows;

  @Param("0.01")
  double different;

  Map<FlowKey, DesiredFlow> desired;
  Map<FlowKey, InstalledFlow> installed;

  @Setup
  public void build() {
    desired = new HashMap<>();
    installed = new HashMap<>();
    int changed = (int) (flows * different);
    for (int i = 0; i < flows; i++) {
      DesiredFlow d = desired(i, i % 48 + 1);
      int kind = i < changed ? i % 3 : -1;
      if (kind != 0) {
        desired.put(d.key(), d);   // kind 0: no app wants it any more (a delete)
      }
      if (kind == 1) {
        continue;                  // missing on the switch (an add)
      }
      DesiredFlow have = kind == 2 ? desired(i, i % 48 + 2) : d;   // other actions (a modify)
      FlowEntry e = have.entry();
      installed.put(have.key(), new InstalledFlow(have.key(), e, have.cookie(), e.idleTimeout(), e.hardTimeout(),
          i, 64L * i, 100, null));
    }
  }

  /** An l2-learning-like entry: a host's MAC in a VLAN, out of a port. */
  static DesiredFlow desired(int i, long outPort) {
    FlowEntry e = FlowEntry.in(Stage.L2).priority(100)
        .match(FlowMatch.builder().vlan(100 + i % 50).ethDst(0x0200_0000_0000L + i).build())
        .actions(Action.output(outPort)).idleTimeout(300).tag(0x0200_0000_0000L + i).build();
    return new DesiredFlow(new FlowKey(4, e.priority(), e.match()), e, "l2-learning",
        Cookies.cookie("l2-learning", e.tag()));
  }

  @Benchmark
  public List<FlowOp> diff() {
    return FlowReconciler.diff(desired, installed);
  }
}
