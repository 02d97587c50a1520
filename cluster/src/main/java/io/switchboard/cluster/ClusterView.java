package io.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's mirror of the cluster's two mastership maps, and the only code that writes them: {@value #MASTERS}
 * (bridge -> {@link MasterRecord}, changed only by {@link Claim}) and {@value #LINKS} (who is connected to which
 * bridge). Hazelcast's listeners only queue work on the election thread (through the {@code run} given to {@link
 * #listen}); every mutation of the mirror happens there, readers on other threads see consistent snapshots.
 */
final class ClusterView {
  private static final Logger log = LoggerFactory.getLogger(ClusterView.class);
  static final String MASTERS = "switchboard.cluster.masters";
  static final String LINKS = "switchboard.cluster.links";

  private final HazelcastInstance hz;
  private final IMap<Long, MasterRecord> masters;
  private final IMap<String, LinkRecord> links;
  /** The cluster's master records as last seen; generations never go back. */
  private final Map<Long, MasterRecord> records = new ConcurrentHashMap<>();
  /** When this member first saw each bridge's current record (ms, local clock). */
  private final Map<Long, Long> recordSeenAt = new ConcurrentHashMap<>();
  /** Per bridge, the connected members. */
  private final Map<Long, Map<String, LinkRecord>> connected = new ConcurrentHashMap<>();
  /** When a member last connected to or disconnected from a bridge, as this member learnt it (ms, local clock). */
  private volatile long linksChangedAt = System.currentTimeMillis();
  private volatile String me;
  private volatile String myAddress;

  ClusterView(HazelcastInstance hz) {
    this.hz = hz;
    this.masters = hz.getMap(MASTERS);
    this.links = hz.getMap(LINKS);
    identify();
  }

  /** Reads this member's id and address (again after a merge, which may change them). */
  void identify() {
    Member local = hz.getCluster().getLocalMember();
    me = local.getUuid().toString();
    myAddress = address(local);
  }

  static String address(Member m) {
    return m.getAddress().getHost() + ":" + m.getAddress().getPort();
  }

  String me() {
    return me;
  }

  String myAddress() {
    return myAddress;
  }

  /**
   * Listens to both maps. Each event becomes a task for {@code run} that updates the mirror, then calls {@code
   * changed}, which is therefore queued after it (a pending evaluation, queued before, would miss the change).
   */
  void listen(Consumer<Runnable> run, Runnable changed) {
    masters.addEntryListener(new RecordListener(run, changed), true);
    links.addEntryListener(new LinkListener(run, changed), true);
  }

  // ---- reading the mirror

  MasterRecord record(long dpid) {
    return records.get(dpid);
  }

  Map<Long, MasterRecord> records() {
    return Map.copyOf(records);
  }

  long recordSeenAt(long dpid, long otherwise) {
    return recordSeenAt.getOrDefault(dpid, otherwise);
  }

  /** When the last link came or went (ms): while connections come and go, rebalancing waits. */
  long linksChangedAt() {
    return linksChangedAt;
  }

  private void linksChanged() {
    linksChangedAt = System.currentTimeMillis();
  }

  /** Per bridge, the ids of the members connected to it. */
  Map<Long, Set<String>> candidates() {
    Map<Long, Set<String>> out = new HashMap<>();
    connected.forEach((dpid, m) -> out.put(dpid, Set.copyOf(m.keySet())));
    return out;
  }

  /** Per bridge, the id of the member its record names. */
  Map<Long, String> owners() {
    Map<Long, String> out = new HashMap<>();
    records.forEach((dpid, r) -> out.put(dpid, r.owner()));
    return out;
  }

  /** Per bridge, the addresses of the live members connected to it. */
  Map<Long, List<String>> connections() {
    Map<String, String> live = liveMembers();
    Map<Long, List<String>> out = new HashMap<>();
    connected.forEach((dpid, m) -> out.put(dpid, m.keySet().stream().filter(live::containsKey).map(live::get)
        .sorted().toList()));
    return out;
  }

  /** The live members: id -> address, oldest first. */
  Map<String, String> liveMembers() {
    Map<String, String> live = new LinkedHashMap<>();
    for (Member m : hz.getCluster().getMembers()) {
      live.put(m.getUuid().toString(), address(m));
    }
    return live;
  }

  // ---- changing it (election thread)

  /** Takes a record in unless an older generation than the one already seen. */
  void learn(long dpid, MasterRecord r) {
    if (r != null) {
      MasterRecord before = records.get(dpid);
      MasterRecord now = records.merge(dpid, r, (old, next) -> next.generation() >= old.generation() ? next : old);
      if (!now.equals(before)) {
        recordSeenAt.put(dpid, System.currentTimeMillis());
      }
    }
  }

  /**
   * Compare-and-set on the cluster's record: this member becomes master with a generation above both the record's
   * and {@code switchGeneration}. Returns the record as it now is (another member's when it was quicker), or {@code
   * expected} when Hazelcast could not be reached.
   */
  MasterRecord claim(long dpid, String dpidText, MasterRecord expected, long switchGeneration) {
    long expectedGeneration = expected == null ? MasterRecord.NONE : expected.generation();
    try {
      MasterRecord now = masters.executeOnKey(dpid, new Claim(expectedGeneration, me, myAddress,
          Math.max(0, switchGeneration), System.currentTimeMillis()));
      learn(dpid, now);
      if (now != null && me.equals(now.owner()) && now.generation() != expectedGeneration) {
        log.info("switch {}: this instance claims mastership, generation {}{}", dpidText, now.generation(),
            expected == null ? "" : " (was " + expected.address() + ", generation " + expected.generation() + ")");
      }
      return now;
    } catch (RuntimeException e) {
      log.warn("switch {}: could not claim mastership: {}", dpidText, e.toString());
      return expected;
    }
  }

  /** Reads the bridge's record from the cluster (blocking) into the mirror; returns the mirror's record. */
  MasterRecord refresh(long dpid) {
    learn(dpid, masters.get(dpid));
    return records.get(dpid);
  }

  /** Tells the cluster this member is connected to the bridge. */
  void register(long dpid, String dpidText) {
    LinkRecord r = new LinkRecord(dpid, me, myAddress, System.currentTimeMillis());
    try {
      links.set(LinkRecord.key(dpid, me), r);
    } catch (RuntimeException e) {
      log.warn("switch {}: could not tell the cluster it is connected here: {}", dpidText, e.toString());
    }
    if (connected.computeIfAbsent(dpid, d -> new ConcurrentHashMap<>()).put(me, r) == null) {
      linksChanged();
    }
  }

  /** Tells the cluster this member is connected to all these bridges (dpid to its text), in one call. */
  void registerAll(Map<Long, String> dpids) {
    if (dpids.isEmpty()) {
      return;
    }
    Map<String, LinkRecord> batch = new HashMap<>();
    long now = System.currentTimeMillis();
    dpids.keySet().forEach(dpid -> batch.put(LinkRecord.key(dpid, me), new LinkRecord(dpid, me, myAddress, now)));
    try {
      links.putAll(batch);
    } catch (RuntimeException e) {
      log.warn("could not tell the cluster about {} connected bridge(s): {}", dpids.size(), e.toString());
    }
    batch.values().forEach(r -> connected.computeIfAbsent(r.dpid(), d -> new ConcurrentHashMap<>()).put(me, r));
    linksChanged();
  }

  /** Forgets locally that this member is connected to the bridge. */
  void unlinkLocally(long dpid) {
    Map<String, LinkRecord> m = connected.get(dpid);
    if (m != null && m.remove(me) != null) {
      linksChanged();
    }
  }

  /** Withdraws this member's link to the bridge from the cluster. */
  void withdraw(long dpid, String dpidText, boolean quietly) {
    try {
      links.delete(LinkRecord.key(dpid, me));
    } catch (RuntimeException e) {
      if (quietly) {
        log.debug("switch {}: could not withdraw the link: {}", dpidText, e.toString());
      } else {
        log.warn("switch {}: could not tell the cluster it disconnected: {}", dpidText, e.toString());
      }
    }
  }

  /**
   * Re-reads both maps (at start, after a merge, and now and then in case an event was missed); {@code localBridges}
   * are this member's registered bridges, kept even if the map lost their links.
   */
  void reload(Collection<Long> localBridges) {
    masters.forEach(this::learn);
    Map<Long, Map<String, LinkRecord>> fresh = new HashMap<>();
    links.values().forEach(r -> fresh.computeIfAbsent(r.dpid(), d -> new ConcurrentHashMap<>()).put(r.member(), r));
    for (long dpid : localBridges) {
      fresh.computeIfAbsent(dpid, d -> new ConcurrentHashMap<>()).putIfAbsent(me,
          new LinkRecord(dpid, me, myAddress, System.currentTimeMillis()));
    }
    Map<Long, Set<String>> before = candidates();
    connected.keySet().retainAll(fresh.keySet());
    connected.putAll(fresh);
    if (!before.equals(candidates())) {
      linksChanged();
    }
  }

  /** The oldest member removes the link records of members that left (others just ignore them). */
  void forgetDeadLinks() {
    Set<Member> members = hz.getCluster().getMembers();
    if (members.isEmpty() || !members.iterator().next().localMember()) {
      return;
    }
    Map<String, String> live = liveMembers();
    connected.forEach((dpid, m) -> m.keySet().stream().filter(id -> !live.containsKey(id)).toList().forEach(id -> {
      m.remove(id);
      links.removeAsync(LinkRecord.key(dpid, id)); // hygiene only: never block the election thread for it
    }));
  }

  // ---- Hazelcast listeners: queue onto the election thread

  private final class RecordListener implements EntryAddedListener<Long, MasterRecord>,
      EntryUpdatedListener<Long, MasterRecord>, EntryMergedListener<Long, MasterRecord>,
      EntryRemovedListener<Long, MasterRecord> {
    private final Consumer<Runnable> run;
    private final Runnable changed;

    RecordListener(Consumer<Runnable> run, Runnable changed) {
      this.run = run;
      this.changed = changed;
    }

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
      run.accept(() -> {
        records.remove(e.getKey());
        recordSeenAt.remove(e.getKey());
        changed.run();
      });
    }

    private void changed(EntryEvent<Long, MasterRecord> e) {
      MasterRecord r = e.getValue();
      run.accept(() -> {
        learn(e.getKey(), r);
        changed.run();
      });
    }
  }

  private final class LinkListener implements EntryAddedListener<String, LinkRecord>,
      EntryUpdatedListener<String, LinkRecord>, EntryMergedListener<String, LinkRecord>,
      EntryRemovedListener<String, LinkRecord> {
    private final Consumer<Runnable> run;
    private final Runnable changed;

    LinkListener(Consumer<Runnable> run, Runnable changed) {
      this.run = run;
      this.changed = changed;
    }

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
      run.accept(() -> {
        Map<String, LinkRecord> m = connected.get(k.dpid());
        if (m != null && m.remove(k.member()) != null) {
          linksChanged();
        }
        changed.run();
      });
    }

    private void up(LinkRecord r) {
      if (r != null) {
        run.accept(() -> {
          if (connected.computeIfAbsent(r.dpid(), d -> new ConcurrentHashMap<>()).put(r.member(), r) == null) {
            linksChanged();
          }
          changed.run();
        });
      }
    }
  }
}
