package io.switchboard.bench.compute;

import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.FlowEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The core's flow programmers over switches that hold nothing at first and take every change, counting the
 * flow-mods they are sent: what the compute benchmarks measure "handed to the switches" with. One thread.
 */
final class CountingSwitches {
  private long opsSent;

  /** A programmer for one bridge, on the calling thread, with the overlay app registered. */
  FlowProgrammer programmer(long dpid, String app) {
    FlowProgrammer p = new FlowProgrammer(Long.toHexString(dpid), Pipeline.MULTI_TABLE, new FlowProgrammer.Channel() {
      @Override
      public void apply(List<FlowOp> ops) {
        opsSent += ops.size();
      }

      @Override
      public CompletableFuture<List<InstalledFlow>> readFlows() {
        return CompletableFuture.completedFuture(List.of());
      }
    }, new FlowProgrammer.Listener() {
      @Override
      public void adopt(String a, List<FlowEntry> entries) {}

      @Override
      public void expired(String a, FlowEntry entry) {}

      @Override
      public void reconciled(boolean initial, int ops, long nanos) {}
    }, Runnable::run);
    p.registerApp(app);
    return p;
  }

  /** Flow-mods sent to every switch so far. */
  long opsSent() {
    return opsSent;
  }
}
