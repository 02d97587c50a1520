package io.switchboard.controller.core;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.OpenFlowServer;
import io.switchboard.controller.openflow.OpenFlowTls;
import io.switchboard.controller.openflow.SwitchChannelHandler;
import io.switchboard.controller.openflow.SwitchListener;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.openflow.Undecodable;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.Values;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller runtime: it owns the connected bridges (one adopted session per dpid), and wires the parts that
 * each do one job: {@link AppRegistry} (the apps and their contexts), {@link BridgeProgramming} (when flows are
 * computed and reconciled), {@link SwitchEvents} (what a bridge says, decoded for the apps), {@link
 * SwitchTakeover} (who may replace a connected bridge), the {@link Mastership}, the periodic audit ({@link
 * AuditSchedule}) and config reloads ({@link ConfigReload}). Apps' work runs on per-switch
 * workers ({@link Workers}): on the connection's Netty event loop when the store and every enabled app say they
 * never block, otherwise on a worker pool.
 */
public final class Controller implements SwitchListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);
  /** A departed switch's metric series are removed this long after it left, unless it is back by then. */
  static final Duration METRICS_GRACE = Duration.ofSeconds(60);

  private final Map<Long, SwitchSession> sessions = new ConcurrentHashMap<>();
  /** The mastership's handle on each adopted session. */
  private final Map<SwitchSession, SessionLink> links = new ConcurrentHashMap<>();
  private final ExecutorService appPool;
  /** The bridges' workers, one per dpid. */
  private final Workers workers;
  /** Applies a new config (on its own lifecycle thread). */
  private final ConfigReload reload;
  private final ScheduledExecutorService timers;
  private final Metrics metrics = new Metrics();
  private final StoreFactory stores;
  private final Mastership mastership;
  private final long startedAt = System.currentTimeMillis();
  private final AppRegistry apps;
  private final BridgeProgramming programming;
  private final SwitchEvents events;
  private final SwitchTakeover takeover;
  private final CertificatePins pins;
  private volatile SwitchboardConfig config;
  private OpenFlowServer server;
  private InetSocketAddress openflowAddress;
  private InetSocketAddress openflowTlsAddress;
  /** The periodic audit: one bridge at a time, spread over the interval. */
  private final AuditSchedule<SwitchSession> audits;

  public Controller(SwitchboardConfig config, Collection<ControllerApp> apps, StoreFactory stores,
                    Mastership mastership) {
    this.config = config;
    this.stores = stores;
    this.mastership = mastership;
    this.apps = new AppRegistry(apps, this::newContext);
    this.programming = new BridgeProgramming(this.apps, metrics);
    this.events = new SwitchEvents(this.apps, programming, metrics, this::demoted);
    AtomicInteger n = new AtomicInteger();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.appPool = Executors.newFixedThreadPool(threads, r -> daemon(r, "switch-worker-" + n.incrementAndGet()));
    this.workers = new Workers(appPool);
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "controller-timer"));
    metrics.describe("switchboard_switches_connected", "Bridges connected to this instance");
    metrics.gauge("switchboard_switches_connected", () -> (double) sessions.size());
    metrics.gauge("switchboard_uptime_seconds", () -> (System.currentTimeMillis() - startedAt) / 1000.0);
    metrics.describe("switchboard_openflow_tls_failures_total", "OpenFlow TLS handshakes that failed");
    metrics.add("switchboard_openflow_tls_failures_total", 0);
    this.pins = new CertificatePins(this::config, metrics);
    this.takeover = new SwitchTakeover(sessions, pins::authenticated, this::adopt, metrics,
        SwitchTakeover.PROBE_TIMEOUT);
    this.audits = new AuditSchedule<>(sessions::values, programming::audit, this::onTimer,
        System::currentTimeMillis, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    this.reload = new ConfigReload(this.apps, workers, programming, stores, sessions::values, audits,
        () -> this.config, next -> this.config = next);
  }

  /** Runs a task on the timer thread after a delay; nothing once the controller stopped. Returns its cancel. */
  private Runnable onTimer(Runnable task, long delayMs) {
    try {
      ScheduledFuture<?> f = timers.schedule(task, delayMs, TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      return () -> { };
    }
  }

  /** An app's context, made when the app is first enabled (in {@link #start}, after construction). */
  private CoreAppContext newContext(ControllerApp app) {
    return new CoreAppContext(app, this, programming, metrics);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts the enabled apps, the OpenFlow listener and the periodic audit. */
  public InetSocketAddress start() throws InterruptedException {
    apps.enable(config);
    workers.runOnLoops(reload.nothingBlocks());
    server = new OpenFlowServer();
    var of = config.openflow();
    OpenFlowTls tls = of.tls().map(files -> OpenFlowTls.load(files,
        () -> metrics.inc("switchboard_openflow_tls_failures_total"))).orElse(null);
    var listen = of.listen();
    openflowAddress = server.start(listen.host(), listen.port(), of.echoInterval(), of.limits(), this, workers,
        of.listenIsTls() ? tls : null);
    openflowTlsAddress = of.listenIsTls() ? openflowAddress : null;
    if (of.tlsListen().isPresent()) {
      var tlsListen = of.tlsListen().get();
      openflowTlsAddress = server.start(tlsListen.host(), tlsListen.port(), of.echoInterval(), of.limits(), this,
          workers, tls);
    }
    OpenFlowServer srv = server;
    metrics.describe("switchboard_openflow_connections", "OpenFlow connections open, handshaking or not");
    metrics.gauge("switchboard_openflow_connections", () -> (double) srv.openConnections());
    metrics.describe("switchboard_openflow_handshaking", "OpenFlow connections still in their handshake");
    metrics.gauge("switchboard_openflow_handshaking", () -> (double) srv.handshaking());
    metrics.describe("switchboard_openflow_inbound_queued", "Messages read from all switches and not handled yet");
    metrics.gauge("switchboard_openflow_inbound_queued", () -> (double) srv.inboundQueued());
    metrics.describe("switchboard_openflow_inbound_share", "Messages one switch may have waiting before reading from it"
        + " pauses: openflow.limits.inbound-queue, or its share of inbound-total");
    metrics.gauge("switchboard_openflow_inbound_share", () -> (double) srv.inboundShare());
    audits.start(config.reconcile().auditInterval());
    return openflowAddress;
  }

  public InetSocketAddress openflowAddress() {
    return openflowAddress;
  }

  /** Where switches connect over TLS ({@code openflow.listen} or {@code openflow.tls-listen}), or null. */
  public InetSocketAddress openflowTlsAddress() {
    return openflowTlsAddress;
  }

  public SwitchboardConfig config() {
    return config;
  }

  public Metrics metrics() {
    return metrics;
  }

  public long startedAt() {
    return startedAt;
  }

  public StoreFactory stores() {
    return stores;
  }

  public Mastership mastership() {
    return mastership;
  }

  public Collection<ControllerApp> availableApps() {
    return apps.available();
  }

  public List<ControllerApp> enabledApps() {
    return apps.enabled();
  }

  public Collection<SwitchSession> sessions() {
    return sessions.values();
  }

  /** A bridge by dpid (16 hex digits, colons allowed) or by name. */
  public Optional<SwitchSession> session(String id) {
    long dpid = Values.parseDpid(id);
    if (dpid != -1 && sessions.containsKey(dpid)) {
      return Optional.of(sessions.get(dpid));
    }
    return sessions.values().stream().filter(s -> id.equals(s.name())).findFirst();
  }

  public Optional<SwitchSession> session(long dpid) {
    return Optional.ofNullable(sessions.get(dpid));
  }

  /** The bridge's adopted session, or null (no Optional: packet-outs ask at packet-in rate). */
  SwitchSession adopted(long dpid) {
    return sessions.get(dpid);
  }

  /** The merged desired entries of a bridge, read on its worker. */
  public CompletableFuture<Map<FlowKey, DesiredFlow>> desiredFlows(SwitchSession s) {
    return programming.desiredFlows(s);
  }

  /** What the switch really holds (flow stats). */
  public CompletableFuture<List<InstalledFlow>> liveFlows(SwitchSession s) {
    return s.readFlows();
  }

  /** The app that owns a cookie, or null. */
  public String appOf(long cookie) {
    return apps.appOf(cookie);
  }

  // ---- SwitchListener: the session registry

  /** Refuses a connection claiming a bridge that is pinned to a certificate it did not present. */
  @Override
  public String refusal(SwitchSession s) {
    return pins.refusal(s);
  }

  /** A connection finished its handshake: it becomes the bridge's session unless the takeover policy refuses it. */
  @Override
  public void switchUp(SwitchSession s) {
    takeover.arrived(s);
  }

  /** The connection is now the bridge's session (in {@link #sessions}): the mastership decides when to program. */
  private void adopt(SwitchSession s) {
    metrics.inc("switchboard_switch_connects_total");
    metrics.gauge("switchboard_echo_rtt_seconds", () -> s.echoRttNanos() < 0 ? Double.NaN
        : s.echoRttNanos() / 1e9, "dpid", s.dpidText());
    SessionLink link = new SessionLink(s, new SessionLink.Programmer() {
      @Override
      public void program(SwitchSession session, boolean first) {
        if (first) {
          session.worker().execute(() -> programming.program(session));
        } else {
          reprogram(session);
        }
      }

      @Override
      public void unprogram(SwitchSession session) {
        Controller.this.unprogram(session);
      }
    });
    links.put(s, link);
    mastership.switchUp(link);
  }

  /** This instance stops programming a bridge (another became master). */
  public void unprogram(SwitchSession s) {
    programming.unprogram(s);
  }

  /** This instance (again) programs a bridge. */
  public void reprogram(SwitchSession s) {
    programming.reprogram(s);
  }

  @Override
  public void switchDown(SwitchSession s) {
    events.forget(s);
    apps.forget(s.dpid());
    if (sessions.remove(s.dpid(), s)) {
      log.info("switch {} ({}) disconnected", s.dpidText(), s.name());
      metrics.removeGauge("switchboard_echo_rtt_seconds", "dpid", s.dpidText());
      metrics.removeGauge("switchboard_flows_out_of_sync", "dpid", s.dpidText());
      onTimer(() -> forgetSeries(s.dpid(), s.dpidText()), METRICS_GRACE.toMillis()); // nothing once stopping
      apps.each(s.dpidText(), "switch down", app -> app.onSwitchDown(s.dpid()));
    }
    // a replaced connection's link goes down too (after its successor came up: both ran on the dpid's worker)
    SessionLink link = links.remove(s);
    if (link != null) {
      mastership.switchDown(link);
    }
  }

  private void forgetSeries(long dpid, String dpidText) {
    if (!sessions.containsKey(dpid)) {
      log.debug("switch {}: gone for {}, removed its {} metric series", dpidText, METRICS_GRACE,
          metrics.removeSeries("dpid", dpidText));
    }
  }

  private void demoted(SwitchSession s) {
    SessionLink link = links.get(s);
    if (link != null) {
      mastership.demoted(link);
    }
  }

  @Override
  public void message(SwitchSession s, OFMessage m) {
    if (sessions.get(s.dpid()) != s) {
      // a claimant the takeover policy has not admitted (yet): it keeps its own port list, the apps hear nothing
      if (m instanceof OFPortStatus ps) {
        s.portChanged(SwitchChannelHandler.port(ps.getDesc()), ps.getReason() == OFPortReason.DELETE);
      }
      return;
    }
    events.message(s, m);
  }

  @Override
  public void undecodable(SwitchSession s, Undecodable u) {
    events.undecodable(s, u);
  }

  @Override
  public void counted(boolean in, String type) {
    events.counted(in, type);
  }

  @Override
  public void limitHit(SwitchSession s, String limit, String why) {
    events.limitHit(s, limit, why);
  }

  @Override
  public void connectionRefused(String reason, String remote) {
    metrics.inc("switchboard_openflow_connections_refused_total", "reason", reason);
  }

  /** Reads every switch's table and repairs drift, all at once (the periodic audit goes one bridge at a time). */
  public void auditAll() {
    for (SwitchSession s : sessions.values()) {
      audit(s);
    }
  }

  public void audit(SwitchSession s) {
    programming.audit(s);
  }

  // ---- config

  /**
   * Applies a new config to the running controller ({@link ConfigReload}): apps are enabled or disabled, every app
   * restarted with the new config, and every bridge's flows recomputed; only the difference reaches the switches.
   * Returns once applied.
   */
  public void applyConfig(SwitchboardConfig next) {
    reload.apply(next);
  }

  /** Whether bridges' work runs on their connections' event loops now (else on the worker pool). */
  public boolean bridgeWorkOnEventLoops() {
    return workers.runsOnLoops();
  }

  /** The bridges' workers (one per dpid); tests hold them. */
  Workers workers() {
    return workers;
  }

  @Override
  public void close() {
    audits.stop();
    if (server != null) {
      server.close();
    }
    apps.stopAll();
    reload.close();
    timers.shutdownNow();
    appPool.shutdown();
    try {
      appPool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
