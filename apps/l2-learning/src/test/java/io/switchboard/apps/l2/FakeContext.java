package io.switchboard.apps.l2;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An AppContext for unit tests. It keeps each switch's desired entries the way the core does: a full set from
 * {@code desiredFlows} on {@link #connect}, changed by {@code update()} deltas, so a test can check that the
 * deltas agree with a fresh {@code desiredFlows}.
 */
final class FakeContext implements AppContext {
  record PacketOut(long dpid, long inPort, List<Action> actions) {}

  record Key(Stage stage, int priority, FlowMatch match) {
    static Key of(FlowEntry e) {
      return new Key(e.stage(), e.priority(), e.match());
    }
  }

  final List<PacketOut> packetOuts = new ArrayList<>();
  final List<String> counts = new ArrayList<>();
  final List<String> updates = new ArrayList<>();
  final Map<Long, SwitchView> switches = new LinkedHashMap<>();
  final Map<Long, Map<Key, FlowEntry>> desired = new LinkedHashMap<>();
  private final StoreFactory stores = new InMemoryStoreFactory();
  private SwitchboardConfig config;
  private ControllerApp app;

  FakeContext(String yaml) {
    config(yaml);
  }

  void config(String yaml) {
    try {
      config = ConfigLoader.parse(yaml, "test.yaml");
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Starts the app and connects switches: their desired sets are computed as the core does on connect. */
  void start(ControllerApp a, SwitchView... sws) {
    this.app = a;
    a.start(this);
    for (SwitchView sw : sws) {
      connect(sw);
    }
  }

  void connect(SwitchView sw) {
    switches.put(sw.dpid(), sw);
    desired.put(sw.dpid(), compute(sw));
  }

  Map<Key, FlowEntry> compute(SwitchView sw) {
    Map<Key, FlowEntry> m = new LinkedHashMap<>();
    app.desiredFlows(sw, e -> m.put(Key.of(e), e));
    return m;
  }

  /** The entries as the core holds them after the deltas, in a stable readable order. */
  List<String> dump(long dpid) {
    return dump(desired.get(dpid).values());
  }

  static List<String> dump(Collection<FlowEntry> entries) {
    return entries.stream().sorted(java.util.Comparator.comparing((FlowEntry e) -> e.stage())
            .thenComparing(e -> -e.priority()).thenComparing(e -> e.match().toString()))
        .map(FlowEntry::toString).toList();
  }

  // ---- AppContext

  public SwitchboardConfig config() {
    return config;
  }

  public Collection<SwitchView> switches() {
    return switches.values();
  }

  public Optional<SwitchView> switchView(long dpid) {
    return Optional.ofNullable(switches.get(dpid));
  }

  public void recompute(long dpid) {
    desired.put(dpid, compute(switches.get(dpid)));
  }

  public void recomputeAll() {
    switches.keySet().forEach(this::recompute);
  }

  public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
    Map<Key, FlowEntry> m = desired.computeIfAbsent(dpid, d -> new LinkedHashMap<>());
    removed.forEach(e -> m.remove(Key.of(e)));
    added.forEach(e -> m.put(Key.of(e), e));
    updates.add("+" + added.size() + " -" + removed.size());
  }

  public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
    return CompletableFuture.completedFuture(List.of());
  }

  public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {
    packetOuts.add(new PacketOut(dpid, inPort, actions));
  }

  public void count(long dpid, String event) {
    counts.add(event);
  }

  public StoreFactory stores() {
    return stores;
  }

  public boolean isMaster(long dpid) {
    return true;
  }
}
