package io.switchboard.bench.compute;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the core offers an app, minus the core: a config, in-memory stores and a fixed list of bridges. Recompute
 * requests are only counted; the benchmark drives computation itself.
 */
public final class BenchContext implements AppContext {
  private final SwitchboardConfig config;
  private final List<? extends SwitchView> switches;
  private final StoreFactory stores = new InMemoryStoreFactory();
  private int recomputes;
  private long packetOuts;

  public BenchContext(SwitchboardConfig config, List<? extends SwitchView> switches) {
    this.config = config;
    this.switches = switches;
  }

  public int recomputes() {
    return recomputes;
  }

  @Override
  public SwitchboardConfig config() {
    return config;
  }

  @Override
  public Collection<SwitchView> switches() {
    return List.copyOf(switches);
  }

  @Override
  public Optional<SwitchView> switchView(long dpid) {
    return switches.stream().filter(s -> s.dpid() == dpid).map(s -> (SwitchView) s).findFirst();
  }

  @Override
  public void recompute(long dpid) {
    recomputes++;
  }

  @Override
  public void recomputeAll() {
    recomputes++;
  }

  @Override
  public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
    recomputes++;
  }

  @Override
  public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {
    packetOuts++;
  }

  /** Packet-outs the app sent (they go nowhere). */
  public long packetOuts() {
    return packetOuts;
  }

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
