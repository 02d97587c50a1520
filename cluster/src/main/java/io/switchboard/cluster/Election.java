package io.switchboard.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.ReplicaMigrationEvent;
import io.switchboard.controller.core.MastershipLink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's part in bridge mastership: the driver that ties the parts together. The cluster's truth is in two
 * Hazelcast maps that {@link ClusterView} mirrors and alone writes; every member computes the same {@link
 * Assignment} and claims the bridges it should master; each connected bridge's role at its switch is a {@link
 * BridgeRole} state machine, which this class feeds with the cluster's records and the switch's answers, sending
 * the role requests it decides on. The owner of a record asks its switch for MASTER with the record's generation and
 * programs the bridge once the switch agrees; every other connected member asks for SLAVE and leaves it alone.
 *
 * <p>Fencing: the switch keeps the highest generation it has seen and refuses an older MASTER request
 * (OFPRRFC_STALE). A master re-asserts its role every {@link #VERIFY_MS} ms, so one that was paused while another
 * took over is refused and steps down. A member told by its switch that it lost the role (role status, IS_SLAVE)
 * steps down too, and holds off for {@link BridgeRole#REFUSED_HOLD_MS} ms before claiming a newer generation. A
 * {@link PauseWatch} makes a member that was stopped quiet until the cluster healed.
 *
 * <p>Threading: every decision runs on one thread ("cluster-election"); Hazelcast listeners and switch answers
 * only queue work there. Blocking Hazelcast calls are fine there, never on a switch worker.
 */
final class Election implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Election.class);
  static final long EVALUATE_MS = 1000;
  static final long VERIFY_MS = 2000;
  static final long RELOAD_MS = 30_000;
  /**
   * A bridge no one has ever mastered (a new bridge, or every member restarted) is claimed once every live member is
   * connected to it, so that all members choose among the same candidates; or at the latest this long after the
   * switch answered here (a member that is not connected to it, or not yet: on a loaded machine a handshake and the
   * first role answer took seconds).
   */
  static final long LINKS_WAIT_MS = 10_000;
  /**
   * A live, connected master is relieved of a bridge (to even out the load) only once its record has stood this
   * long here, and no member connected to or disconnected from any bridge for this long: members whose views
   * briefly differ cannot toss a bridge back and forth faster than this.
   */
  static final long REBALANCE_HOLD_MS = 2000;
  /**
   * This member taking a bridge back from a live member that took it from this one less than this long ago means
   * their views of the maps differ (an event missed amid partition migrations, say), and would go on differing until
   * the next {@link #RELOAD_MS} re-read: each tossing the bridge to itself every few seconds. It re-reads the maps
   * first, once per bridge in this time.
   */
  static final long TOSS_MS = 10_000;

  private final HazelcastInstance hz;
  private final ClusterView view;
  private final PauseWatch pauses;
  private final ScheduledExecutorService thread;
  /** This member's connected bridges (mutated on the election thread only). */
  private final Map<Long, BridgeRole> bridges = new ConcurrentHashMap<>();
  /** Per bridge, when this member last claimed it from another live member, and when a toss made it re-read. */
  private final Map<Long, Long> takenAt = new HashMap<>();
  private final Map<Long, Long> tossReadAt = new HashMap<>();
  /** The bridges this instance programs now: what {@link #isMaster} answers. */
  private final Set<Long> programming = ConcurrentHashMap.newKeySet();
  private final BridgeRole.Programming programs = new LinkProgramming(programming);
  private final SwitchRoles roles;
  private final AtomicBoolean evaluationQueued = new AtomicBoolean();
  /** Whether the member list has settled since this member started (see {@link MembershipSettle}). */
  private final MembershipSettle settle;
  /** When it settled (ms), or -1 while waiting: meanwhile this member tells no one its links and claims nothing. */
  private volatile long settledAt = -1;
  private volatile boolean closed;

  /**
   * @param expected the addresses of the members to wait for before taking bridges ({@code cluster.members})
   */
  Election(HazelcastInstance hz, Collection<String> expected, long settleMs, long settleTimeoutMs) {
    this.hz = hz;
    this.view = new ClusterView(hz);
    // cluster.members lists every member, this one included, but perhaps under another name than the address
    // Hazelcast reports (a host name, 0.0.0.0): adding ours too would wait for one member more than exist
    Set<String> wanted = new LinkedHashSet<>(expected);
    if (wanted.isEmpty()) {
      wanted.add(view.myAddress());
    }
    this.settle = new MembershipSettle(wanted, settleMs, settleTimeoutMs);
    this.pauses = new PauseWatch(() -> run(() -> standAll("this instance was paused")),
        PauseWatch.thresholdMs(hz.getConfig().getProperty("hazelcast.max.no.heartbeat.seconds")));
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cluster-election");
      t.setDaemon(true);
      return t;
    });
    this.roles = new SwitchRoles(thread, view, this::current, this::requestEvaluation, this::apply);
  }

  void start() {
    settle.rearm(view.liveMembers().values(), System.currentTimeMillis());
    view.listen(this::run, this::requestEvaluation);
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        log.info("cluster: member {} joined", ClusterView.address(e.getMember()));
        requestEvaluation();
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        log.info("cluster: member {} left; its bridges get new masters", ClusterView.address(e.getMember()));
        requestEvaluation();
        run(Election.this::forgetDeadLinks);
      }
    });
    hz.getLifecycleService().addLifecycleListener(this::lifecycle);
    // an entry event can be missed while partitions move after a member joined or left: re-read once they have
    hz.getPartitionService().addMigrationListener(new MigrationListener() {
      @Override
      public void migrationStarted(MigrationState state) { }

      @Override
      public void migrationFinished(MigrationState state) {
        run(Election.this::reload);
      }

      @Override
      public void replicaMigrationCompleted(ReplicaMigrationEvent event) { }

      @Override
      public void replicaMigrationFailed(ReplicaMigrationEvent event) { }
    });
    run(this::reload);
    pauses.start();
    thread.scheduleWithFixedDelay(() -> guarded(this::evaluate), EVALUATE_MS, EVALUATE_MS, TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(() -> guarded(this::verifyMasters), VERIFY_MS, VERIFY_MS, TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(() -> guarded(this::reload), RELOAD_MS, RELOAD_MS, TimeUnit.MILLISECONDS);
  }

  // ---- what the rest of the module asks

  String memberId() {
    return view.me();
  }

  String memberAddress() {
    return view.myAddress();
  }

  boolean isMaster(long dpid) {
    return programming.contains(dpid);
  }

  Map<Long, MasterRecord> records() {
    return view.records();
  }

  /** Per bridge, the addresses of the live members connected to it. */
  Map<Long, List<String>> connections() {
    return view.connections();
  }

  Map<String, String> liveMembers() {
    return view.liveMembers();
  }

  /** Whether this member's membership has settled, so that it takes bridges. */
  boolean settled() {
    return settledAt >= 0;
  }

  // ---- events from the controller (any thread)

  void bridgeUp(MastershipLink link) {
    run(() -> up(link));
  }

  void bridgeDown(MastershipLink link) {
    run(() -> down(link));
  }

  /** The switch says this connection lost the master role (role status, IS_SLAVE): check, and step down. */
  void demoted(MastershipLink link) {
    run(() -> {
      BridgeRole b = bridges.get(link.dpid());
      if (b != null && b.link == link) {
        roles.demoted(b);
      }
    });
  }

  // ---- the election thread

  private void run(Runnable task) {
    try {
      thread.execute(() -> guarded(task));
    } catch (RejectedExecutionException e) {
      log.debug("cluster election closed; dropped a task");
    }
  }

  private static void guarded(Runnable task) {
    SwitchRoles.guarded(task);
  }

  private void requestEvaluation() {
    if (evaluationQueued.compareAndSet(false, true)) {
      run(this::evaluate);
    }
  }

  private boolean current(BridgeRole b) {
    return bridges.get(b.dpid) == b && !closed;
  }

  private void up(MastershipLink link) {
    BridgeRole b = new BridgeRole(link, programs);
    BridgeRole old = bridges.put(b.dpid, b);
    if (old != null) {
      old.disconnected();
      programming.remove(b.dpid);
    }
    // the cluster learns of the connection at once (so that members choosing a master for a new bridge wait for it);
    // this member claims it only once the switch told its generation
    if (settled()) {
      view.register(b.dpid, b.dpidText);
    }
    roles.query(b, () -> {
      b.registered(System.currentTimeMillis());
      evaluate();
    });
  }

  /** Tells the cluster this member is connected to the bridge, once settled (until then the machine follows only). */
  private void register(BridgeRole b) {
    if (settled()) {
      view.register(b.dpid, b.dpidText);
    }
    b.registered(System.currentTimeMillis());
  }

  /**
   * Whether the membership has settled; on the evaluation that finds it so, tells the cluster about every bridge
   * connected meanwhile, in one call, so that the others see this member's links together.
   */
  private boolean settleNow(long now) {
    if (settledAt >= 0) {
      return true;
    }
    settle.members(view.liveMembers().values(), now);
    if (!settle.settled(now)) {
      return false;
    }
    List<BridgeRole> ready = bridges.values().stream().filter(b -> !b.gone()).toList();
    log.info("cluster: membership settled after {} ms (members {}{}); registering {} bridge(s) and taking a share",
        settle.waitedMs(now), view.liveMembers().values(), settle.complete() ? ""
            : "; not seen within cluster.settle-timeout: " + settle.missing(), ready.size());
    Map<Long, String> dpids = new LinkedHashMap<>();
    ready.forEach(b -> dpids.put(b.dpid, b.dpidText));
    view.registerAll(dpids);
    ready.stream().filter(BridgeRole::ready).forEach(b -> b.registered(now));
    settledAt = now;
    return true;
  }

  private void down(MastershipLink link) {
    BridgeRole b = bridges.get(link.dpid());
    if (b == null || b.link != link) {
      return;
    }
    bridges.remove(b.dpid);
    programming.remove(b.dpid);
    if (b.disconnected()) {
      log.info("switch {}: disconnected from its master (this instance); another member takes over", b.dpidText);
    }
    view.unlinkLocally(b.dpid);
    if (!closed) {
      view.withdraw(b.dpid, b.dpidText, false);
    }
  }

  private void standAll(String why) {
    for (BridgeRole b : new ArrayList<>(bridges.values())) {
      b.stand(why);
    }
  }

  private void evaluate() {
    evaluationQueued.set(false);
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    long wake = Long.MAX_VALUE;
    boolean settled = settleNow(now);
    if (!settled) {
      wake = settle.waitMs(now);
    }
    boolean quiet = pauses.quiet() || !settled;
    String me = view.me();
    Map<String, String> live = view.liveMembers();
    Map<Long, Set<String>> candidates = view.candidates();
    Map<Long, String> targets = Assignment.compute(live, candidates, view.owners());
    takenAt.values().removeIf(t -> now - t >= TOSS_MS);
    tossReadAt.values().removeIf(t -> now - t >= TOSS_MS);
    boolean reread = false;
    for (BridgeRole b : new ArrayList<>(bridges.values())) {
      if (!b.ready()) {
        continue;
      }
      MasterRecord rec = view.record(b.dpid);
      if (me.equals(targets.get(b.dpid)) && (rec == null || !me.equals(rec.owner()))) {
        long wait = 0;
        if (rec == null && !candidates.getOrDefault(b.dpid, Set.of()).containsAll(live.keySet())) {
          // a new bridge: let the other members' connections to it show up, so that all choose alike and it sticks
          wait = b.registeredAt() + LINKS_WAIT_MS - now;
        } else if (rec != null && candidates.getOrDefault(b.dpid, Set.of()).contains(rec.owner())
            && live.containsKey(rec.owner())) {
          // a rebalancing move: once the record has stood a while, and while no connection came or went (a burst of
          // dropped connections moves bridges by failover; rebalancing amid it would toss others back and forth)
          wait = Math.max(view.recordSeenAt(b.dpid, now), view.linksChangedAt()) + REBALANCE_HOLD_MS - now;
        }
        if (quiet) {
          wake = Math.min(wake, settled ? pauses.quietLeftMs() : settle.waitMs(now));
        } else if (wait > 0) {
          wake = Math.min(wake, wait);
        } else if (rec != null && live.containsKey(rec.owner()) && takenAt.containsKey(b.dpid)
            && !tossReadAt.containsKey(b.dpid)) {
          log.info("switch {}: {} took it from this member {} ms ago and this member would take it back: re-reading"
              + " the cluster's records before claiming", b.dpidText, rec.address(), now - takenAt.get(b.dpid));
          tossReadAt.put(b.dpid, now);
          reread = true;
        } else {
          if (rec != null && live.containsKey(rec.owner())) {
            takenAt.put(b.dpid, now);
          }
          rec = view.claim(b.dpid, b.dpidText, rec, b.switchGeneration());
        }
      }
      apply(b, rec);
    }
    if (reread) {
      reload(); // and evaluates again
    }
    if (wake != Long.MAX_VALUE) {
      thread.schedule(this::requestEvaluation, wake, TimeUnit.MILLISECONDS);
    }
  }

  /** Makes this connection's role at the switch follow the record. */
  private void apply(BridgeRole b, MasterRecord rec) {
    boolean quiet = pauses.quiet() || !settled();
    if (b.holdExpired(rec, view.me(), quiet, System.currentTimeMillis())) {
      log.info("switch {}: refused at generation {} for {} s; claiming a newer generation", b.dpidText,
          rec.generation(), BridgeRole.REFUSED_HOLD_MS / 1000);
      rec = view.claim(b.dpid, b.dpidText, rec, b.switchGeneration());
    }
    roles.send(b, b.follow(rec, view.me(), quiet));
  }

  /** Every few seconds each master re-asserts its role: a master paused while another took over is refused. */
  private void verifyMasters() {
    if (!closed) {
      new ArrayList<>(bridges.values()).forEach(roles::verify);
    }
  }

  /** Re-reads both maps (at start, after a merge, and now and then in case an event was missed). */
  private void reload() {
    if (closed) {
      return;
    }
    view.reload(settled() ? bridges.values().stream().filter(b -> !b.gone()).map(b -> b.dpid).toList()
        : List.of());
    forgetDeadLinks();
    requestEvaluation();
  }

  private void forgetDeadLinks() {
    if (!closed) {
      view.forgetDeadLinks();
    }
  }

  private void lifecycle(LifecycleEvent e) {
    switch (e.getState()) {
      case SHUTTING_DOWN -> run(() -> {
        standAll("this member is leaving the cluster");
        closed = true;
      });
      case MERGED -> run(() -> {
        log.info("cluster: merged after a split; re-registering this member's bridges");
        view.identify();
        // no new settle wait: a bridge only this member reaches would have no master meanwhile; the claims'
        // compare-and-set and the generations sort out the two sides' records
        for (BridgeRole b : bridges.values()) {
          b.forgiveRefusal();
          if (b.ready()) {
            register(b);
          }
        }
        reload();
      });
      default -> { }
    }
  }

  /** Stops programming every bridge and withdraws this member's links, so that others take over at once. */
  @Override
  public void close() {
    if (thread.isShutdown()) {
      return;
    }
    pauses.close();
    try {
      thread.submit(() -> {
        for (BridgeRole b : bridges.values()) {
          b.stand("this instance leaves the cluster");
          if (hz.getLifecycleService().isRunning()) {
            view.withdraw(b.dpid, b.dpidText, true);
          }
        }
        closed = true;
      }).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("cluster election close: {}", e.toString());
    }
    thread.shutdownNow();
  }
}
