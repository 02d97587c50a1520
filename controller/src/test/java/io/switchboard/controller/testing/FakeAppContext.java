package io.switchboard.controller.testing;

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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An AppContext for apps' unit tests: a config from YAML, bridges, an in-memory store (or one given), canned flow
 * statistics, and a record of what the app asked for (packet-outs, counted events, updates). An app started with
 * {@link #start} has each bridge's desired entries kept the way the core keeps them: a full set from
 * {@code desiredFlows} on {@link #connect} and on recompute, changed by {@code update()} deltas, so a test can
 * check that the deltas agree with a fresh {@code desiredFlows}.
 */
public class FakeAppContext implements AppContext {
  public record PacketOut(long dpid, long inPort, List<Action> actions, byte[] data) {}

  /** Where an entry stands in a bridge's table: what the core keys desired entries by. */
  public record Key(Stage stage, int priority, FlowMatch match) {
    public static Key of(FlowEntry e) {
      return new Key(e.stage(), e.priority(), e.match());
    }
  }

  public final List<PacketOut> packetOuts = new ArrayList<>();
  public final List<String> counts = new ArrayList<>();
  public final List<String> updates = new ArrayList<>();
  public final Map<Long, SwitchView> switches = new LinkedHashMap<>();
  public final Map<Long, Map<Key, FlowEntry>> desired = new LinkedHashMap<>();
  public final Map<Long, CompletableFuture<List<LiveFlow>>> liveFlows = new ConcurrentHashMap<>();
  public final AtomicInteger recomputeAll = new AtomicInteger();
  /** How often the app asked for its entries to change: recompute, recomputeAll and update calls. */
  public final AtomicInteger asked = new AtomicInteger();
  /** Metrics the app incremented, as {@code name{label=value,...}}. */
  public final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  public volatile SwitchboardConfig config;
  private final StoreFactory stores;
  private ControllerApp app;

  public FakeAppContext(String yaml) {
    this(yaml, new InMemoryStoreFactory());
  }

  public FakeAppContext(String yaml, StoreFactory stores) {
    this(parse(yaml), stores);
  }

  public FakeAppContext(SwitchboardConfig config, StoreFactory stores) {
    this.config = config;
    this.stores = stores;
  }

  public static SwitchboardConfig parse(String yaml) {
    try {
      return ConfigLoader.parse(yaml, "test.yaml");
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Replaces the config, as a reload would before it restarts the apps. */
  public void config(String yaml) {
    config = parse(yaml);
  }

  /** Starts the app and connects bridges: their desired sets are computed as the core does on connect. */
  public void start(ControllerApp a, SwitchView... sws) {
    this.app = a;
    a.start(this);
    for (SwitchView sw : sws) {
      connect(sw);
    }
  }

  /** A bridge joins; once an app is started its desired set is computed. */
  public void connect(SwitchView sw) {
    switches.put(sw.dpid(), sw);
    if (app != null) {
      desired.put(sw.dpid(), compute(sw));
    }
  }

  public Map<Key, FlowEntry> compute(SwitchView sw) {
    Map<Key, FlowEntry> m = new LinkedHashMap<>();
    app.desiredFlows(sw, e -> m.put(Key.of(e), e));
    return m;
  }

  /** The entries as the core holds them after the deltas, in a stable readable order. */
  public List<String> dump(long dpid) {
    return dump(desired.get(dpid).values());
  }

  public static List<String> dump(Collection<FlowEntry> entries) {
    return entries.stream().sorted(Comparator.comparing(FlowEntry::stage)
            .thenComparing(e -> -e.priority()).thenComparing(e -> e.match().toString()))
        .map(FlowEntry::toString).toList();
  }

  // ---- AppContext

  @Override
  public SwitchboardConfig config() {
    return config;
  }

  @Override
  public Collection<SwitchView> switches() {
    return List.copyOf(switches.values());
  }

  @Override
  public Optional<SwitchView> switchView(long dpid) {
    return Optional.ofNullable(switches.get(dpid));
  }

  @Override
  public void recompute(long dpid) {
    asked.incrementAndGet();
    recomputeNow(dpid);
  }

  private void recomputeNow(long dpid) {
    if (app != null && switches.containsKey(dpid)) {
      desired.put(dpid, compute(switches.get(dpid)));
    }
  }

  @Override
  public void recomputeAll() {
    asked.incrementAndGet();
    recomputeAll.incrementAndGet();
    switches.keySet().forEach(this::recomputeNow);
  }

  @Override
  public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
    asked.incrementAndGet();
    Map<Key, FlowEntry> m = desired.computeIfAbsent(dpid, d -> new LinkedHashMap<>());
    removed.forEach(e -> m.remove(Key.of(e)));
    added.forEach(e -> m.put(Key.of(e), e));
    updates.add("+" + added.size() + " -" + removed.size());
  }

  @Override
  public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
    return liveFlows.getOrDefault(dpid, CompletableFuture.completedFuture(List.of()));
  }

  @Override
  public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {
    packetOuts.add(new PacketOut(dpid, inPort, actions, data));
  }

  @Override
  public void count(long dpid, String event) {
    counts.add(event);
  }

  @Override
  public void increment(String metric, String... labels) {
    StringBuilder k = new StringBuilder(metric).append('{');
    for (int i = 0; i + 1 < labels.length; i += 2) {
      k.append(i == 0 ? "" : ",").append(labels[i]).append('=').append(labels[i + 1]);
    }
    counters.computeIfAbsent(k.append('}').toString(), x -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public StoreFactory stores() {
    return stores;
  }

  @Override
  public boolean isMaster(long dpid) {
    return true;
  }
}
