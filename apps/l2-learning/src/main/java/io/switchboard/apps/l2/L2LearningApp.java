package io.switchboard.apps.l2;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.apps.l2.LearningFlows.HostAt;
import io.switchboard.apps.l2.SingleTableFlows.Pair;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ChangeListeners;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VLAN-aware MAC learning and VLAN isolation. Ports get roles from {@code bridges:} (access, trunk; unlisted ports
 * are trunks of every VLAN); hosts are learned per (bridge, VLAN, MAC) from packet-ins and become desired flows
 * that expire after {@code l2-learning.idle-timeout} of silence. Bridges that are vxlan-overlay hosts are left to
 * that app.
 *
 * <p>Bounded: hosts per port, VLAN and bridge are capped ({@link HostCaps}), and a bridge that went away has its
 * hosts forgotten {@code l2-learning.forget-after} later unless it came back meanwhile (its return, here or on
 * another instance of a cluster, adopts its entries and cancels the forgetting).
 *
 * <p>This class is the app's SPI side: learning from packet-ins, forgetting, adopting a returning bridge's
 * entries. The entries themselves come from {@link LearningFlows}; {@link BridgePlans} (port plans per bridge),
 * {@link HostAdoption} (what a bridge's entries say was learned), {@link FlowChanges} (one reactive update) and
 * {@link ControllerForwarding} (OpenFlow 1.0: the controller forwards frames and adds pair entries) help.
 */
public final class L2LearningApp implements ControllerApp {
  public static final String NAME = "l2-learning";
  private static final Logger log = LoggerFactory.getLogger(L2LearningApp.class);
  private static final Duration BEING_LEARNED = Duration.ofSeconds(2);
  /** Bridges that went away: dpid to when (wall clock), shared so that a return on any instance cancels. */
  static final String DEPARTED_STORE = "l2.departed";

  /** Runs a task once after a delay: a daemon timer, or a test's hand. */
  interface Timer {
    void schedule(Runnable task, Duration delay);

    /** The controller stops: what is scheduled is dropped, and a thread behind it ends. */
    default void close() {}
  }

  private final LongSupplier millisClock;
  private final LongSupplier nanoClock;
  /** Hosts learned in the last moments, so that a burst of packet-ins from one MAC makes one update. */
  private final Cache<HostKey, LearnedHost> beingLearned;
  private final TalkingPairs pairs = new TalkingPairs();
  private final ControllerForwarding forwarding = new ControllerForwarding(pairs);
  private final HostCaps caps;
  private final Timer timer;
  private volatile AppContext ctx;
  private volatile MacTable table;
  /** Told when a host appears, goes or moves (GET /hosts changed): the console's live updates. */
  private final ChangeListeners hostListeners = new ChangeListeners();
  private volatile KeyValueStore<Long, Long> departed;
  private volatile PacketInBudget budget;

  public L2LearningApp() {
    this(System::currentTimeMillis, System::nanoTime, new DaemonTimer());
  }

  L2LearningApp(LongSupplier millisClock, LongSupplier nanoClock) {
    this(millisClock, nanoClock, new DaemonTimer());
  }

  L2LearningApp(LongSupplier millisClock, LongSupplier nanoClock, Timer timer) {
    this.millisClock = millisClock;
    this.nanoClock = nanoClock;
    this.timer = timer;
    this.caps = new HostCaps(nanoClock);
    // its upkeep (eviction, expiry) runs on the thread that writes, the bridge's event loop, a little at a time:
    // by default Caffeine hands it to the common fork-join pool, a thread more that takes the CPU from the event
    // loops when hosts are learned fastest, and contends with them for the cache
    this.beingLearned = Caffeine.newBuilder().expireAfterWrite(BEING_LEARNED).maximumSize(100_000)
        .ticker(nanoClock::getAsLong).executor(Runnable::run).build();
  }

  /** The app's {@code l2-learning:} config section. */
  @Override
  public java.util.Optional<io.switchboard.config.AppSection<?>> configSection() {
    return java.util.Optional.of(L2Section.INSTANCE);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Nothing here waits: the MAC table's lock guards a few map operations, packet-outs and flow updates
   * are queued, the forget timer is its own thread. (Its stores are whatever the controller's are.)
   */
  @Override
  public boolean nonBlocking() {
    return true;
  }

  @Override
  public void stop() {
    timer.close(); // a stopped controller (the start-up warm-up's, say) leaves no timer thread behind
  }

  @Override
  public void start(AppContext ctx) {
    this.ctx = ctx;
    if (table == null || !table.isOver(ctx.stores())) { // a reload keeps the table (and its index)
      this.table = new MacTable(ctx.stores(), hostListeners::fire);
      this.departed = ctx.stores().map(DEPARTED_STORE);
    }
    int perSecond = L2Section.of(ctx.config()).packetInBudget();
    if (budget == null || budget.perSecond() != perSecond) {
      budget = new PacketInBudget(perSecond, nanoClock);
    }
    ctx.switches().forEach(this::dropInvalidHosts); // after a reload: roles may have changed
  }

  // ---- desired flows

  @Override
  public void desiredFlows(SwitchView sw, FlowSink out) {
    if (ctx == null || leftToOverlay(sw)) {
      return;
    }
    PortPlan plan = plan(sw);
    LearningFlows flows = flows(sw);
    flows.bridgeEntries(plan, out);
    for (LearnedHost h : table.hostsOf(sw.dpid())) {
      if (plan.valid(h.port(), h.vlan())) {
        flows.hostEntries(plan, h, idleTimeout()).forEach(out::add);
      }
    }
    pairs.entries(sw.dpid()).forEach(out::add);
  }

  // ---- packet-ins

  @Override
  public void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {
    if (leftToOverlay(sw) || (sw.multiTable() && in.stage() != Stage.LEARN)) {
      return;
    }
    long dpid = sw.dpid();
    if (!budget.tryAcquire(dpid)) {
      ctx.count(dpid, "packet_in_over_budget");
      return;
    }
    Frame frame = in.frame();
    PortPlan plan = plan(sw);
    OptionalInt vlan = plan.ingressVlan(in.inPort(), frame.vlan(), sw.multiTable());
    if (vlan.isEmpty()) {
      ctx.count(dpid, "packet_in_wrong_vlan");
      return;
    }
    FlowChanges changes = new FlowChanges();
    LearnedHost source = learn(sw, plan, in.inPort(), vlan.getAsInt(), frame.ethSrc(), changes);
    if (!sw.multiTable()) { // OpenFlow 1.0: the controller forwards the frame itself
      LearnedHost dst = isUnicast(frame.ethDst()) ? known(sw.dpid(), vlan.getAsInt(), frame.ethDst()) : null;
      forwarding.forward(ctx, sw, plan, in, vlan.getAsInt(), source, dst, changes);
    }
    changes.apply(ctx, dpid);
  }

  /** Learns (or re-learns after a move) the source of a frame; returns the host, null for a non-unicast MAC. */
  private LearnedHost learn(SwitchView sw, PortPlan plan, long port, int vlan, long mac, FlowChanges changes) {
    if (!isUnicast(mac)) {
      return null;
    }
    HostKey key = new HostKey(sw.dpid(), vlan, mac);
    LearnedHost known = beingLearned.getIfPresent(key);
    if (known == null) {
      known = table.get(sw.dpid(), vlan, mac);
    }
    if (known != null && known.port() == port) {
      return known;
    }
    LearnedHost host = new LearnedHost(sw.dpid(), sw.name(), vlan, mac, port, plan.port(port).name(),
        millisClock.getAsLong());
    L2Settings settings = L2Section.of(ctx.config());
    HostCaps.Cap over = HostCaps.exceeded(table, settings, host, known);
    if (over != null) {
      caps.refused(ctx, over, host, settings);
      return null; // not learned; a moved host keeps its old place until it expires or room is made
    }
    table.put(host);
    beingLearned.put(key, host);
    if (known != null) {
      log.info("switch {}: {} moved from port {}", Values.dpid(sw.dpid()), host, known.portName());
      ctx.count(sw.dpid(), "host_moved");
      unlearn(sw, plan, known, changes);
    } else {
      if (log.isDebugEnabled()) { // one per new host: no dpid text unless it is logged
        log.debug("switch {}: learned {}", Values.dpid(sw.dpid()), host);
      }
      ctx.count(sw.dpid(), "host_learned");
    }
    changes.add(flows(sw).hostEntries(plan, host, idleTimeout()));
    return host;
  }

  private LearnedHost known(long dpid, int vlan, long mac) {
    LearnedHost h = beingLearned.getIfPresent(new HostKey(dpid, vlan, mac));
    return h != null ? h : table.get(dpid, vlan, mac);
  }

  // ---- forgetting

  /** The switch expired a host's source entry: the host is forgotten with the rest of its entries. */
  @Override
  public void onFlowExpired(SwitchView sw, FlowEntry entry) {
    PortPlan plan = plan(sw);
    HostAt at = flows(sw).sourceEntryHost(plan, entry);
    if (at == null) {
      return;
    }
    LearnedHost host = table.get(sw.dpid(), at.vlan(), at.mac());
    if (host == null || host.port() != at.port()) {
      return; // moved since: the new location has its own entry
    }
    FlowChanges changes = new FlowChanges();
    if (table.remove(host)) {
      if (log.isDebugEnabled()) {
        log.debug("switch {}: {} expired", Values.dpid(sw.dpid()), host);
      }
      ctx.count(sw.dpid(), "host_expired");
    }
    unlearn(sw, plan, host, changes);
    changes.apply(ctx, sw.dpid());
  }

  /** Removes the entries of a host that is forgotten or has moved, and (OpenFlow 1.0) the pairs it was in. */
  private void unlearn(SwitchView sw, PortPlan plan, LearnedHost host, FlowChanges changes) {
    beingLearned.asMap().remove(host.key(), host);
    if (plan.port(host.port()) != null) {
      changes.remove(flows(sw).hostEntries(plan, host, idleTimeout()));
    }
    changes.remove(pairs.removeHost(sw.dpid(), host.vlan(), host.mac()));
  }

  /** A removed port takes its hosts with it (the core recomputes the bridge's flows right after). */
  @Override
  public void onPortChange(SwitchView sw, PortInfo port, boolean removed) {
    plans.forget(sw.dpid());
    if (!removed || table == null) {
      return;
    }
    PortPlan plan = plan(sw);
    for (LearnedHost h : table.hostsOf(sw.dpid())) {
      if (h.port() == port.number() && table.remove(h)) {
        log.info("switch {}: port {} removed, forgetting {}", Values.dpid(sw.dpid()), port.name(), h);
        unlearn(sw, plan, h, new FlowChanges());
      }
    }
  }

  /**
   * The bridge's hosts are forgotten {@code forget-after} from now unless it is back by then. Only the master
   * does this: in a cluster, another instance may lose its connection while the master keeps the bridge.
   */
  @Override
  public void onSwitchDown(long dpid) {
    plans.forget(dpid);
    pairs.forget(dpid); // rebuilt from the switch's entries when it comes back
    forwarding.forget(dpid);
    if (budget != null) {
      budget.forget(dpid);
    }
    AppContext c = ctx;
    if (c == null || table == null || !c.isMaster(dpid)) {
      return;
    }
    long leftAt = millisClock.getAsLong();
    departed.put(dpid, leftAt);
    Duration grace = L2Section.of(c.config()).forgetAfter();
    timer.schedule(() -> forgetIfGone(dpid, leftAt, grace), grace);
  }

  /** Forgets a departed bridge's hosts, unless it came back (its adoption removed the record) or left again. */
  void forgetIfGone(long dpid, long leftAt, Duration grace) {
    Long still = departed.get(dpid);
    if (still == null || still != leftAt || ctx.switchView(dpid).isPresent()) {
      return;
    }
    departed.remove(dpid);
    int forgotten = 0;
    for (LearnedHost h : table.hostsOf(dpid)) {
      if (ctx.switchView(dpid).isPresent()) {
        break; // back this very moment: its adoption owns the table now
      }
      if (table.remove(h)) {
        beingLearned.invalidate(h.key());
        forgotten++;
      }
    }
    log.info("switch {}: gone for {}s, forgot its {} learned host(s)", Values.dpid(dpid), grace.toSeconds(),
        forgotten);
  }

  /** Hosts whose port no longer carries their VLAN (roles changed) or whose bridge went to the overlay. */
  private void dropInvalidHosts(SwitchView sw) {
    PortPlan plan = plan(sw);
    boolean overlay = leftToOverlay(sw);
    for (LearnedHost h : table.hostsOf(sw.dpid())) {
      if ((overlay || !plan.valid(h.port(), h.vlan())) && table.remove(h)) {
        log.info("switch {}: config changed, forgetting {}", Values.dpid(sw.dpid()), h);
        beingLearned.invalidate(h.key());
      }
    }
    pairs.recompute(sw.dpid(), p -> {
      LearnedHost s = table.get(sw.dpid(), p.vlan(), p.src());
      LearnedHost d = table.get(sw.dpid(), p.vlan(), p.dst());
      return s == null || d == null ? null : SingleTableFlows.INSTANCE.pairEntry(plan, s, d);
    });
  }

  // ---- restart and failover

  /** Rebuilds this bridge's part of the MAC table (and pairs) from the learned entries the switch still holds. */
  @Override
  public void adoptFlows(SwitchView sw, List<FlowEntry> installed) {
    departed.remove(sw.dpid()); // back: its hosts are not to be forgotten
    if (leftToOverlay(sw)) {
      return;
    }
    PortPlan plan = plan(sw);
    HostAdoption.Hosts hosts = HostAdoption.hosts(sw, plan, flows(sw), installed, table, L2Section.of(ctx.config()),
        millisClock.getAsLong());
    Map<HostKey, LearnedHost> adopted = hosts.adopted();
    int overCaps = hosts.overCaps();
    if (overCaps > 0) {
      log.warn("switch {}: {} learned entries on the switch are over the l2-learning host caps and were not"
          + " adopted (they are removed)", Values.dpid(sw.dpid()), overCaps);
    }
    for (LearnedHost h : table.hostsOf(sw.dpid())) {
      if (!adopted.containsKey(h.key())) {
        table.remove(h);
        beingLearned.invalidate(h.key());
      }
    }
    adopted.values().forEach(table::put);
    Map<Pair, FlowEntry> mine = HostAdoption.pairs(sw, plan, installed, adopted);
    pairs.replace(sw.dpid(), mine);
    log.info("switch {}: adopted {} learned host(s) and {} pair(s) from the switch", Values.dpid(sw.dpid()),
        adopted.size(), mine.size());
  }

  // ---- REST and tags

  @Override
  public List<RestResource> resources() {
    return List.of(new HostsResource(() -> table, millisClock, hostListeners::add));
  }

  @Override
  public Optional<String> describeTag(long tag) {
    return tag == 0 ? Optional.empty() : Optional.of("learned host " + Values.mac(tag));
  }

  // ---- helpers

  /** With vxlan-overlay enabled, its host bridges are that app's alone. */
  private boolean leftToOverlay(SwitchView sw) {
    return planned(sw).leftToOverlay();
  }

  private PortPlan plan(SwitchView sw) {
    return planned(sw).plan();
  }

  /** A bridge's port plan, kept while its view and the config stay the same ({@link BridgePlans}). */
  private final BridgePlans plans = new BridgePlans();

  private BridgePlans.Planned planned(SwitchView sw) {
    return plans.of(sw, ctx.config());
  }

  private static LearningFlows flows(SwitchView sw) {
    return sw.multiTable() ? MultiTableFlows.INSTANCE : SingleTableFlows.INSTANCE;
  }

  private int idleTimeout() {
    long s = L2Section.of(ctx.config()).idleTimeout().toSeconds();
    return (int) Math.max(1, Math.min(0xffff, s));
  }

  static boolean isUnicast(long mac) {
    return mac != 0 && (mac & 0x0100_0000_0000L) == 0;
  }
}
