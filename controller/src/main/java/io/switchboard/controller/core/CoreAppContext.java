package io.switchboard.controller.core;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.openflow.Messages;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What one app sees of the controller: the SPI's {@link AppContext}, over the controller's sessions. */
final class CoreAppContext implements AppContext {
  private final ControllerApp app;
  private final Controller controller;
  private final BridgeProgramming programming;
  private final Metrics metrics;
  /** Event counters by (dpid, event), looked up per event (some, like packet_in_over_budget, come at packet-in rate). */
  private final Map<AppEvent, LongAdder> events = new ConcurrentHashMap<>();

  private record AppEvent(long dpid, String event) {
    @Override
    public boolean equals(Object o) { // written out: the generated one goes through method handles
      return this == o || o instanceof AppEvent e && e.dpid == dpid && e.event.equals(event);
    }

    @Override
    public int hashCode() {
      return 31 * Long.hashCode(dpid) + event.hashCode();
    }
  }

  CoreAppContext(ControllerApp app, Controller controller, BridgeProgramming programming, Metrics metrics) {
    this.app = app;
    this.controller = controller;
    this.programming = programming;
    this.metrics = metrics;
  }

  /** A departed bridge's counter lookups go. */
  void forget(long dpid) {
    events.keySet().removeIf(k -> k.dpid() == dpid);
  }

  @Override
  public SwitchboardConfig config() {
    return controller.config();
  }

  @Override
  public Collection<SwitchView> switches() {
    List<SwitchView> out = new ArrayList<>();
    for (SwitchSession s : controller.sessions()) {
      out.add(s.view());
    }
    return out;
  }

  @Override
  public Optional<SwitchView> switchView(long dpid) {
    return controller.session(dpid).map(SwitchSession::view);
  }

  @Override
  public void recompute(long dpid) {
    controller.session(dpid).ifPresent(s -> programming.recompute(app, s));
  }

  @Override
  public void recomputeAll() {
    controller.sessions().forEach(s -> programming.recompute(app, s));
  }

  @Override
  public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
    controller.session(dpid).ifPresent(s -> programming.update(app, s, added, removed));
  }

  @Override
  public void updateAndRelease(long dpid, List<FlowEntry> added, List<FlowEntry> removed, PacketIn in,
                               FlowEntry carrier, List<Action> actions) {
    Optional<SwitchSession> s = controller.session(dpid);
    if (s.isEmpty() || in.bufferId() == PacketIn.NO_BUFFER) {
      packetOut(dpid, in, actions);
      update(dpid, added, removed);
      return;
    }
    programming.updateAndRelease(app, s.get(), added, removed, carrier, in.bufferId(),
        () -> packetOut(dpid, in, actions));
  }

  @Override
  public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
    Optional<SwitchSession> s = controller.session(dpid);
    if (s.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    int id = Cookies.appId(app.name());
    return s.get().readFlows().thenApply(list -> list.stream()
        .filter(f -> Cookies.appIdOf(f.cookie()) == id && f.entry() != null)
        .map(f -> new LiveFlow(f.entry(), Cookies.tagOf(f.cookie()), f.packets(), f.bytes(), f.durationSec()))
        .toList());
  }

  @Override
  public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {
    packetOut(dpid, inPort, PacketIn.NO_BUFFER, actions, data);
  }

  @Override
  public void packetOut(long dpid, PacketIn in, List<Action> actions) {
    packetOut(dpid, in.inPort(), in.bufferId(), actions, in.data());
  }

  private void packetOut(long dpid, long inPort, int bufferId, List<Action> actions, byte[] data) {
    SwitchSession s = controller.adopted(dpid);
    if (s != null) {
      s.send(Messages.packetOut(s, inPort, bufferId, actions, data));
    }
  }

  @Override
  public void count(long dpid, String event) {
    events.computeIfAbsent(new AppEvent(dpid, event), k -> metrics.counterRef("switchboard_app_events_total",
        "app", app.name(), "event", k.event(), "dpid", Values.dpid(k.dpid()))).increment();
  }

  @Override
  public StoreFactory stores() {
    return controller.stores();
  }

  @Override
  public boolean isMaster(long dpid) {
    return controller.mastership().isMaster(dpid);
  }

  @Override
  public void increment(String metric, String... labels) {
    if (!metric.startsWith("switchboard_") || labels.length % 2 != 0) {
      throw new IllegalArgumentException("app " + app.name() + ": bad metric " + metric);
    }
    metrics.inc(metric, labels);
  }
}
