package io.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.switchboard.cluster.BridgeLink.Role;
import io.switchboard.cluster.BridgeLink.StaleGenerationException;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's part in bridge mastership. The cluster's truth is the map {@value #MASTERS} (bridge -> {@link
 * MasterRecord}), changed only by {@link Claim} (compare-and-set, generation + 1), and the map {@value #LINKS} of who
 * is connected to which bridge. Every member computes the same {@link Assignment} and claims the bridges it should
 * master; the owner of a record asks its switch for the MASTER role with the record's generation and programs the
 * bridge once the switch agrees; every other connected member asks for SLAVE and leaves the bridge alone.
 *
 * <p>Fencing: the switch keeps the highest generation it has seen and refuses an older MASTER request
 * (OFPRRFC_STALE). A master re-asserts its role every {@link #VERIFY_MS} ms, so one that was paused while another
 * took over is refused and steps down. A member told by its switch that it lost the role (role status, IS_SLAVE)
 * steps down too, and holds off for {@link #REFUSED_HOLD_MS} ms before claiming a newer generation.
 *
 * <p>Threading: every decision runs on one thread ("cluster-election"); Hazelcast listeners and switch answers
 * only queue work there. Blocking Hazelcast calls are fine there, never on a switch worker.
 */
final class Election implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Election.class);
  static final String MASTERS = "switchboard.cluster.masters";
  static final String LINKS = "switchboard.cluster.links";
  static final long EVALUATE_MS = 1000;
  static final long VERIFY_MS = 2000;
  static final long RELOAD_MS = 30_000;
  static final long REFUSED_HOLD_MS = 10_000;
  /** A bridge no one masters yet is claimed this long after it connected here, once other members saw it too. */
  static final long SETTLE_MS = 300;
  /**
   * A live, connected master is relieved of a bridge (to even out the load) only once its record has stood this
   * long here: members whose views briefly differ cannot toss a bridge back and forth faster than this.
   */
  static final long REBALANCE_HOLD_MS = 2000;
  /** A gap this long between two ticks of the pause watch means this JVM was stopped (SIGSTOP, a long GC). */
  static final long PAUSE_MS = 1000;
  /**
   * After a pause this member claims nothing for this long: the others took over meanwhile, and Hazelcast needs up
   * to two merge rounds (10 s each) to heal the split and show this member the records they wrote.
   */
  static final long PAUSE_QUIET_MS = 25_000;
  private static final int MAX_STALE_RECLAIMS = 3;

  private final HazelcastInstance hz;
  private final IMap<Long, MasterRecord> masters;
  private final IMap<String, LinkRecord> links;
  private final ScheduledExecutorService thread;
  /** This member's connected bridges (mutated on the election thread only). */
  private final Map<Long, LocalBridge> bridges = new ConcurrentHashMap<>();
  /** The cluster's master records as last seen; generations never go back. */
  private final Map<Long, MasterRecord> records = new ConcurrentHashMap<>();
  /** When this member first saw each bridge's current record (ms, local clock). */
  private final Map<Long, Long> recordSeenAt = new ConcurrentHashMap<>();
  /** Per bridge, the connected members (written on the election thread). */
  private final Map<Long, Map<String, LinkRecord>> connected = new ConcurrentHashMap<>();
  /** The bridges this instance programs now: what {@link #isMaster} answers. */
  private final Set<Long> programming = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean evaluationQueued = new AtomicBoolean();
  private volatile String me;
  private volatile String myAddress;
  private volatile boolean closed;
  private volatile long lastTick = System.nanoTime();
  private volatile long quietUntil = System.nanoTime();

  /** This member's view of one connected bridge. Election thread only. */
  private static final class LocalBridge {
    final BridgeLink link;
    final long dpid;
    final String dpidText;
    boolean ready;
    long registeredAt;
    /** The newest generation the switch has reported. */
    long switchGeneration = -1;
    /** The generation at which the switch confirmed us MASTER and we program; -1: not programming. */
    long masterGeneration = -1;
    /** The last generation the switch ever confirmed us MASTER at. */
    long confirmedGeneration = -1;
    long requestedGeneration = -1;
    long slaveGeneration = Long.MIN_VALUE;
    boolean slaveRequested;
    long refusedGeneration = -1;
    long refusedAt;
    int staleReclaims;

    LocalBridge(BridgeLink link) {
      this.link = link;
      this.dpid = link.dpid();
      this.dpidText = Values.dpid(dpid);
    }

    void learn(long generation) {
      switchGeneration = Math.max(switchGeneration, generation);
    }
  }

  Election(HazelcastInstance hz) {
    this.hz = hz;
    this.masters = hz.getMap(MASTERS);
    this.links = hz.getMap(LINKS);
    identify();
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cluster-election");
      t.setDaemon(true);
      return t;
    });
  }

  private void identify() {
    Member local = hz.getCluster().getLocalMember();
    me = local.getUuid().toString();
    myAddress = address(local);
  }

  static String address(Member m) {
    return m.getAddress().getHost() + ":" + m.getAddress().getPort();
  }

  void start() {
    masters.addEntryListener(new RecordListener(), true);
    links.addEntryListener(new LinkListener(), true);
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        log.info("cluster: member {} joined", address(e.getMember()));
        requestEvaluation();
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        log.info("cluster: member {} left; its bridges get new masters", address(e.getMember()));
        requestEvaluation();
        run(Election.this::forgetDeadLinks);
      }
    });
    hz.getLifecycleService().addLifecycleListener(this::lifecycle);
    run(this::reload);
    Thread watch = new Thread(this::watchForPauses, "cluster-pause-watch");
    watch.setDaemon(true);
    watch.start();
    thread.scheduleWithFixedDelay(() -> guarded(this::evaluate), EVALUATE_MS, EVALUATE_MS, TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(() -> guarded(this::verifyMasters), VERIFY_MS, VERIFY_MS, TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(() -> guarded(this::reload), RELOAD_MS, RELOAD_MS, TimeUnit.MILLISECONDS);
  }

  // ---- what the rest of the module asks

  String memberId() {
    return me;
  }

  String memberAddress() {
    return myAddress;
  }

  boolean isMaster(long dpid) {
    return programming.contains(dpid);
  }

  Map<Long, MasterRecord> records() {
    return Map.copyOf(records);
  }

  /** Per bridge, the addresses of the live members connected to it. */
  Map<Long, List<String>> connections() {
    Map<String, String> live = liveMembers();
    Map<Long, List<String>> out = new HashMap<>();
    connected.forEach((dpid, m) -> out.put(dpid, m.keySet().stream().filter(live::containsKey).map(live::get)
        .sorted().toList()));
    return out;
  }

  Map<String, String> liveMembers() {
    Map<String, String> live = new LinkedHashMap<>();
    for (Member m : hz.getCluster().getMembers()) {
      live.put(m.getUuid().toString(), address(m));
    }
    return live;
  }

  // ---- events from the controller (any thread)

  void bridgeUp(BridgeLink link) {
    run(() -> up(link));
  }

  void bridgeDown(BridgeLink link) {
    run(() -> down(link));
  }

  /** The switch says this connection lost the master role (role status, IS_SLAVE): check, and step down. */
  void demoted(BridgeLink link) {
    run(() -> {
      LocalBridge b = bridges.get(link.dpid());
      if (b != null && b.link == link && b.masterGeneration >= 0) {
        long gen = b.masterGeneration;
        link.requestRole(Role.NOCHANGE, 0).whenCompleteAsync((ans, err) -> guarded(() -> {
          if (ans != null && ans.role() != Role.MASTER && b.masterGeneration == gen && bridges.get(b.dpid) == b) {
            b.learn(ans.generation());
            refused(b, gen, "the switch says this connection is now " + ans.role()
                + " (switch generation " + ans.generation() + ")");
          }
        }), thread);
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
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("cluster election: {}", e.toString(), e);
    }
  }

  private void requestEvaluation() {
    if (evaluationQueued.compareAndSet(false, true)) {
      run(this::evaluate);
    }
  }

  private void up(BridgeLink link) {
    LocalBridge b = new LocalBridge(link);
    LocalBridge old = bridges.put(b.dpid, b);
    if (old != null) {
      programming.remove(b.dpid);
    }
    link.requestRole(Role.NOCHANGE, 0).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (bridges.get(b.dpid) != b || closed) {
        return;
      }
      if (ans != null) {
        b.learn(ans.generation());
      } else {
        log.debug("switch {}: role query failed: {}", b.dpidText, err.toString());
      }
      register(b);
    }), thread);
  }

  private void register(LocalBridge b) {
    LinkRecord r = new LinkRecord(b.dpid, me, myAddress, System.currentTimeMillis());
    try {
      links.set(LinkRecord.key(b.dpid, me), r);
    } catch (RuntimeException e) {
      log.warn("switch {}: could not tell the cluster it is connected here: {}", b.dpidText, e.toString());
    }
    connected.computeIfAbsent(b.dpid, d -> new ConcurrentHashMap<>()).put(me, r);
    b.ready = true;
    b.registeredAt = System.currentTimeMillis();
    evaluate();
  }

  private void down(BridgeLink link) {
    LocalBridge b = bridges.get(link.dpid());
    if (b == null || b.link != link) {
      return;
    }
    bridges.remove(b.dpid);
    programming.remove(b.dpid);
    if (b.masterGeneration >= 0) {
      log.info("switch {}: disconnected from its master (this instance); another member takes over", b.dpidText);
    }
    b.masterGeneration = -1;
    Map<String, LinkRecord> m = connected.get(b.dpid);
    if (m != null) {
      m.remove(me);
    }
    if (closed) {
      return;
    }
    try {
      links.delete(LinkRecord.key(b.dpid, me));
    } catch (RuntimeException e) {
      log.warn("switch {}: could not tell the cluster it disconnected: {}", b.dpidText, e.toString());
    }
  }

  /** Ticks every 100 ms; a long gap means the whole JVM was stopped, and this member must not trust its view. */
  private void watchForPauses() {
    while (!closed) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastTick > TimeUnit.MILLISECONDS.toNanos(PAUSE_MS)) {
        paused(now, now - lastTick);
      }
      lastTick = now;
    }
  }

  /**
   * This JVM was stopped: while it slept the others may have taken over its bridges, and its view of the cluster
   * is stale. It stops programming at once and claims nothing until the cluster has healed, so a woken master can
   * never win a bridge back with a stale view (its flow changes would undo what happened meanwhile).
   */
  private void paused(long now, long gapNanos) {
    quietUntil = now + TimeUnit.MILLISECONDS.toNanos(PAUSE_QUIET_MS);
    log.warn("cluster: this instance was paused for {} ms; it stops programming and claims nothing for {} s",
        TimeUnit.NANOSECONDS.toMillis(gapNanos), PAUSE_QUIET_MS / 1000);
    run(() -> {
      for (LocalBridge b : new ArrayList<>(bridges.values())) {
        stopProgramming(b, "this instance was paused");
      }
    });
  }

  /** True while a recent pause forbids claims; also notices a pause the watch has not seen yet. */
  private boolean quiet() {
    long now = System.nanoTime();
    if (now - lastTick > TimeUnit.MILLISECONDS.toNanos(PAUSE_MS)) {
      paused(now, now - lastTick);
      lastTick = now;
    }
    return now - quietUntil < 0;
  }

  private void evaluate() {
    evaluationQueued.set(false);
    if (closed) {
      return;
    }
    boolean quiet = quiet();
    Map<String, String> live = liveMembers();
    Map<Long, Set<String>> candidates = new HashMap<>();
    connected.forEach((dpid, m) -> candidates.put(dpid, Set.copyOf(m.keySet())));
    Map<Long, String> owners = new HashMap<>();
    records.forEach((dpid, r) -> owners.put(dpid, r.owner()));
    Map<Long, String> targets = Assignment.compute(live, candidates, owners);
    long now = System.currentTimeMillis();
    long wake = Long.MAX_VALUE;
    for (LocalBridge b : new ArrayList<>(bridges.values())) {
      if (!b.ready) {
        continue;
      }
      MasterRecord rec = records.get(b.dpid);
      if (me.equals(targets.get(b.dpid)) && (rec == null || !me.equals(rec.owner()))) {
        long wait = 0;
        if (rec == null && live.size() > 1) {
          // a new bridge: let the other members' connections to it show up, so the first choice sticks
          wait = b.registeredAt + SETTLE_MS - now;
        } else if (rec != null && candidates.getOrDefault(b.dpid, Set.of()).contains(rec.owner())
            && live.containsKey(rec.owner())) {
          wait = recordSeenAt.getOrDefault(b.dpid, now) + REBALANCE_HOLD_MS - now; // a rebalancing move
        }
        if (quiet) {
          wake = Math.min(wake, TimeUnit.NANOSECONDS.toMillis(quietUntil - System.nanoTime()) + 1);
        } else if (wait > 0) {
          wake = Math.min(wake, wait);
        } else {
          rec = claim(b, rec);
        }
      }
      apply(b, rec);
    }
    if (wake != Long.MAX_VALUE) {
      thread.schedule(this::requestEvaluation, wake, TimeUnit.MILLISECONDS);
    }
  }

  /** Compare-and-set on the cluster's record: this member becomes master with a new, higher generation. */
  private MasterRecord claim(LocalBridge b, MasterRecord expected) {
    long expectedGeneration = expected == null ? MasterRecord.NONE : expected.generation();
    try {
      MasterRecord now = masters.executeOnKey(b.dpid, new Claim(expectedGeneration, me, myAddress,
          Math.max(0, b.switchGeneration), System.currentTimeMillis()));
      learn(b.dpid, now);
      if (now != null && me.equals(now.owner()) && now.generation() != expectedGeneration) {
        log.info("switch {}: this instance claims mastership, generation {}{}", b.dpidText, now.generation(),
            expected == null ? "" : " (was " + expected.address() + ", generation " + expected.generation() + ")");
      }
      return now;
    } catch (RuntimeException e) {
      log.warn("switch {}: could not claim mastership: {}", b.dpidText, e.toString());
      return expected;
    }
  }

  private void learn(long dpid, MasterRecord r) {
    if (r != null) {
      MasterRecord before = records.get(dpid);
      MasterRecord now = records.merge(dpid, r, (old, next) -> next.generation() >= old.generation() ? next : old);
      if (!now.equals(before)) {
        recordSeenAt.put(dpid, System.currentTimeMillis());
      }
    }
  }

  /** Makes this connection's role at the switch match the record. */
  private void apply(LocalBridge b, MasterRecord rec) {
    if (rec == null || !me.equals(rec.owner())) {
      becomeSlave(b, rec);
      return;
    }
    if (quiet()) {
      return; // after a pause a record naming this member may be stale: assert nothing until the cluster healed
    }
    if (b.masterGeneration == rec.generation() || b.requestedGeneration == rec.generation()) {
      return;
    }
    if (b.refusedGeneration == rec.generation()) {
      if (System.currentTimeMillis() - b.refusedAt < REFUSED_HOLD_MS) {
        return;
      }
      log.info("switch {}: refused at generation {} for {} s; claiming a newer generation", b.dpidText,
          rec.generation(), REFUSED_HOLD_MS / 1000);
      b.refusedGeneration = -1;
      rec = claim(b, rec);
      if (rec == null || !me.equals(rec.owner())) {
        becomeSlave(b, rec);
        return;
      }
    }
    assertMaster(b, rec);
  }

  private void assertMaster(LocalBridge b, MasterRecord rec) {
    long gen = rec.generation();
    b.requestedGeneration = gen;
    long asked = System.nanoTime();
    b.link.requestRole(Role.MASTER, gen).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (b.requestedGeneration == gen) {
        b.requestedGeneration = -1;
      }
      if (bridges.get(b.dpid) != b || closed) {
        return;
      }
      MasterRecord now = records.get(b.dpid);
      boolean current = now != null && me.equals(now.owner()) && now.generation() == gen;
      if (err != null) {
        if (isStale(err)) {
          staleRefusal(b, gen);
        } else {
          log.warn("switch {}: role request (master, generation {}) failed: {}", b.dpidText, gen, err.toString());
        }
        return;
      }
      b.learn(ans.generation());
      b.slaveGeneration = Long.MIN_VALUE;
      if (!current) {
        requestEvaluation(); // the record moved on while we asked: the next evaluation follows it
        return;
      }
      if (ans.role() != Role.MASTER) {
        log.warn("switch {}: asked for master (generation {}), the switch answered {}", b.dpidText, gen, ans.role());
        return;
      }
      startProgramming(b, gen, (System.nanoTime() - asked) / 1_000_000.0);
    }), thread);
  }

  /**
   * The switch refused our MASTER request as stale. If we had held that generation before, a newer master exists:
   * step down. If we had just claimed it, the switch remembers a generation the cluster's records lost (every member
   * restarted, say): learn the switch's generation and claim above it.
   */
  private void staleRefusal(LocalBridge b, long gen) {
    boolean heldBefore = b.confirmedGeneration == gen;
    refused(b, gen, "the switch refused generation " + gen + " as stale (OFPRRFC_STALE): a newer master exists");
    b.link.requestRole(Role.NOCHANGE, 0).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (ans != null) {
        b.learn(ans.generation());
      }
      if (bridges.get(b.dpid) != b || closed) {
        return;
      }
      MasterRecord fresh = masters.get(b.dpid);
      learn(b.dpid, fresh);
      fresh = records.get(b.dpid);
      boolean stillOurs = fresh != null && me.equals(fresh.owner()) && fresh.generation() == gen;
      if (stillOurs && !heldBefore && b.staleReclaims < MAX_STALE_RECLAIMS) {
        b.staleReclaims++;
        b.refusedGeneration = -1;
        log.info("switch {}: it knows generation {}, newer than the cluster's record; claiming above it",
            b.dpidText, b.switchGeneration);
        apply(b, claim(b, fresh));
      } else {
        requestEvaluation();
      }
    }), thread);
  }

  private void refused(LocalBridge b, long gen, String why) {
    stopProgramming(b, why);
    b.refusedGeneration = gen;
    b.refusedAt = System.currentTimeMillis();
  }

  private void becomeSlave(LocalBridge b, MasterRecord rec) {
    if (b.masterGeneration >= 0) {
      stopProgramming(b, rec == null ? "no master record" : "the master is now " + rec.address()
          + " (generation " + rec.generation() + ")");
    }
    long gen = rec != null ? rec.generation() : Math.max(0, b.switchGeneration);
    if (b.slaveGeneration == gen || b.slaveRequested) {
      return;
    }
    b.slaveRequested = true;
    b.link.requestRole(Role.SLAVE, gen).whenCompleteAsync((ans, err) -> guarded(() -> {
      b.slaveRequested = false;
      if (err == null) {
        b.slaveGeneration = gen;
        b.learn(ans.generation());
      } else if (isStale(err)) {
        b.slaveGeneration = gen; // the switch already has a newer master; its record will reach us
      } else {
        log.warn("switch {}: role request (slave, generation {}) failed: {}", b.dpidText, gen, err.toString());
      }
    }), thread);
  }

  private void startProgramming(LocalBridge b, long gen, double confirmMs) {
    b.masterGeneration = gen;
    b.confirmedGeneration = gen;
    b.staleReclaims = 0;
    programming.add(b.dpid);
    log.info("switch {}: this instance is master (generation {}, switch confirmed in {} ms); programming it",
        b.dpidText, gen, String.format("%.1f", confirmMs));
    try {
      b.link.program();
    } catch (RuntimeException e) {
      log.warn("switch {}: could not start programming: {}", b.dpidText, e.toString());
    }
  }

  private void stopProgramming(LocalBridge b, String why) {
    if (b.masterGeneration < 0) {
      return;
    }
    b.masterGeneration = -1;
    programming.remove(b.dpid);
    log.info("switch {}: this instance stops programming it: {}", b.dpidText, why);
    try {
      b.link.unprogram();
    } catch (RuntimeException e) {
      log.debug("switch {}: could not stop programming (controller closing?): {}", b.dpidText, e.toString());
    }
  }

  /** Every few seconds each master re-asserts its role: a master paused while another took over is refused. */
  private void verifyMasters() {
    if (closed) {
      return;
    }
    for (LocalBridge b : new ArrayList<>(bridges.values())) {
      long gen = b.masterGeneration;
      if (gen < 0 || b.requestedGeneration >= 0) {
        continue;
      }
      b.link.requestRole(Role.MASTER, gen).whenCompleteAsync((ans, err) -> guarded(() -> {
        if (bridges.get(b.dpid) != b || b.masterGeneration != gen) {
          return;
        }
        if (err == null) {
          b.learn(ans.generation());
        } else if (isStale(err)) {
          staleRefusal(b, gen);
        } else {
          log.debug("switch {}: role check failed: {}", b.dpidText, err.toString());
        }
      }), thread);
    }
  }

  private static boolean isStale(Throwable err) {
    Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    return t instanceof StaleGenerationException;
  }

  /** Re-reads both maps (at start, after a merge, and now and then in case an event was missed). */
  private void reload() {
    if (closed) {
      return;
    }
    masters.forEach(this::learn);
    Map<Long, Map<String, LinkRecord>> fresh = new HashMap<>();
    links.values().forEach(r -> fresh.computeIfAbsent(r.dpid(), d -> new ConcurrentHashMap<>()).put(r.member(), r));
    for (LocalBridge b : bridges.values()) {
      if (b.ready) {
        fresh.computeIfAbsent(b.dpid, d -> new ConcurrentHashMap<>()).putIfAbsent(me,
            new LinkRecord(b.dpid, me, myAddress, System.currentTimeMillis()));
      }
    }
    connected.keySet().retainAll(fresh.keySet());
    connected.putAll(fresh);
    forgetDeadLinks();
    requestEvaluation();
  }

  /** The oldest member removes the link records of members that left (others just ignore them). */
  private void forgetDeadLinks() {
    Set<Member> members = hz.getCluster().getMembers();
    if (closed || members.isEmpty() || !members.iterator().next().localMember()) {
      return;
    }
    Map<String, String> live = liveMembers();
    connected.forEach((dpid, m) -> m.keySet().stream().filter(id -> !live.containsKey(id)).toList().forEach(id -> {
      m.remove(id);
      links.removeAsync(LinkRecord.key(dpid, id)); // hygiene only: never block the election thread for it
    }));
  }

  private void lifecycle(LifecycleEvent e) {
    switch (e.getState()) {
      case SHUTTING_DOWN -> run(() -> {
        for (LocalBridge b : bridges.values()) {
          stopProgramming(b, "this member is leaving the cluster");
        }
        closed = true;
      });
      case MERGED -> run(() -> {
        log.info("cluster: merged after a split; re-registering this member's bridges");
        identify();
        for (LocalBridge b : bridges.values()) {
          b.refusedGeneration = -1;
          if (b.ready) {
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
    try {
      thread.submit(() -> {
        for (LocalBridge b : bridges.values()) {
          stopProgramming(b, "this instance leaves the cluster");
          if (hz.getLifecycleService().isRunning()) {
            try {
              links.delete(LinkRecord.key(b.dpid, me));
            } catch (RuntimeException e) {
              log.debug("switch {}: could not withdraw the link: {}", b.dpidText, e.toString());
            }
          }
        }
        closed = true;
      }).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("cluster election close: {}", e.toString());
    }
    thread.shutdownNow();
  }

  // ---- Hazelcast listeners: queue onto the election thread. Each task updates the view, then asks for an
  // evaluation, which is therefore queued after it (a pending one, queued before, would miss the change).

  private final class RecordListener implements EntryAddedListener<Long, MasterRecord>,
      EntryUpdatedListener<Long, MasterRecord>, EntryMergedListener<Long, MasterRecord>,
      EntryRemovedListener<Long, MasterRecord> {
    @Override
    public void entryAdded(EntryEvent<Long, MasterRecord> e) {
      changed(e);
    }

    @Override
    public void entryUpdated(EntryEvent<Long, MasterRecord> e) {
      changed(e);
    }

    @Override
    public void entryMerged(EntryEvent<Long, MasterRecord> e) {
      changed(e);
    }

    @Override
    public void entryRemoved(EntryEvent<Long, MasterRecord> e) {
      run(() -> {
        records.remove(e.getKey());
        recordSeenAt.remove(e.getKey());
        requestEvaluation();
      });
    }

    private void changed(EntryEvent<Long, MasterRecord> e) {
      MasterRecord r = e.getValue();
      run(() -> {
        learn(e.getKey(), r);
        requestEvaluation();
      });
    }
  }

  private final class LinkListener implements EntryAddedListener<String, LinkRecord>,
      EntryUpdatedListener<String, LinkRecord>, EntryMergedListener<String, LinkRecord>,
      EntryRemovedListener<String, LinkRecord> {
    @Override
    public void entryAdded(EntryEvent<String, LinkRecord> e) {
      up(e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, LinkRecord> e) {
      up(e.getValue());
    }

    @Override
    public void entryMerged(EntryEvent<String, LinkRecord> e) {
      up(e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, LinkRecord> e) {
      // IMap.delete sends no old value: the key says which link went
      LinkRecord.Key k = LinkRecord.parse(e.getKey());
      run(() -> {
        Map<String, LinkRecord> m = connected.get(k.dpid());
        if (m != null) {
          m.remove(k.member());
        }
        requestEvaluation();
      });
    }

    private void up(LinkRecord r) {
      if (r != null) {
        run(() -> {
          connected.computeIfAbsent(r.dpid(), d -> new ConcurrentHashMap<>()).put(r.member(), r);
          requestEvaluation();
        });
      }
    }
  }
}
