package io.switchboard.controller.core;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowConflict;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.flow.FlowReconciler;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.SnapshotStoreFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a new config would change on every bridge, computed before anything is applied: fresh instances of the
 * apps run against the new config and a private copy of the stores; their entries are diffed against the
 * entries the running apps want now.
 */
public final class ConfigPlanner {
  /**
   * One bridge's changes, and the entries two apps of the new config would want at the same (table, priority,
   * match) there.
   */
  public record BridgePlan(SwitchSession session, List<FlowOp> ops, Map<FlowKey, DesiredFlow> current,
      List<FlowConflict> conflicts) {
    public BridgePlan(SwitchSession session, List<FlowOp> ops, Map<FlowKey, DesiredFlow> current) {
      this(session, ops, current, List.of());
    }
  }

  private final Controller controller;
  private final Supplier<List<ControllerApp>> freshApps;
  private final StoreFactory stores;

  public ConfigPlanner(Controller controller, Supplier<List<ControllerApp>> freshApps, StoreFactory stores) {
    this.controller = controller;
    this.freshApps = freshApps;
    this.stores = stores;
  }

  public List<BridgePlan> plan(SwitchboardConfig next) throws Exception {
    Map<String, ControllerApp> byName = new LinkedHashMap<>();
    for (ControllerApp a : freshApps.get()) {
      byName.put(a.name(), a);
    }
    StoreFactory snapshot = new SnapshotStoreFactory(stores);
    List<ControllerApp> enabled = new ArrayList<>();
    for (String name : next.apps()) {
      ControllerApp app = byName.get(name);
      if (app == null) {
        throw new IllegalArgumentException("unknown app '" + name + "'");
      }
      app.start(new PlanContext(next, snapshot));
      enabled.add(app);
    }
    List<BridgePlan> plans = new ArrayList<>();
    for (SwitchSession s : controller.sessions()) {
      if (s.programmer() == null) {
        continue;
      }
      Map<FlowKey, DesiredFlow> current = controller.desiredFlows(s).get(10, TimeUnit.SECONDS);
      Map<FlowKey, DesiredFlow> wanted = new HashMap<>();
      Map<FlowKey, List<DesiredFlow>> all = new LinkedHashMap<>();
      for (FlowEntry e : s.pipeline().defaultEntries()) {
        put(wanted, s, Cookies.CORE, e);
      }
      SwitchView view = s.view();
      for (ControllerApp app : enabled) {
        List<FlowEntry> entries = new ArrayList<>();
        app.desiredFlows(view, entries::add);
        for (FlowEntry e : entries) {
          DesiredFlow d = put(wanted, s, app.name(), e);
          all.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d);
        }
      }
      List<FlowConflict> conflicts = new ArrayList<>();
      all.forEach((k, ds) -> FlowConflict.among(k, ds).ifPresent(conflicts::add));
      Map<FlowKey, InstalledFlow> asInstalled = new HashMap<>();
      current.forEach((k, d) -> asInstalled.put(k, new InstalledFlow(k, d.entry(), d.cookie(),
          d.entry().idleTimeout(), d.entry().hardTimeout(), 0, 0, 0, null)));
      plans.add(new BridgePlan(s, FlowReconciler.diff(wanted, asInstalled), current, conflicts));
    }
    for (ControllerApp app : enabled) {
      app.stop();
    }
    return plans;
  }

  private static DesiredFlow put(Map<FlowKey, DesiredFlow> m, SwitchSession s, String app, FlowEntry e) {
    FlowKey k = new FlowKey(s.pipeline().table(e.stage()), e.priority(), e.match());
    DesiredFlow d = new DesiredFlow(k, e, app, Cookies.cookie(app, e.tag()));
    m.putIfAbsent(k, d);
    return d;
  }

  /** An app context that sees the new config and copies of the stores, and can change nothing. */
  private final class PlanContext implements AppContext {
    private final SwitchboardConfig config;
    private final StoreFactory stores;

    PlanContext(SwitchboardConfig config, StoreFactory stores) {
      this.config = config;
      this.stores = stores;
    }

    public SwitchboardConfig config() {
      return config;
    }

    public Collection<SwitchView> switches() {
      return controller.sessions().stream().map(SwitchSession::view).toList();
    }

    public Optional<SwitchView> switchView(long dpid) {
      return controller.session(dpid).map(SwitchSession::view);
    }

    public void recompute(long dpid) {}

    public void recomputeAll() {}

    public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {}

    public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
      return CompletableFuture.completedFuture(List.of());
    }

    public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {}

    public void count(long dpid, String event) {}

    public StoreFactory stores() {
      return stores;
    }

    public boolean isMaster(long dpid) {
      return controller.mastership().isMaster(dpid);
    }
  }
}
