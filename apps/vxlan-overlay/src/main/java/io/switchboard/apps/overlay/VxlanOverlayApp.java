package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.apps.overlay.config.OverlaySection;
import io.switchboard.config.Result;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical networks across hosts over VXLAN, with distributed routing between subnets (OVN's logical switches
 * and routers, computed by the controller). Inputs: the config's {@code overlay} section and the endpoints added
 * through REST, kept in the shared store {@value #STORE}. Flows: {@link OverlayFlows}.
 */
public final class VxlanOverlayApp implements ControllerApp {
  public static final String NAME = "vxlan-overlay";
  /** Runtime endpoints by name: {@link RuntimeEndpoint}s, shared by every controller instance. */
  public static final String STORE = "overlay.endpoints";

  private static final Logger log = LoggerFactory.getLogger(VxlanOverlayApp.class);

  private final LongSupplier dhcpClock;
  private final EndpointResource resource = new EndpointResource(this);
  private final LeaseResource leaseResource = new LeaseResource(this);
  private volatile AppContext ctx;
  private volatile KeyValueStore<String, RuntimeEndpoint> store;
  private volatile Ipam ipam;
  private volatile DhcpServer dhcp;
  private volatile OverlayTopology topology = OverlayTopology.of(OverlayConfig.empty());
  /** Routers' external side: NAT rules added through REST, next hops learned (docs/apps/nat.md). */
  private volatile RouterExternals externals;
  private volatile ExternalState external = ExternalState.of(OverlayConfig.empty());
  private final NatResource natResource = new NatResource(this);
  /** Every programmed bridge's entries, brought up to date change by change. */
  private final DesiredFlowCache flows = new DesiredFlowCache(topology);
  /** Why pending endpoints have no address (a full subnet), by name. */
  private volatile Map<String, String> pendingReasons = Map.of();
  /** True while this thread rebuilds: the allocations it makes need no second rebuild. */
  private final ThreadLocal<Boolean> rebuilding = ThreadLocal.withInitial(() -> false);
  /**
   * Hands the bridges the deltas of the changes so far ({@link #pushPending}), outside this app's monitor, the
   * changes that queue up meanwhile together.
   */
  private final HandOff handOff = new HandOff(this, this::hasPending, this::pushPending);
  /** What changed since the bridges were last handed their deltas (guarded by this app's monitor). */
  private final Set<String> pendingNames = new HashSet<>();
  /** Everything may have changed (a rebuild); guarded by this app's monitor. */
  private boolean pendingAll;
  /** The routers' NAT rules or next hops changed; guarded by this app's monitor. */
  private boolean pendingExternal;

  public VxlanOverlayApp() {
    this(System::nanoTime);
  }

  /**
   * With the clock (nanoseconds) of the DHCP server's per-port budget: a benchmark that advances it measures the
   * server rather than the budget.
   */
  public VxlanOverlayApp(LongSupplier dhcpClock) {
    this.dhcpClock = dhcpClock;
  }

  /** The app's {@code overlay:} config section. */
  @Override
  public java.util.Optional<io.switchboard.config.AppSection<?>> configSection() {
    return java.util.Optional.of(OverlaySection.INSTANCE);
  }

  /** For traces: an output to the tunnel port leads to the tunnel destination's host bridge ({@link TunnelHops}). */
  @Override
  public java.util.Optional<TraceHop> traceHop(SwitchView sw, String port,
      java.util.Map<io.switchboard.controller.spi.Field, Long> packet) {
    AppContext c = ctx;
    return c == null ? java.util.Optional.empty() : TunnelHops.hop(OverlaySection.of(c.config()), port, packet);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void start(AppContext context) {
    handOff.exclusive(() -> startLocked(context)); // no deltas computed meanwhile from the topology before it
    handOff.flush(); // what the address collection changed
  }

  private synchronized void startLocked(AppContext context) {
    this.ctx = context;
    if (store == null) {
      KeyValueStore<String, RuntimeEndpoint> s = context.stores().map(STORE);
      Ipam i = new Ipam(context.stores());
      store = s;
      ipam = i;
      dhcp = new DhcpServer(context.stores().map(DhcpLease.STORE), System::currentTimeMillis,
          new DhcpGuard(dhcpClock));
      s.addListener((name, endpoint) -> {
        apply(name);
        handOff.flush();
      });
      dhcp.leases().addListener((name, lease) -> leaseResource.changed());
      RouterExternals x = new RouterExternals(context.stores(), System::nanoTime);
      externals = x;
      x.ruleStore().addListener((key, rule) -> refreshExternal());
      x.nextHopStore().addListener((key, mac) -> refreshExternal());
      i.endpointStore().addListener((name, address) -> {
        if (!rebuilding.get()) {
          apply(name);
          handOff.flush();
        }
      });
    }
    rebuild();
    flows.reset(topology, external); // the core recomputes every bridge after a (re)start
    pendingNames.clear();
    pendingAll = false;
    pendingExternal = false;
    collectAddresses();
    log.info("overlay: {}", topology.counts());
  }

  /** After a config change: addresses and leases of endpoints that exist no more are given back. */
  private synchronized void collectAddresses() {
    Set<String> known = new HashSet<>(store.snapshot().keySet());
    OverlaySection.of(ctx.config()).endpoints().forEach(e -> known.add(e.name()));
    int n = ipam.collect(known);
    dhcp.leases().snapshot().keySet().stream().filter(name -> !known.contains(name))
        .forEach(name -> dhcp.leases().remove(name));
    if (n > 0) {
      log.info("overlay: gave back {} address claims of endpoints that are gone", n);
    }
  }

  @Override
  public void desiredFlows(SwitchView sw, FlowSink out) {
    flows.desired(sw).forEach(out::add);
  }

  @Override
  public void onSwitchDown(long dpid) {
    flows.forget(dpid);
  }

  /** The bridge's own limit on DHCP sent to the controller, ahead of the per-port budget in the controller. */
  @Override
  public List<MeterSpec> meters(SwitchView sw) {
    return List.of(ClassifyFlows.DHCP_METER, ExternalFlows.ARP_METER);
  }

  /** Says once per connect when a bridge is ambiguous (several hosts name it) and so gets no overlay flows. */
  @Override
  public void adoptFlows(SwitchView sw, List<FlowEntry> installed) {
    RouterExternals x = externals;
    if (x != null) {
      x.adopt(topology, sw, installed); // the next hops' MACs the switch's routes hold
    }
    BridgeWarnings.onConnect(topology, sw);
  }

  /** For traces: the endpoint's and the next hop's MACs ({@link OverlayTraces#complete}). */
  @Override
  public void completeTracePacket(SwitchView sw, Map<Field, Long> packet) {
    OverlayTraces.complete(topology, sw, packet);
  }

  /** DHCP from an endpoint of a network with DHCP on (the only packets the overlay sends up). */
  @Override
  public void onPacketIn(SwitchView sw, PacketIn in, AppContext context) {
    DhcpServer d = dhcp;
    if (in.stage() == Stage.CLASSIFY && d != null) {
      d.onPacketIn(topology, sw, in, context);
    } else if (in.stage() == Stage.L3 && externals != null) {
      externals.onPacketIn(topology, sw, in, context); // ARP of the external side, unresolved next hops
    }
  }

  @Override
  public Optional<String> describeToController(SwitchView sw, Map<Field, Long> packet, long tag) {
    return OverlayTraces.toController(topology, sw, packet, tag);
  }

  @Override
  public Optional<String> describeTag(long tag) {
    return OverlayTraces.tag(topology, tag);
  }

  @Override
  public List<RestResource> resources() {
    return List.of(resource, leaseResource, new NetworkResource(this), new HostResource(this), natResource);
  }

  // ---- state

  OverlayTopology topology() {
    return topology;
  }

  Collection<SwitchView> switches() {
    AppContext c = ctx;
    return c == null ? List.of() : c.switches();
  }

  /**
   * Runtime endpoint {@code name}, or its address, changed (here or on another instance): the topology is updated
   * for it alone where that gives the same answer as building it from scratch, else built from scratch; the change
   * waits for {@link #handOff} to hand the bridges whose entries change the entries that differ. Nothing happens when
   * the topology already has the store's state of that endpoint (the REST path applies its own change at once, and
   * the store's listener tells it again).
   */
  private synchronized void apply(String name) {
    KeyValueStore<String, RuntimeEndpoint> s = store;
    AppContext c = ctx;
    if (s == null || c == null) {
      return;
    }
    OverlayTopology before = topology;
    RuntimeEndpoint input = s.get(name);
    Ipam.Assignment assignment = ipam.assignment(name);
    if (Objects.equals(before.runtimeInput(name), input) && Objects.equals(before.assignmentInput(name), assignment)) {
      return;
    }
    Optional<OverlayTopology> next = before.withRuntime(name, input, assignment);
    if (next.isPresent()) {
      topology = next.get();
      pendingNames.add(name);
      resource.changed(); // the console's live topology (a rebuild says so itself)
    } else {
      rebuild();
      pendingAll = true;
    }
  }

  /** For tests: waits until every change so far is handed on; false after {@code millis}. */
  boolean awaitHandedOn(long millis) throws InterruptedException {
    return handOff.await(millis);
  }

  private synchronized boolean hasPending() {
    return pendingAll || pendingExternal || !pendingNames.isEmpty();
  }

  /** One round of {@link #handOff}: takes what changed and the newest topology, and hands the deltas on. */
  private void pushPending() {
    AppContext c = ctx;
    OverlayTopology t;
    ExternalState x;
    Set<String> names;
    boolean externalOnly;
    synchronized (this) {
      if (c == null || !hasPending()) {
        return;
      }
      t = topology;
      x = external;
      names = pendingAll ? null : Set.copyOf(pendingNames);
      externalOnly = !pendingAll && pendingNames.isEmpty();
      pendingNames.clear();
      pendingAll = false;
      pendingExternal = false;
    }
    LongFunction<Optional<SwitchView>> views = dpid -> c.isMaster(dpid) ? c.switchView(dpid) : Optional.empty();
    // (the cache's topology differs from t in the names taken here and before, and in no other)
    try {
      send(c, externalOnly ? flows.updateExternal(x, views) : flows.update(t, names, x, views));
    } catch (RuntimeException e) {
      // the cache may be part way to t, with deltas not sent: it starts over from t, and the core asks every bridge
      // for its entries again (the changes after t stay pending, relative to t)
      log.error("overlay: computing the bridges' changes failed; every bridge is computed again", e);
      flows.reset(t, x);
      c.recomputeAll();
    }
  }

  private static void send(AppContext c, Map<Long, DesiredFlowCache.Delta> deltas) {
    deltas.forEach((dpid, d) -> c.update(dpid, d.added(), d.removed()));
  }

  /** A NAT rule was added or removed, or a next hop learned (here or on another instance). */
  private void refreshExternal() {
    AppContext c = ctx;
    RouterExternals x = externals;
    if (c == null || x == null) {
      return;
    }
    synchronized (this) { // NAT rules and next hops shape only the gateway hosts' external sections
      external = x.state(OverlaySection.of(c.config()));
      pendingExternal = true;
    }
    handOff.flush();
  }

  ExternalState external() {
    return external;
  }

  RouterExternals externals() {
    return externals;
  }

  OverlayConfig overlayConfig() {
    return topology.overlay();
  }

  DhcpServer dhcp() {
    return dhcp;
  }

  Map<String, String> pendingReasons() {
    return pendingReasons;
  }

  /**
   * The topology from the config, the runtime endpoints and the allocated addresses; dynamic endpoints still
   * without a (valid) address get one ({@link Addressing}).
   */
  private synchronized void rebuild() {
    Set<String> rejectedBefore = topology.rejected().keySet();
    rebuilding.set(true);
    try {
      OverlayConfig overlay = OverlaySection.of(ctx.config());
      Addressing.Built built = Addressing.build(overlay, store, ipam, pendingReasons);
      topology = built.topology();
      pendingReasons = built.pendingReasons();
      external = externals.state(overlay);
    } finally {
      rebuilding.set(false);
    }
    resource.changed();
    topology.rejected().keySet().stream().filter(n -> !rejectedBefore.contains(n)).forEach(n ->
        log.warn("overlay: runtime endpoint '{}' is not valid with the current config and gets no flows: {}", n,
            topology.rejectedReason(n)));
  }

  /** Validates and stores a runtime endpoint; throws 400/409 with the reason. */
  OverlayEndpoint addEndpoint(Map<String, Object> body) {
    try {
      return addEndpointLocked(body);
    } finally {
      handOff.flush();
    }
  }

  private synchronized OverlayEndpoint addEndpointLocked(Map<String, Object> body) {
    KeyValueStore<String, RuntimeEndpoint> s = requireStarted();
    Object name = body.get("name");
    if (name instanceof String n && s.get(n) != null) {
      throw new ApiException(409, "name: an endpoint named '" + n + "' already exists");
    }
    Result<OverlayEndpoint> checked = EndpointResource.validate(body, topology);
    if (!checked.isOk()) {
      throw EndpointResource.rejection(checked);
    }
    OverlayEndpoint e = checked.value();
    OverlayNetwork n = topology.network(e.network()).orElseThrow();
    boolean heldBefore = ipam.assignments().containsKey(e.name());
    if (e.hasAddress()) {
      ipam.claim(n, e.ip(), e.name()).ifPresent(holder -> {
        throw new ApiException(409, "ip: " + e.ipText() + " is already allocated to endpoint '" + holder
            + "' in network " + n.name());
      });
    } else {
      Set<Integer> taken = topology.addressesIn(n.name());
      rebuilding.set(true);
      try {
        ipam.allocate(n, e.name(), taken::contains); // 409 when the subnet is full
      } finally {
        rebuilding.set(false);
      }
    }
    if (s.putIfAbsent(e.name(), RuntimeEndpoint.of(e)) != null) {
      if (!heldBefore) { // another instance added one of that name meanwhile; what it holds stays
        ipam.release(e.name());
      }
      throw new ApiException(409, "name: an endpoint named '" + e.name() + "' already exists");
    }
    apply(e.name()); // at once, whether or not the store's listener has already
    OverlayEndpoint now = topology.endpoint(e.name()).orElse(e);
    log.info("overlay: endpoint {} added ({} {}{} on {} port {}, network {})", now.name(), now.macText(),
        now.ipText(), now.dynamicIp() ? " allocated" : "", now.host(), now.port(), now.network());
    return now;
  }

  /** Removes a runtime endpoint; false when there is none of that name; 409 for one of the config file. */
  boolean removeEndpoint(String name) {
    try {
      return removeEndpointLocked(name);
    } finally {
      handOff.flush();
    }
  }

  private synchronized boolean removeEndpointLocked(String name) {
    KeyValueStore<String, RuntimeEndpoint> s = requireStarted();
    if (topology.isFromConfig(name)) {
      throw new ApiException(409, "endpoint '" + name + "' is defined in the config file; remove it there and "
          + "reload");
    }
    Optional<OverlayEndpoint> was = topology.endpoint(name);
    if (s.remove(name) == null) {
      return false;
    }
    rebuilding.set(true);
    try {
      if (was.isPresent()) {
        ipam.release(name, was.get().network(), was.get().ip());
      } else {
        ipam.release(name);
      }
    } finally {
      rebuilding.set(false);
    }
    dhcp.leases().remove(name);
    apply(name);
    log.info("overlay: endpoint {} removed", name);
    return true;
  }

  /** Validates and stores a NAT rule of a router; 400/404/409 with the reason; nothing changes on an error. */
  io.switchboard.apps.overlay.config.NatRule addNatRule(String router, Map<String, Object> body) {
    try {
      return addNatRuleLocked(router, body);
    } finally {
      handOff.flush();
    }
  }

  private synchronized io.switchboard.apps.overlay.config.NatRule addNatRuleLocked(String router,
      Map<String, Object> body) {
    requireStarted();
    io.switchboard.apps.overlay.config.NatRule r = externals.add(topology.overlay(), external, router, body);
    refreshExternal();
    log.info("overlay: router {} NAT rule {} -> {} added", router, r.key(), r.externalText());
    return r;
  }

  boolean removeNatRule(String router, String rule) {
    try {
      return removeNatRuleLocked(router, rule);
    } finally {
      handOff.flush();
    }
  }

  private synchronized boolean removeNatRuleLocked(String router, String rule) {
    requireStarted();
    boolean removed = externals.remove(topology.overlay(), router, rule);
    if (removed) {
      refreshExternal();
      log.info("overlay: router {} NAT rule {} removed", router, rule);
    }
    return removed;
  }

  private KeyValueStore<String, RuntimeEndpoint> requireStarted() {
    KeyValueStore<String, RuntimeEndpoint> s = store;
    if (s == null) {
      throw new ApiException(503, "the overlay app is not started");
    }
    return s;
  }
}
