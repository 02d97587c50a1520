package io.switchboard.controller.flow;

import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one switch's flow table equal to the union of the apps' desired entries, sending only differences
 * (OVN's ofctrl in spirit). Not thread-safe: every method runs on the switch's worker.
 *
 * <p>Why it stays one class of some 430 lines: what it holds - the merged desired entries, what the switch is held
 * to have, and what was sent while a read was under way - is one invariant that every method keeps; the parts that
 * stand alone are outside ({@link FlowReconciler} the diff, {@link ConflictTracker}, {@link AppIds},
 * {@link BufferCarrier}).
 */
public final class FlowProgrammer {
  private static final Logger log = LoggerFactory.getLogger(FlowProgrammer.class);

  /** How the programmer reaches the switch. */
  public interface Channel {
    /** Sends the ops as one batch, closed by a barrier (inside a bundle where the switch supports it). */
    void apply(List<FlowOp> ops);

    /**
     * Whether a batch of this many ops can carry a buffered packet in an add (the switch applies the new entry to
     * it): not inside an OpenFlow 1.4+ bundle, whose flow-mods take no buffer id.
     */
    default boolean carriesBuffer(int ops) {
      return false;
    }

    /** Reads every entry of every table (flow stats). */
    CompletableFuture<List<InstalledFlow>> readFlows();
  }

  /** What the programmer tells the rest of the controller. */
  public interface Listener {
    /** Before the first diff after a connect: the entries on the switch that carry this app's cookie. */
    void adopt(String app, List<FlowEntry> entries);

    /** An entry with a timeout disappeared from the switch: the app forgets it. */
    void expired(String app, FlowEntry entry);

    /** A reconciliation finished: how many ops it sent, and how long it took. */
    void reconciled(boolean initial, int ops, long nanos);

    /** A reconciliation did not finish: the switch's flows could not be read, or comparing them failed. */
    default void reconcileFailed() {}
  }

  private final String dpidText;
  private final Pipeline pipeline;
  private final Channel channel;
  private final Listener listener;
  private final Executor worker;
  private final AppIds apps = new AppIds();
  private final BufferCarrier carrier = new BufferCarrier();
  private final Map<String, Map<FlowKey, DesiredFlow>> desiredByApp = new LinkedHashMap<>();
  private final Map<FlowKey, DesiredFlow> merged = new HashMap<>();
  private final Map<FlowKey, InstalledFlow> installed = new HashMap<>();
  /** The sequence number at which each key was last sent to the switch. */
  private final Map<FlowKey, Long> sentSeq = new HashMap<>();
  private final ConflictTracker conflicts;
  private long seq;
  private boolean synced;
  private boolean reading;
  /** A reconcile asked for while a read was under way: it reads again after, and completes this then. */
  private CompletableFuture<Void> readAgain;
  /**
   * Keys sent to the switch while a read is under way: the read's answer may predate them (the switch answers in
   * order), so for these the programmer's own record wins over the answer (an audit never undoes them nor sends them
   * twice). Holds only keys of entries desired or installed: bounded by the table.
   */
  private final Set<FlowKey> sentDuringRead = new HashSet<>();
  private long flowModsSent;

  public FlowProgrammer(String dpidText, Pipeline pipeline, Channel channel, Listener listener, Executor worker) {
    this.dpidText = dpidText;
    this.pipeline = pipeline;
    this.channel = channel;
    this.listener = listener;
    this.worker = worker;
    this.conflicts = new ConflictTracker(dpidText);
    setDesired(Cookies.CORE, pipeline.defaultEntries());
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public boolean synced() {
    return synced;
  }

  public long flowModsSent() {
    return flowModsSent;
  }

  /** The merged desired entries, keyed as on the switch. */
  public Map<FlowKey, DesiredFlow> desired() {
    return Map.copyOf(merged);
  }

  public DesiredFlow desired(FlowKey key) {
    return merged.get(key);
  }

  /** What one app asked for, before the apps are merged (tests). */
  Map<FlowKey, DesiredFlow> desiredOf(String app) {
    return java.util.Collections.unmodifiableMap(desiredByApp.getOrDefault(app, Map.of()));
  }

  /** What the programmer holds the switch to have at a key (tests). */
  InstalledFlow installed(FlowKey key) {
    return installed.get(key);
  }

  /** Entries two apps want at the same (table, priority, match), now; the first app registered wins each. */
  public List<FlowConflict> conflicts() {
    return conflicts.list();
  }

  /** The app that owns a cookie, or null when no known app does. */
  public String appOf(long cookie) {
    return apps.appOf(cookie);
  }

  public void registerApp(String app) {
    apps.register(app);
  }

  /** Replaces one app's whole desired set; sends the difference once the switch is synced. */
  public void setDesired(String app, Collection<FlowEntry> entries) {
    registerApp(app);
    Map<FlowKey, DesiredFlow> was = desiredByApp.getOrDefault(app, Map.of());
    Map<FlowKey, DesiredFlow> next = new LinkedHashMap<>();
    for (FlowEntry e : entries) {
      DesiredFlow d = place(app, e);
      DesiredFlow same = was.get(d.key());
      if (d.equals(same)) {
        // unchanged: the instance (and key) the merged view holds already, not a second equal copy of every entry
        d = same;
      }
      DesiredFlow clash = next.putIfAbsent(d.key(), d);
      if (clash != null && !clash.entry().equals(e)) {
        log.warn("switch {}: app {} wants two different entries at {}; keeping the first", dpidText, app, d.key());
      }
    }
    Map<FlowKey, DesiredFlow> prev = desiredByApp.put(app, next);
    Set<FlowKey> touched = new HashSet<>(next.keySet());
    if (prev != null) {
      for (Map.Entry<FlowKey, DesiredFlow> e : prev.entrySet()) {
        if (!e.getValue().equals(next.get(e.getKey()))) {
          touched.add(e.getKey());
        } else {
          touched.remove(e.getKey());
        }
      }
    }
    remerge(touched);
  }

  /** The reactive path: a few entries of one app change. */
  public void update(String app, List<FlowEntry> added, List<FlowEntry> removed) {
    registerApp(app);
    Map<FlowKey, DesiredFlow> mine = desiredByApp.computeIfAbsent(app, a -> new LinkedHashMap<>());
    Set<FlowKey> touched = new HashSet<>();
    for (FlowEntry e : removed) {
      FlowKey k = key(e);
      if (mine.remove(k) != null) {
        touched.add(k);
      }
    }
    for (FlowEntry e : added) {
      DesiredFlow d = place(app, e);
      mine.put(d.key(), d);
      touched.add(d.key());
    }
    remerge(touched);
  }

  /**
   * {@link #update}, and the add of {@code carrier} (one of {@code added}, by identity) carries the switch's buffered
   * packet {@code bufferId}, if that add is sent now and the channel allows it. Returns whether it did: if not, the
   * caller releases the packet otherwise (a packet-out).
   */
  public boolean update(String app, List<FlowEntry> added, List<FlowEntry> removed, FlowEntry carrier,
                        int bufferId) {
    if (bufferId < 0 || carrier == null) {
      update(app, added, removed);
      return false;
    }
    this.carrier.begin(carrier, bufferId);
    try {
      update(app, added, removed);
      return this.carrier.carried();
    } finally {
      this.carrier.end();
    }
  }

  public void removeApp(String app) {
    Map<FlowKey, DesiredFlow> prev = desiredByApp.remove(app);
    if (prev != null) {
      remerge(prev.keySet());
    }
  }

  /**
   * Reads the switch's table and sends the difference. On connect, first lets the apps adopt their entries. The
   * worker is free while the switch answers: changes keep going out meanwhile, and the answer is compared with them
   * taken into account ({@link #sentDuringRead}). Completes once the difference is sent (or the read failed); a call
   * while a read is under way reads once more after it.
   */
  public CompletableFuture<Void> reconcile() {
    if (reading) {
      if (readAgain == null) {
        readAgain = new CompletableFuture<>();
      }
      return readAgain;
    }
    return read(new CompletableFuture<>());
  }

  private CompletableFuture<Void> read(CompletableFuture<Void> done) {
    reading = true;
    sentDuringRead.clear();
    long requestedAt = seq;
    long started = System.nanoTime();
    channel.readFlows().whenCompleteAsync((flows, err) -> {
      reading = false;
      if (err != null) {
        log.warn("switch {}: reading flows failed: {}", dpidText, err.toString());
        listener.reconcileFailed();
      } else {
        try {
          onFlowsRead(flows, requestedAt, started);
        } catch (RuntimeException e) {
          log.error("switch {}: reconciliation failed", dpidText, e);
          listener.reconcileFailed();
        }
      }
      sentDuringRead.clear();
      done.complete(null);
      CompletableFuture<Void> again = readAgain;
      if (again != null) {
        readAgain = null;
        read(again);
      }
    }, worker);
    return done;
  }

  private void onFlowsRead(List<InstalledFlow> flows, long requestedAt, long started) {
    boolean initial = !synced;
    // what was sent after the read was asked for is as the programmer recorded it, not as the answer says
    Map<FlowKey, InstalledFlow> assumed = new HashMap<>();
    for (FlowKey k : sentDuringRead) {
      assumed.put(k, installed.get(k));
    }
    installed.clear();
    for (InstalledFlow f : flows) {
      if (!assumed.containsKey(f.key())) {
        InstalledFlow kept = shared(f);
        installed.put(kept.key(), kept);
      }
    }
    assumed.forEach((k, f) -> {
      if (f != null) {
        installed.put(k, f);
      }
    });
    if (initial) {
      // every app adopts, also with nothing: the switch is the source of truth for reactive state
      Map<String, List<FlowEntry>> byApp = new LinkedHashMap<>();
      for (String app : apps.names()) {
        if (!Cookies.CORE.equals(app)) {
          byApp.put(app, new ArrayList<>());
        }
      }
      for (InstalledFlow f : flows) {
        String app = appOf(f.cookie());
        if (app != null && !Cookies.CORE.equals(app) && f.entry() != null) {
          FlowEntry e = f.entry().toBuilder().idleTimeout(f.idleTimeout()).hardTimeout(f.hardTimeout())
              .tag(Cookies.tagOf(f.cookie())).build();
          byApp.computeIfAbsent(app, a -> new ArrayList<>()).add(e);
        }
      }
      byApp.forEach(listener::adopt);
    } else {
      forgetExpired(requestedAt);
    }
    synced = true;
    List<FlowOp> ops = FlowReconciler.diff(merged, installed);
    send(ops);
    if (!ops.isEmpty()) {
      log.info("switch {}: {} reconciliation sent {} change(s)", dpidText, initial ? "initial" : "audit",
          ops.size());
    }
    listener.reconciled(initial, ops.size(), System.nanoTime() - started);
  }

  /** Entries with a timeout that the switch no longer holds, though they were sent before the read: expired. */
  private void forgetExpired(long requestedAt) {
    List<DesiredFlow> gone = new ArrayList<>();
    for (DesiredFlow d : merged.values()) {
      FlowEntry e = d.entry();
      if ((e.idleTimeout() > 0 || e.hardTimeout() > 0) && !installed.containsKey(d.key())) {
        Long sent = sentSeq.get(d.key());
        if (sent != null && sent <= requestedAt) {
          gone.add(d);
        }
      }
    }
    for (DesiredFlow d : gone) {
      flowRemoved(d.key());
    }
  }

  /** The switch removed an entry (timeout, or a flow-removed message). */
  public void flowRemoved(FlowKey key) {
    installed.remove(key);
    sentSeq.remove(key);
    DesiredFlow d = merged.get(key);
    if (d == null) {
      return;
    }
    FlowEntry e = d.entry();
    if (e.idleTimeout() > 0 || e.hardTimeout() > 0) {
      Map<FlowKey, DesiredFlow> mine = desiredByApp.get(d.app());
      if (mine != null) {
        mine.remove(key);
      }
      merged.remove(key);
      remerge(Set.of(key));
      listener.expired(d.app(), e);
    }
  }

  /** The switch refused an entry: forget that it is installed, so the next audit tries again. */
  public void flowFailed(FlowKey key) {
    installed.remove(key);
    sentSeq.remove(key);
  }

  private void remerge(Collection<FlowKey> keys) {
    if (keys.isEmpty()) {
      return;
    }
    List<FlowOp> ops = synced ? new ArrayList<>(keys.size()) : null;
    for (FlowKey k : keys) {
      List<DesiredFlow> wanted = new ArrayList<>(1);
      for (Map<FlowKey, DesiredFlow> m : desiredByApp.values()) {
        DesiredFlow d = m.isEmpty() ? null : m.get(k);
        if (d != null) {
          wanted.add(d);
        }
      }
      DesiredFlow want = wanted.isEmpty() ? null : wanted.get(0);
      if (want == null) {
        merged.remove(k);
      } else {
        merged.put(k, want);
      }
      conflicts.note(k, wanted);
      if (ops != null) {
        // the merged entry is at hand: compared here rather than looked up again (FlowReconciler.diff's rule)
        FlowReconciler.diff(k, want, installed.get(k), ops);
      }
    }
    if (ops != null) {
      send(ops);
    }
  }

  private void send(List<FlowOp> ops) {
    if (ops.isEmpty()) {
      return;
    }
    seq++;
    if (carrier.waiting() && channel.carriesBuffer(ops.size())) {
      ops = carrier.apply(ops);
    }
    for (FlowOp op : ops) {
      if (reading) {
        sentDuringRead.add(op.key());
      }
      if (op instanceof FlowOp.Delete) {
        installed.remove(op.key());
        sentSeq.remove(op.key());
      } else if (op instanceof FlowOp.Add a) {
        assumeInstalled(a.flow());
      } else if (op instanceof FlowOp.Modify m) {
        assumeInstalled(m.flow());
      }
    }
    flowModsSent += ops.size();
    channel.apply(ops);
  }

  private void assumeInstalled(DesiredFlow d) {
    FlowEntry e = d.entry();
    InstalledFlow now = new InstalledFlow(d.key(), e, d.cookie(), e.idleTimeout(), e.hardTimeout(), 0, 0, 0, null);
    InstalledFlow prev = installed.put(d.key(), now);
    if (prev != null && (prev.packets() != 0 || prev.bytes() != 0)) { // keeps the counters an audit read
      installed.put(d.key(), new InstalledFlow(d.key(), e, d.cookie(), e.idleTimeout(), e.hardTimeout(),
          prev.packets(), prev.bytes(), 0, null));
    }
    if (e.idleTimeout() > 0 || e.hardTimeout() > 0) { // only these can expire (forgetExpired)
      sentSeq.put(d.key(), seq);
    } else {
      sentSeq.remove(d.key());
    }
  }

  /**
   * A read entry that is what the apps want keeps the desired entry and key instead of their parsed copies (and no
   * action text), so that after an audit the programmer holds one copy of each entry, not two.
   */
  private InstalledFlow shared(InstalledFlow f) {
    DesiredFlow d = merged.get(f.key());
    if (d == null || f.entry() == d.entry() || f.cookie() != d.cookie()
        || !FlowReconciler.sameBehaviour(d.entry(), f.entry())) {
      return f;
    }
    return new InstalledFlow(d.key(), d.entry(), f.cookie(), f.idleTimeout(), f.hardTimeout(), f.packets(),
        f.bytes(), f.durationSec(), null);
  }

  private DesiredFlow place(String app, FlowEntry e) {
    return new DesiredFlow(key(e), e, app, apps.cookie(app, e.tag()));
  }

  private FlowKey key(FlowEntry e) {
    Stage s = e.stage();
    return new FlowKey(pipeline.table(s), e.priority(), e.match());
  }
}
