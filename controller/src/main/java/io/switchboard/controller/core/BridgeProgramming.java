package io.switchboard.controller.core;

import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.Messages;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.SwitchView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programming bridges: becoming (or ceasing to be) a bridge's programmer, asking the apps for their entries and
 * handing them to the bridge's {@link FlowProgrammer}, audits. Everything that touches a programmer runs on the
 * bridge's worker.
 */
final class BridgeProgramming {
  private static final Logger log = LoggerFactory.getLogger(BridgeProgramming.class);

  private final AppRegistry apps;
  private final Metrics metrics;

  BridgeProgramming(AppRegistry apps, Metrics metrics) {
    this.apps = apps;
    this.metrics = metrics;
    metrics.describe("switchboard_flows_out_of_sync", "Entries the last reconciliation found differing from the "
        + "desired set (and sent)");
    metrics.describe("switchboard_reconciliation_failures_total", "Reconciliations that could not read or compare "
        + "a bridge's flows");
    metrics.describe("switchboard_mastership_changes_total", "This instance became master (or slave) of a bridge");
  }

  /** Becomes the programmer of a bridge: computes every app's entries and reconciles with the switch. Worker. */
  void program(SwitchSession s) {
    if (!s.isOpen()) {
      return;
    }
    FlowProgrammer[] self = new FlowProgrammer[1];
    FlowProgrammer p = new FlowProgrammer(s.dpidText(), s.pipeline(), new ProgrammerChannel(s, self),
        new ProgrammerEvents(s), s.worker());
    self[0] = p;
    apps.names().forEach(p::registerApp);
    s.programmer(p);
    addMeters(s);
    recomputeNow(s);
    p.reconcile();
  }

  /**
   * The meters the enabled apps declare, added before any entry that uses them (OpenFlow 1.3+). A meter the bridge
   * already holds (a reconnect) answers METER_EXISTS, which {@link SwitchEvents} lets pass: it is kept as it is.
   */
  private void addMeters(SwitchSession s) {
    if (s.version().compareTo(OFVersion.OF_13) < 0) {
      return;
    }
    SwitchView view = s.view();
    for (ControllerApp app : apps.enabled()) {
      for (ControllerApp.MeterSpec m : app.meters(view)) {
        s.send(Messages.meterAdd(s, m));
      }
    }
  }

  /** This instance stops programming a bridge (another became master). */
  void unprogram(SwitchSession s) {
    metrics.inc("switchboard_mastership_changes_total", "dpid", s.dpidText(), "role", "slave");
    metrics.removeGauge("switchboard_flows_out_of_sync", "dpid", s.dpidText());
    s.worker().execute(() -> s.programmer(null));
  }

  /** This instance (again) programs a bridge. */
  void reprogram(SwitchSession s) {
    metrics.inc("switchboard_mastership_changes_total", "dpid", s.dpidText(), "role", "master");
    s.worker().execute(() -> program(s));
  }

  /** Every enabled app's entries for the bridge, now. Worker. */
  void recomputeNow(SwitchSession s) {
    FlowProgrammer p = s.programmer();
    if (p == null) {
      return;
    }
    SwitchView view = s.view();
    for (ControllerApp app : apps.enabled()) {
      List<FlowEntry> entries = AppRegistry.compute(app, view);
      if (entries != null) {
        p.setDesired(app.name(), entries);
      }
    }
  }

  /** One app's entries for the bridge, on its worker. */
  void recompute(ControllerApp app, SwitchSession s) {
    s.worker().execute(() -> {
      FlowProgrammer p = s.programmer();
      if (p == null || !apps.isEnabled(app)) {
        return;
      }
      List<FlowEntry> entries = AppRegistry.compute(app, s.view());
      if (entries != null) {
        p.setDesired(app.name(), entries);
      }
    });
  }

  /** An app's incremental change (reactive entries), on the bridge's worker. */
  void update(ControllerApp app, SwitchSession s, List<FlowEntry> added, List<FlowEntry> removed) {
    s.worker().execute(() -> {
      FlowProgrammer p = s.programmer();
      if (p != null && apps.isEnabled(app)) {
        long before = p.flowModsSent();
        p.update(app.name(), added, removed);
        metrics.add("switchboard_flow_mods_total", p.flowModsSent() - before, "dpid", s.dpidText());
      }
    });
  }

  /**
   * {@link #update}, with the packet-in's buffered packet carried by the add of {@code carrier} when it is sent now;
   * otherwise (or when this instance does not program the bridge) {@code release} sends the packet on.
   */
  void updateAndRelease(ControllerApp app, SwitchSession s, List<FlowEntry> added, List<FlowEntry> removed,
                        FlowEntry carrier, int bufferId, Runnable release) {
    s.worker().execute(() -> {
      FlowProgrammer p = s.programmer();
      if (p == null || !apps.isEnabled(app)) {
        release.run();
        return;
      }
      long before = p.flowModsSent();
      if (!p.update(app.name(), added, removed, carrier, bufferId)) {
        release.run();
      }
      metrics.add("switchboard_flow_mods_total", p.flowModsSent() - before, "dpid", s.dpidText());
    });
  }

  /** A disabled app's entries leave the bridge. Worker. */
  void removeApp(SwitchSession s, String app) {
    FlowProgrammer p = s.programmer();
    if (p != null) {
      p.removeApp(app);
    }
  }

  /**
   * Reads the switch's table and repairs drift, on its worker. Completes when done: at once for a bridge this
   * instance does not program, after the read and the repair otherwise (the worker keeps applying changes while the
   * switch answers).
   */
  CompletableFuture<Void> audit(SwitchSession s) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      s.worker().execute(() -> {
        FlowProgrammer p = s.programmer();
        if (p != null && s.isOpen()) {
          p.reconcile().whenComplete((v, e) -> done.complete(null));
        } else {
          done.complete(null);
        }
      });
    } catch (RuntimeException e) { // the controller is stopping
      done.complete(null);
    }
    return done;
  }

  /** The merged desired entries of a bridge, read on its worker. */
  CompletableFuture<Map<FlowKey, DesiredFlow>> desiredFlows(SwitchSession s) {
    CompletableFuture<Map<FlowKey, DesiredFlow>> f = new CompletableFuture<>();
    s.worker().execute(() -> {
      FlowProgrammer p = s.programmer();
      f.complete(p == null ? Map.of() : p.desired());
    });
    return f;
  }

  /**
   * The switch as one programmer sees it: once that programmer is replaced or dropped ({@link #unprogram}: another
   * instance became master), whatever it still had in flight, e.g. an initial reconciliation waiting for flow
   * stats, sends nothing.
   */
  private static final class ProgrammerChannel implements FlowProgrammer.Channel {
    private final SwitchSession s;
    private final FlowProgrammer[] self;

    ProgrammerChannel(SwitchSession s, FlowProgrammer[] self) {
      this.s = s;
      this.self = self;
    }

    @Override
    public void apply(List<FlowOp> ops) {
      if (s.programmer() == self[0]) {
        s.apply(ops);
      } else {
        log.debug("switch {}: dropped {} change(s) of a programmer no longer in charge", s.dpidText(), ops.size());
      }
    }

    @Override
    public boolean carriesBuffer(int ops) {
      return s.carriesBuffer(ops);
    }

    @Override
    public CompletableFuture<List<InstalledFlow>> readFlows() {
      return s.readFlows();
    }
  }

  private final class ProgrammerEvents implements FlowProgrammer.Listener {
    private final SwitchSession s;

    ProgrammerEvents(SwitchSession s) {
      this.s = s;
    }

    @Override
    public void adopt(String app, List<FlowEntry> entries) {
      ControllerApp a = apps.get(app);
      if (a != null && apps.isEnabled(a)) {
        a.adoptFlows(s.view(), entries);
        List<FlowEntry> recomputed = AppRegistry.compute(a, s.view());
        FlowProgrammer p = s.programmer(); // null once the bridge was unprogrammed meanwhile (mastership moved)
        if (recomputed != null && p != null) {
          p.setDesired(app, recomputed);
        }
      }
    }

    @Override
    public void expired(String app, FlowEntry entry) {
      ControllerApp a = apps.get(app);
      if (a != null && apps.isEnabled(a)) {
        a.onFlowExpired(s.view(), entry);
      }
    }

    @Override
    public void reconciled(boolean initial, int ops, long nanos) {
      metrics.inc("switchboard_reconciliations_total", "kind", initial ? "connect" : "audit");
      metrics.observeSeconds("switchboard_reconciliation_seconds", nanos / 1e9);
      if (!initial) {
        metrics.add("switchboard_drift_repaired_total", ops, "dpid", s.dpidText());
      }
      metrics.add("switchboard_flow_mods_total", ops, "dpid", s.dpidText());
      // what the last read found differing from the desired set: repaired by then, so non-zero across two audits
      // in a row means desired != live for longer than an audit interval
      double found = ops;
      metrics.gauge("switchboard_flows_out_of_sync", () -> found, "dpid", s.dpidText());
    }

    @Override
    public void reconcileFailed() {
      metrics.inc("switchboard_reconciliation_failures_total", "dpid", s.dpidText());
    }
  }
}
