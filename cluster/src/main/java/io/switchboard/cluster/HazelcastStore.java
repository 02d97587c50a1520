package io.switchboard.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.switchboard.controller.spi.KeyValueStore;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeyValueStore} backed by a Hazelcast IMap, shared by every member. Writes go to the IMap (putIfAbsent
 * and remove are atomic across the cluster). Reads ({@link #get}, {@link #snapshot}) come from a local replica kept
 * by the map's entry events: this instance's own writes are visible at once, other members' within milliseconds.
 * Listeners fire on every member: for a local write at once on the writer's thread, for a remote one on the
 * factory's event thread, in the order of the changes to each key.
 */
final class HazelcastStore<K extends Serializable, V extends Serializable> implements KeyValueStore<K, V> {
  private static final Logger log = LoggerFactory.getLogger(HazelcastStore.class);

  private final String name;
  private final IMap<K, V> map;
  private final Executor events;
  private final Map<K, V> replica = new ConcurrentHashMap<>();
  private final List<BiConsumer<K, V>> listeners = new CopyOnWriteArrayList<>();
  /** Keys changed by events while the initial load runs; the load must not overwrite them. */
  private Set<K> changedWhileLoading = new HashSet<>();

  HazelcastStore(String name, IMap<K, V> map, Executor events) {
    this.name = name;
    this.map = map;
    this.events = events;
    map.addEntryListener(new Events(), true);
    Map<K, V> all = new HashMap<>(map);
    synchronized (this) {
      all.forEach((k, v) -> {
        if (!changedWhileLoading.contains(k)) {
          replica.put(k, v);
        }
      });
      changedWhileLoading = null;
    }
  }

  @Override
  public V get(K key) {
    return replica.get(key);
  }

  @Override
  public void put(K key, V value) {
    map.set(key, value);
    replica.put(key, value);
    fire(key, value);
  }

  @Override
  public V remove(K key) {
    V old = map.remove(key);
    if (old != null) {
      replica.remove(key);
      fire(key, null);
    }
    return old;
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V old = map.putIfAbsent(key, value);
    if (old == null) {
      replica.put(key, value);
      fire(key, value);
    }
    return old;
  }

  @Override
  public boolean remove(K key, V expected) {
    boolean removed = map.remove(key, expected);
    if (removed) {
      replica.remove(key);
      fire(key, null);
    }
    return removed;
  }

  @Override
  public Map<K, V> snapshot() {
    return new HashMap<>(replica);
  }

  @Override
  public void addListener(BiConsumer<K, V> listener) {
    listeners.add(listener);
  }

  private void fire(K key, V value) {
    for (BiConsumer<K, V> l : listeners) {
      try {
        l.accept(key, value);
      } catch (RuntimeException e) {
        log.error("store {}: a listener failed on key {}", name, key, e);
      }
    }
  }

  /** An entry event: the replica follows every change; listeners hear about other members' changes. */
  private void changed(EntryEvent<K, V> e, boolean removed) {
    K key = e.getKey();
    V value = removed ? null : e.getValue();
    synchronized (this) {
      if (value == null) {
        replica.remove(key);
      } else {
        replica.put(key, value);
      }
      if (changedWhileLoading != null) {
        changedWhileLoading.add(key);
      }
    }
    if (!e.getMember().localMember()) {
      events.execute(() -> fire(key, value));
    }
  }

  private final class Events implements EntryAddedListener<K, V>, EntryUpdatedListener<K, V>,
      EntryRemovedListener<K, V>, EntryEvictedListener<K, V>, EntryExpiredListener<K, V>,
      EntryMergedListener<K, V> {
    @Override
    public void entryAdded(EntryEvent<K, V> e) {
      changed(e, false);
    }

    @Override
    public void entryUpdated(EntryEvent<K, V> e) {
      changed(e, false);
    }

    @Override
    public void entryMerged(EntryEvent<K, V> e) {
      changed(e, false);
    }

    @Override
    public void entryRemoved(EntryEvent<K, V> e) {
      changed(e, true);
    }

    @Override
    public void entryEvicted(EntryEvent<K, V> e) {
      changed(e, true);
    }

    @Override
    public void entryExpired(EntryEvent<K, V> e) {
      changed(e, true);
    }
  }
}
