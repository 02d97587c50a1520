package io.switchboard.controller.core;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.StoreFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new config applied to the running controller: apps are enabled or disabled, every app restarted with the new
 * config, the audit rescheduled when its interval changed, and every bridge's flows recomputed; only the difference
 * reaches the switches.
 *
 * <p>The SPI's threading rule holds: the apps stop and start on the lifecycle thread while every bridge's worker is
 * parked (none runs app code meanwhile), and each bridge's part (a disabled app's entries leave, the flows are
 * recomputed) runs on that bridge's worker.
 */
final class ConfigReload {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);
  /** How long a reload waits for every bridge's worker to finish what it is doing before the apps restart. */
  static final Duration HOLD = Duration.ofSeconds(10);

  private final AppRegistry apps;
  private final Workers workers;
  private final BridgeProgramming programming;
  private final StoreFactory stores;
  private final Supplier<Collection<SwitchSession>> sessions;
  private final AuditSchedule<SwitchSession> audits;
  private final Supplier<SwitchboardConfig> current;
  private final Consumer<SwitchboardConfig> install;
  /** Where the apps are restarted: neither the caller's thread (REST, SIGHUP) nor a bridge's worker. */
  private final ExecutorService lifecycle;

  ConfigReload(AppRegistry apps, Workers workers, BridgeProgramming programming, StoreFactory stores,
               Supplier<Collection<SwitchSession>> sessions, AuditSchedule<SwitchSession> audits,
               Supplier<SwitchboardConfig> current, Consumer<SwitchboardConfig> install) {
    this.apps = apps;
    this.workers = workers;
    this.programming = programming;
    this.stores = stores;
    this.sessions = sessions;
    this.audits = audits;
    this.current = current;
    this.install = install;
    this.lifecycle = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "controller-lifecycle");
      t.setDaemon(true);
      return t;
    });
  }

  /** Applies {@code next}; returns once applied. */
  void apply(SwitchboardConfig next) {
    Future<?> done = lifecycle.submit(() -> workers.whileHeld(HOLD, () -> reconfigure(next)));
    try {
      done.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while applying the config", e);
    }
  }

  /**
   * Whether a bridge's work may run on its connection's event loop: the store and every enabled app say they never
   * block (a clustered store does not: Hazelcast writes wait on the network). The mastership's calls on a worker
   * must not block either way (its contract).
   */
  boolean nothingBlocks() {
    return stores.nonBlocking() && apps.enabled().stream().allMatch(ControllerApp::nonBlocking);
  }

  void close() {
    lifecycle.shutdownNow();
  }

  /** On the lifecycle thread, with every bridge's worker parked. */
  private void reconfigure(SwitchboardConfig next) {
    SwitchboardConfig prev = current.get();
    install.accept(next);
    List<ControllerApp> before = apps.enabled();
    for (ControllerApp app : before) {
      app.stop();
    }
    apps.enable(next);
    workers.runOnLoops(nothingBlocks()); // every worker is parked: each resumes where the new app set allows
    for (ControllerApp app : before) {
      if (!apps.isEnabled(app)) {
        log.info("app {} disabled", app.name());
        for (SwitchSession s : sessions.get()) {
          s.worker().execute(() -> programming.removeApp(s, app.name()));
        }
      }
    }
    if (!prev.reconcile().auditInterval().equals(next.reconcile().auditInterval())) {
      audits.start(next.reconcile().auditInterval());
    }
    for (SwitchSession s : sessions.get()) {
      s.worker().execute(() -> programming.recomputeNow(s));
    }
  }
}
