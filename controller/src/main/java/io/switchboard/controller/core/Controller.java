package io.switchboard.controller.core;

import io.switchboard.config.Pem;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.OpenFlowServer;
import io.switchboard.controller.openflow.OpenFlowTls;
import io.switchboard.controller.openflow.SwitchChannelHandler;
import io.switchboard.controller.openflow.SwitchListener;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.openflow.Undecodable;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFRoleStatus;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFRoleRequestFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller runtime: connected switches, the enabled apps, and the one place that decides when flows are
 * computed and reconciled. Apps' work runs on per-switch workers, never on Netty's event loops.
 */
public final class Controller implements SwitchListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);
  /** A departed switch's metric series are removed this long after it left, unless it is back by then. */
  static final Duration METRICS_GRACE = Duration.ofSeconds(60);

  private final Map<String, ControllerApp> available = new LinkedHashMap<>();
  private final Map<Long, SwitchSession> sessions = new ConcurrentHashMap<>();
  /** The mastership's handle on each adopted session. */
  private final Map<SwitchSession, SessionLink> links = new ConcurrentHashMap<>();
  private final SessionLink.Programmer linkProgrammer = new SessionLink.Programmer() {
    @Override
    public void program(SwitchSession s, boolean first) {
      if (first) {
        s.worker().execute(() -> Controller.this.program(s));
      } else {
        reprogram(s);
      }
    }

    @Override
    public void unprogram(SwitchSession s) {
      Controller.this.unprogram(s);
    }
  };
  private final Map<String, AppCtx> contexts = new ConcurrentHashMap<>();
  private final ExecutorService appPool;
  private final ScheduledExecutorService timers;
  private final Metrics metrics = new Metrics();
  private final StoreFactory stores;
  private final Mastership mastership;
  private final long startedAt = System.currentTimeMillis();
  private volatile SwitchboardConfig config;
  private volatile List<ControllerApp> enabled = List.of();
  private final SwitchTakeover takeover;
  private final LogLimiter pinLog = new LogLimiter(Duration.ofSeconds(60), 1024);
  private OpenFlowServer server;
  private InetSocketAddress openflowAddress;
  private InetSocketAddress openflowTlsAddress;
  private ScheduledFuture<?> audit;

  public Controller(SwitchboardConfig config, Collection<ControllerApp> apps, StoreFactory stores,
                    Mastership mastership) {
    this.config = config;
    for (ControllerApp a : apps) {
      available.put(a.name(), a);
    }
    this.stores = stores;
    this.mastership = mastership;
    AtomicInteger n = new AtomicInteger();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.appPool = Executors.newFixedThreadPool(threads, r -> daemon(r, "switch-worker-" + n.incrementAndGet()));
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "controller-timer"));
    metrics.describe("switchboard_switches_connected", "Bridges connected to this instance");
    metrics.describe("switchboard_flows_out_of_sync", "Entries the last reconciliation found differing from the "
        + "desired set (and sent)");
    metrics.describe("switchboard_reconciliation_failures_total", "Reconciliations that could not read or compare "
        + "a bridge's flows");
    metrics.describe("switchboard_mastership_changes_total", "This instance became master (or slave) of a bridge");
    metrics.gauge("switchboard_switches_connected", () -> (double) sessions.size());
    metrics.gauge("switchboard_uptime_seconds", () -> (System.currentTimeMillis() - startedAt) / 1000.0);
    metrics.describe("switchboard_openflow_tls_failures_total", "OpenFlow TLS handshakes that failed");
    metrics.describe("switchboard_openflow_pin_refusals_total",
        "Connections refused because their bridge is pinned to another certificate (or they had none)");
    metrics.add("switchboard_openflow_tls_failures_total", 0);
    metrics.add("switchboard_openflow_pin_refusals_total", 0);
    this.takeover = new SwitchTakeover(sessions, this::authenticated, this::adopt, metrics,
        SwitchTakeover.PROBE_TIMEOUT);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts the enabled apps, the OpenFlow listener and the periodic audit. */
  public InetSocketAddress start() throws InterruptedException {
    enableApps(config);
    server = new OpenFlowServer();
    var of = config.openflow();
    OpenFlowTls tls = of.tls().map(files -> OpenFlowTls.load(files,
        () -> metrics.inc("switchboard_openflow_tls_failures_total"))).orElse(null);
    var listen = of.listen();
    openflowAddress = server.start(listen.host(), listen.port(), of.echoInterval(), of.limits(), this, appPool,
        of.listenIsTls() ? tls : null);
    openflowTlsAddress = of.listenIsTls() ? openflowAddress : null;
    if (of.tlsListen().isPresent()) {
      var tlsListen = of.tlsListen().get();
      openflowTlsAddress = server.start(tlsListen.host(), tlsListen.port(), of.echoInterval(), of.limits(), this,
          appPool, tls);
    }
    OpenFlowServer srv = server;
    metrics.describe("switchboard_openflow_connections", "OpenFlow connections open, handshaking or not");
    metrics.gauge("switchboard_openflow_connections", () -> (double) srv.openConnections());
    metrics.describe("switchboard_openflow_handshaking", "OpenFlow connections still in their handshake");
    metrics.gauge("switchboard_openflow_handshaking", () -> (double) srv.handshaking());
    scheduleAudit(config.reconcile().auditInterval());
    return openflowAddress;
  }

  private void scheduleAudit(Duration every) {
    if (audit != null) {
      audit.cancel(false);
    }
    long ms = Math.max(100, every.toMillis());
    audit = timers.scheduleAtFixedRate(this::auditAll, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void enableApps(SwitchboardConfig cfg) {
    List<ControllerApp> list = new ArrayList<>();
    for (String name : cfg.apps()) {
      ControllerApp app = available.get(name);
      if (app == null) {
        throw new IllegalArgumentException("unknown app '" + name + "'; available: " + available.keySet());
      }
      list.add(app);
    }
    for (ControllerApp app : list) {
      AppCtx ctx = contexts.computeIfAbsent(app.name(), n -> new AppCtx(app));
      app.start(ctx);
      log.info("app {} enabled", app.name());
    }
    enabled = List.copyOf(list);
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
    return available.values();
  }

  public List<ControllerApp> enabledApps() {
    return enabled;
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

  /** The merged desired entries of a bridge, read on its worker. */
  public CompletableFuture<Map<FlowKey, DesiredFlow>> desiredFlows(SwitchSession s) {
    CompletableFuture<Map<FlowKey, DesiredFlow>> f = new CompletableFuture<>();
    s.worker().execute(() -> {
      FlowProgrammer p = s.programmer();
      if (p == null) {
        f.complete(Map.of());
      } else {
        f.complete(p.desired());
      }
    });
    return f;
  }

  /** What the switch really holds (flow stats). */
  public CompletableFuture<List<InstalledFlow>> liveFlows(SwitchSession s) {
    return s.readFlows();
  }

  /** The app that owns a cookie, or null. */
  public String appOf(long cookie) {
    int id = Cookies.appIdOf(cookie);
    if (id == Cookies.appId(Cookies.CORE)) {
      return Cookies.CORE;
    }
    for (String name : available.keySet()) {
      if (Cookies.appId(name) == id) {
        return name;
      }
    }
    return null;
  }

  // ---- SwitchListener

  /** Refuses a connection claiming a bridge that is pinned to a certificate it did not present. */
  @Override
  public String refusal(SwitchSession s) {
    Set<String> pinned = config.pinnedCertificates(s.name(), s.dpid());
    String cert = s.peerCertificate();
    if (pinned.isEmpty() || cert != null && pinned.contains(cert)) {
      return null;
    }
    String why = cert == null ? "it connected without TLS"
        : "it presented another certificate (sha256 " + Pem.shortFingerprint(cert) + ")";
    metrics.inc("switchboard_openflow_pin_refusals_total");
    long suppressed = pinLog.admit(SwitchTakeover.host(s.remoteAddress()));
    if (suppressed >= 0) {
      log.warn("switch {} ({}): refused the connection from {}: the bridge is pinned to a certificate and {}{}",
          s.dpidText(), s.name(), s.remoteAddress(), why, LogLimiter.more(suppressed));
    }
    return why;
  }

  /** TLS with the certificate the bridge is pinned to. */
  private boolean authenticated(SwitchSession s) {
    String cert = s.peerCertificate();
    return cert != null && config.pinnedCertificates(s.name(), s.dpid()).contains(cert);
  }

  /** A connection finished its handshake: it becomes the bridge's session unless the takeover policy refuses it. */
  @Override
  public void switchUp(SwitchSession s) {
    takeover.arrived(s);
  }

  /** The connection is now the bridge's session (in {@link #sessions}): program it. */
  private void adopt(SwitchSession s) {
    metrics.inc("switchboard_switch_connects_total");
    metrics.gauge("switchboard_echo_rtt_seconds", () -> s.echoRttNanos() < 0 ? Double.NaN
        : s.echoRttNanos() / 1e9, "dpid", s.dpidText());
    SessionLink link = new SessionLink(s, linkProgrammer);
    links.put(s, link);
    mastership.switchUp(link);
  }

  /** Becomes the programmer of a bridge: computes every app's entries and reconciles with the switch. */
  private void program(SwitchSession s) {
    if (!s.isOpen()) {
      return;
    }
    FlowProgrammer[] self = new FlowProgrammer[1];
    FlowProgrammer p = new FlowProgrammer(s.dpidText(), s.pipeline(), new ProgrammerChannel(s, self),
        new ProgrammerEvents(s), s.worker());
    self[0] = p;
    available.keySet().forEach(p::registerApp);
    s.programmer(p);
    addMeters(s);
    recomputeNow(s);
    p.reconcile();
  }

  /**
   * The meters the enabled apps declare, added before any entry that uses them (OpenFlow 1.3+). A meter the bridge
   * already holds (a reconnect) answers METER_EXISTS, which {@link #error} lets pass: it is kept as it is.
   */
  private void addMeters(SwitchSession s) {
    if (s.version().compareTo(OFVersion.OF_13) < 0) {
      return;
    }
    SwitchView view = s.view();
    for (ControllerApp app : enabled) {
      for (ControllerApp.MeterSpec m : app.meters(view)) {
        var f = s.factory();
        var b = f.buildMeterMod().setXid(s.nextXid())
            .setCommand(org.projectfloodlight.openflow.protocol.OFMeterModCommand.ADD)
            .setFlags(java.util.EnumSet.of(org.projectfloodlight.openflow.protocol.OFMeterFlags.PKTPS,
                org.projectfloodlight.openflow.protocol.OFMeterFlags.BURST))
            .setMeterId(m.id());
        List<org.projectfloodlight.openflow.protocol.meterband.OFMeterBand> bands =
            List.of(f.meterBands().drop(m.packetsPerSecond(), m.burst()));
        try {
          b.setMeters(bands); // OpenFlow 1.3 names the list "meters"
        } catch (UnsupportedOperationException e) {
          b.setBands(bands); // 1.4 and 1.5 "bands"
        }
        s.send(b.build());
      }
    }
  }

  /** This instance stops programming a bridge (another became master). */
  public void unprogram(SwitchSession s) {
    metrics.inc("switchboard_mastership_changes_total", "dpid", s.dpidText(), "role", "slave");
    metrics.removeGauge("switchboard_flows_out_of_sync", "dpid", s.dpidText());
    s.worker().execute(() -> s.programmer(null));
  }

  /** This instance (again) programs a bridge. */
  public void reprogram(SwitchSession s) {
    metrics.inc("switchboard_mastership_changes_total", "dpid", s.dpidText(), "role", "master");
    s.worker().execute(() -> program(s));
  }

  @Override
  public void switchDown(SwitchSession s) {
    packetInCounters.keySet().removeIf(k -> k.session() == s);
    appEvents.keySet().removeIf(k -> k.dpid() == s.dpid());
    if (sessions.remove(s.dpid(), s)) {
      log.info("switch {} ({}) disconnected", s.dpidText(), s.name());
      metrics.removeGauge("switchboard_echo_rtt_seconds", "dpid", s.dpidText());
      metrics.removeGauge("switchboard_flows_out_of_sync", "dpid", s.dpidText());
      timers.schedule(() -> forgetSeries(s.dpid(), s.dpidText()), METRICS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      for (ControllerApp app : enabled) {
        try {
          app.onSwitchDown(s.dpid());
        } catch (RuntimeException e) {
          log.error("switch {}: app {} failed on switch down", s.dpidText(), app.name(), e);
        }
      }
      SessionLink link = links.remove(s);
      if (link != null) {
        mastership.switchDown(link);
      }
    }
  }

  private void forgetSeries(long dpid, String dpidText) {
    if (!sessions.containsKey(dpid)) {
      log.debug("switch {}: gone for {}, removed its {} metric series", dpidText, METRICS_GRACE,
          metrics.removeSeries("dpid", dpidText));
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
    switch (m.getType()) {
      case PACKET_IN -> packetIn(s, (OFPacketIn) m);
      case PORT_STATUS -> portStatus(s, (OFPortStatus) m);
      case FLOW_REMOVED -> flowRemoved(s, (OFFlowRemoved) m);
      case ERROR -> error(s, (OFErrorMsg) m);
      case ROLE_STATUS -> roleStatus(s, (OFRoleStatus) m);
      default -> log.debug("switch {}: unhandled {}", s.dpidText(), m.getType());
    }
  }

  @Override
  public void undecodable(SwitchSession s, Undecodable u) {
    metrics.inc("switchboard_messages_undecodable_total", "dpid", s.dpidText());
    // An error we cannot parse (e.g. an experimenter error code openflowj lacks) still names the request by xid.
    FlowKey key = u.type() == 1 ? s.inflight(u.xid()) : null;
    if (key != null) {
      FlowProgrammer p = s.programmer();
      DesiredFlow d = p == null ? null : p.desired(key);
      log.warn("switch {} refused the flow {}{} with an error openflowj cannot parse", s.dpidText(),
          d != null ? d.entry() : key, d != null ? " (app " + d.app() + ")" : "");
      if (p != null) {
        p.flowFailed(key);
      }
    }
  }

  private final Map<String, java.util.concurrent.atomic.LongAdder> messagesIn = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.LongAdder> messagesOut = new ConcurrentHashMap<>();
  private final LogLimiter limitLog = new LogLimiter(Duration.ofSeconds(60), 4096);

  @Override
  public void counted(boolean in, String type) {
    (in ? messagesIn : messagesOut).computeIfAbsent(type, t -> metrics.counterRef(
        in ? "switchboard_messages_in_total" : "switchboard_messages_out_total", "type", t)).increment();
  }

  @Override
  public void limitHit(SwitchSession s, String limit, String why) {
    metrics.inc("switchboard_switch_limit_hits_total", "limit", limit);
    long suppressed = limitLog.admit(s.dpidText() + "|" + limit);
    if (suppressed >= 0) {
      log.warn("switch {}: {} limit: {}{} (logged once a minute per switch and limit)", s.dpidText(), limit, why,
          LogLimiter.more(suppressed));
    }
  }

  @Override
  public void connectionRefused(String reason, String remote) {
    metrics.inc("switchboard_openflow_connections_refused_total", "reason", reason);
  }

  /** packet-in counters by (session, app): looked up, not built, per packet-in. */
  private record PacketInCounter(SwitchSession session, String app) {}

  private final Map<PacketInCounter, java.util.concurrent.atomic.LongAdder> packetInCounters =
      new ConcurrentHashMap<>();

  /** App event counters, looked up per event (some, like packet_in_over_budget, come at packet-in rate). */
  private record AppEvent(String app, long dpid, String event) {}

  private final Map<AppEvent, java.util.concurrent.atomic.LongAdder> appEvents = new ConcurrentHashMap<>();

  private void packetIn(SwitchSession s, OFPacketIn pi) {
    FlowProgrammer p = s.programmer();
    if (p == null) {
      return; // not master: another instance handles it
    }
    boolean v10 = pi.getVersion() == OFVersion.OF_10;
    long inPort;
    long metadata = 0;
    long tunnelId = 0;
    Stage stage = null;
    String owner = null;
    if (v10) {
      inPort = pi.getInPort().getPortNumber() & 0xffffffffL;
    } else {
      var match = pi.getMatch();
      OFPort port = match.get(MatchField.IN_PORT);
      inPort = port == null ? 0 : port.getPortNumber() & 0xffffffffL;
      if (match.supports(MatchField.METADATA) && match.get(MatchField.METADATA) != null) {
        metadata = match.get(MatchField.METADATA).getValue().getValue();
      }
      if (match.supports(MatchField.TUNNEL_ID) && match.get(MatchField.TUNNEL_ID) != null) {
        tunnelId = match.get(MatchField.TUNNEL_ID).getValue();
      }
      stage = s.pipeline().stage(pi.getTableId().getValue());
      owner = appOf(pi.getCookie().getValue());
    }
    int bufferId = pi.getBufferId().equals(OFBufferId.NO_BUFFER) ? PacketIn.NO_BUFFER : pi.getBufferId().getInt();
    PacketIn in = new PacketIn(inPort, stage, metadata, tunnelId, bufferId, pi.getData());
    SwitchView view = s.view();
    for (ControllerApp app : enabled) {
      if (owner != null && !Cookies.CORE.equals(owner) && !owner.equals(app.name())) {
        continue;
      }
      packetInCounters.computeIfAbsent(new PacketInCounter(s, app.name()), k -> metrics.counterRef(
          "switchboard_packet_ins_total", "app", k.app(), "dpid", s.dpidText())).increment();
      try {
        app.onPacketIn(view, in, contexts.get(app.name()));
      } catch (RuntimeException e) {
        log.error("switch {}: app {} failed on a packet-in", s.dpidText(), app.name(), e);
      }
    }
  }

  private void portStatus(SwitchSession s, OFPortStatus ps) {
    PortInfo port = SwitchChannelHandler.port(ps.getDesc());
    boolean removed = ps.getReason() == OFPortReason.DELETE;
    s.portChanged(port, removed);
    log.info("switch {}: port {} ({}) {}", s.dpidText(), port.name(), port.number(),
        removed ? "removed" : ps.getReason() == OFPortReason.ADD ? "added" : port.up() ? "up" : "down");
    SwitchView view = s.view();
    for (ControllerApp app : enabled) {
      try {
        app.onPortChange(view, port, removed);
      } catch (RuntimeException e) {
        log.error("switch {}: app {} failed on a port change", s.dpidText(), app.name(), e);
      }
    }
    recomputeNow(s);
  }

  private void flowRemoved(SwitchSession s, OFFlowRemoved fr) {
    FlowProgrammer p = s.programmer();
    if (p == null || fr.getReason() == org.projectfloodlight.openflow.protocol.OFFlowRemovedReason.DELETE) {
      // a delete (ours, or someone's ovs-ofctl) is not an expiry: the programmer or the audit handles it
      return;
    }
    int table = fr.getVersion() == OFVersion.OF_10 ? 0 : fr.getTableId().getValue();
    FlowKey key = new FlowKey(table, fr.getPriority(), s.translator().fromMatch(fr.getMatch()));
    p.flowRemoved(key);
  }

  /** OpenFlow 1.4+: another controller took the master role (or ours changed); the mastership decides. */
  private void roleStatus(SwitchSession s, OFRoleStatus rs) {
    log.info("switch {}: role status {} ({}, generation {})", s.dpidText(), rs.getRole(), rs.getReason(),
        rs.getGenerationId().getValue());
    if (rs.getRole() != OFControllerRole.ROLE_MASTER) {
      demoted(s);
    }
  }

  private void error(SwitchSession s, OFErrorMsg err) {
    FlowKey key = s.inflight(err.getXid());
    metrics.inc("switchboard_switch_errors_total", "dpid", s.dpidText(), "type", err.getErrType().name());
    if (err instanceof org.projectfloodlight.openflow.protocol.errormsg.OFMeterModFailedErrorMsg mm
        && mm.getCode() == org.projectfloodlight.openflow.protocol.OFMeterModFailedCode.METER_EXISTS) {
      log.debug("switch {}: meter already there, kept", s.dpidText());
      return;
    }
    if (err instanceof OFRoleRequestFailedErrorMsg) {
      return; // answers a role request: the mastership that sent it handles the failed future
    }
    if (err instanceof OFBadRequestErrorMsg br && br.getCode() == OFBadRequestCode.IS_SLAVE) {
      demoted(s);
    }
    FlowProgrammer p = s.programmer();
    if (key != null) {
      DesiredFlow d = p == null ? null : p.desired(key);
      log.warn("switch {} refused the flow {}{}: {}", s.dpidText(), d != null ? d.entry() : key,
          d != null ? " (app " + d.app() + ")" : "", err);
      if (p != null) {
        p.flowFailed(key);
      }
    } else {
      log.warn("switch {} reported an error (xid {}): {}", s.dpidText(), err.getXid(), err);
    }
  }

  private void demoted(SwitchSession s) {
    SessionLink link = links.get(s);
    if (link != null) {
      mastership.demoted(link);
    }
  }

  // ---- computing desired flows

  private List<FlowEntry> compute(ControllerApp app, SwitchView view) {
    List<FlowEntry> out = new ArrayList<>();
    try {
      app.desiredFlows(view, out::add);
      return out;
    } catch (RuntimeException e) {
      log.error("switch {}: app {} failed to compute its flows; keeping the previous ones",
          Values.dpid(view.dpid()), app.name(), e);
      return null;
    }
  }

  private void recomputeNow(SwitchSession s) {
    FlowProgrammer p = s.programmer();
    if (p == null) {
      return;
    }
    SwitchView view = s.view();
    for (ControllerApp app : enabled) {
      List<FlowEntry> entries = compute(app, view);
      if (entries != null) {
        p.setDesired(app.name(), entries);
      }
    }
  }

  private void recompute(ControllerApp app, SwitchSession s) {
    s.worker().execute(() -> {
      FlowProgrammer p = s.programmer();
      if (p == null || !enabled.contains(app)) {
        return;
      }
      List<FlowEntry> entries = compute(app, s.view());
      if (entries != null) {
        p.setDesired(app.name(), entries);
      }
    });
  }

  /** Reads every switch's table and repairs drift. */
  public void auditAll() {
    for (SwitchSession s : sessions.values()) {
      audit(s);
    }
  }

  public void audit(SwitchSession s) {
    s.worker().execute(() -> {
      FlowProgrammer p = s.programmer();
      if (p != null && s.isOpen()) {
        p.reconcile();
      }
    });
  }

  // ---- config

  /**
   * Applies a new config to the running controller: apps are enabled or disabled, every app restarted with the new
   * config, and every bridge's flows recomputed; only the difference reaches the switches.
   */
  public void applyConfig(SwitchboardConfig next) {
    SwitchboardConfig prev = config;
    config = next;
    List<ControllerApp> before = enabled;
    for (ControllerApp app : before) {
      app.stop();
    }
    enableApps(next);
    for (ControllerApp app : before) {
      if (!enabled.contains(app)) {
        log.info("app {} disabled", app.name());
        for (SwitchSession s : sessions.values()) {
          s.worker().execute(() -> {
            if (s.programmer() != null) {
              s.programmer().removeApp(app.name());
            }
          });
        }
      }
    }
    if (!prev.reconcile().auditInterval().equals(next.reconcile().auditInterval())) {
      scheduleAudit(next.reconcile().auditInterval());
    }
    for (SwitchSession s : sessions.values()) {
      s.worker().execute(() -> recomputeNow(s));
    }
  }

  @Override
  public void close() {
    if (audit != null) {
      audit.cancel(false);
    }
    if (server != null) {
      server.close();
    }
    for (ControllerApp app : enabled) {
      try {
        app.stop();
      } catch (RuntimeException e) {
        log.warn("app {} failed to stop", app.name(), e);
      }
    }
    timers.shutdownNow();
    appPool.shutdown();
    try {
      appPool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- glue

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
    public void apply(List<io.switchboard.controller.flow.FlowOp> ops) {
      if (s.programmer() == self[0]) {
        s.apply(ops);
      } else {
        log.debug("switch {}: dropped {} change(s) of a programmer no longer in charge", s.dpidText(), ops.size());
      }
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
      ControllerApp a = available.get(app);
      if (a != null && enabled.contains(a)) {
        a.adoptFlows(s.view(), entries);
        List<FlowEntry> recomputed = compute(a, s.view());
        if (recomputed != null) {
          s.programmer().setDesired(app, recomputed);
        }
      }
    }

    @Override
    public void expired(String app, FlowEntry entry) {
      ControllerApp a = available.get(app);
      if (a != null && enabled.contains(a)) {
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

  private final class AppCtx implements AppContext {
    private final ControllerApp app;

    AppCtx(ControllerApp app) {
      this.app = app;
    }

    public SwitchboardConfig config() {
      return config;
    }

    public Collection<SwitchView> switches() {
      List<SwitchView> out = new ArrayList<>();
      for (SwitchSession s : sessions.values()) {
        out.add(s.view());
      }
      return out;
    }

    public Optional<SwitchView> switchView(long dpid) {
      return session(dpid).map(SwitchSession::view);
    }

    public void recompute(long dpid) {
      session(dpid).ifPresent(s -> Controller.this.recompute(app, s));
    }

    public void recomputeAll() {
      sessions.values().forEach(s -> Controller.this.recompute(app, s));
    }

    public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
      session(dpid).ifPresent(s -> s.worker().execute(() -> {
        FlowProgrammer p = s.programmer();
        if (p != null && enabled.contains(app)) {
          int before = (int) p.flowModsSent();
          p.update(app.name(), added, removed);
          metrics.add("switchboard_flow_mods_total", p.flowModsSent() - before, "dpid", s.dpidText());
        }
      }));
    }

    public CompletableFuture<List<io.switchboard.controller.spi.LiveFlow>> liveFlows(long dpid) {
      Optional<SwitchSession> s = session(dpid);
      if (s.isEmpty()) {
        return CompletableFuture.completedFuture(List.of());
      }
      int id = Cookies.appId(app.name());
      return s.get().readFlows().thenApply(list -> list.stream()
          .filter(f -> Cookies.appIdOf(f.cookie()) == id && f.entry() != null)
          .map(f -> new io.switchboard.controller.spi.LiveFlow(f.entry(), Cookies.tagOf(f.cookie()), f.packets(),
              f.bytes(), f.durationSec()))
          .toList());
    }

    public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {
      packetOut(dpid, inPort, PacketIn.NO_BUFFER, actions, data);
    }

    @Override
    public void packetOut(long dpid, PacketIn in, List<Action> actions) {
      packetOut(dpid, in.inPort(), in.bufferId(), actions, in.data());
    }

    /** With a buffer id the switch sends the packet it kept; the data is then not sent back to it. */
    private void packetOut(long dpid, long inPort, int bufferId, List<Action> actions, byte[] data) {
      SwitchSession s = sessions.get(dpid);
      if (s == null) {
        return;
      }
      var f = s.factory();
      var b = f.buildPacketOut().setXid(s.nextXid()).setActions(s.translator().actions(actions));
      if (bufferId == PacketIn.NO_BUFFER) {
        b.setBufferId(OFBufferId.NO_BUFFER).setData(data);
      } else {
        b.setBufferId(OFBufferId.of(bufferId)).setData(new byte[0]);
      }
      OFPort port = OFPort.of((int) inPort);
      if (f.getVersion().compareTo(OFVersion.OF_15) >= 0) {
        b.setMatch(f.buildMatch().setExact(MatchField.IN_PORT, port).build());
      } else {
        b.setInPort(port);
      }
      s.send(b.build());
    }

    public void count(long dpid, String event) {
      appEvents.computeIfAbsent(new AppEvent(app.name(), dpid, event), k -> metrics.counterRef(
          "switchboard_app_events_total", "app", k.app(), "event", k.event(), "dpid", Values.dpid(k.dpid())))
          .increment();
    }

    public StoreFactory stores() {
      return stores;
    }

    public boolean isMaster(long dpid) {
      return mastership.isMaster(dpid);
    }

    @Override
    public void increment(String metric, String... labels) {
      if (!metric.startsWith("switchboard_") || labels.length % 2 != 0) {
        throw new IllegalArgumentException("app " + app.name() + ": bad metric " + metric);
      }
      metrics.inc(metric, labels);
    }
  }
}
