package io.switchboard.apps.acl;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An AppContext for unit tests: a config from YAML, fake bridges, an in-memory store, canned flow stats. */
final class FakeContext implements AppContext {
  volatile SwitchboardConfig config;
  final List<SwitchView> switches = new ArrayList<>();
  final Map<Long, CompletableFuture<List<LiveFlow>>> liveFlows = new ConcurrentHashMap<>();
  final AtomicInteger recomputeAll = new AtomicInteger();
  private final StoreFactory stores;

  FakeContext(String yaml) {
    this(yaml, new InMemoryStoreFactory());
  }

  FakeContext(String yaml, StoreFactory stores) {
    this.config = parse(yaml);
    this.stores = stores;
  }

  static SwitchboardConfig parse(String yaml) {
    try {
      return ConfigLoader.parse(yaml, "test.yaml");
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
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
    return switches.stream().filter(s -> s.dpid() == dpid).findFirst();
  }

  @Override
  public void recompute(long dpid) {}

  @Override
  public void recomputeAll() {
    recomputeAll.incrementAndGet();
  }

  @Override
  public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {}

  @Override
  public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
    return liveFlows.getOrDefault(dpid, CompletableFuture.completedFuture(List.of()));
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
