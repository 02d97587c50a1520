package io.switchboard.controller.store;

import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.StoreFactory;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** Stores for a standalone controller: plain concurrent maps. */
public final class InMemoryStoreFactory implements StoreFactory {
  private final Map<String, InMemoryStore<?, ?>> maps = new ConcurrentHashMap<>();

  @Override
  @SuppressWarnings("unchecked")
  public <K extends Serializable, V extends Serializable> KeyValueStore<K, V> map(String name) {
    return (KeyValueStore<K, V>) maps.computeIfAbsent(name, n -> new InMemoryStore<>());
  }

  /** Plain maps: nothing waits (listeners run on the writer's thread, and must not block either). */
  @Override
  public boolean nonBlocking() {
    return true;
  }

  static final class InMemoryStore<K extends Serializable, V extends Serializable> implements KeyValueStore<K, V> {
    private final Map<K, V> map = new ConcurrentHashMap<>();
    private final List<BiConsumer<K, V>> listeners = new CopyOnWriteArrayList<>();

    public V get(K key) {
      return map.get(key);
    }

    public void put(K key, V value) {
      map.put(key, value);
      listeners.forEach(l -> l.accept(key, value));
    }

    public V remove(K key) {
      V old = map.remove(key);
      if (old != null) {
        listeners.forEach(l -> l.accept(key, null));
      }
      return old;
    }

    public V putIfAbsent(K key, V value) {
      V old = map.putIfAbsent(key, value);
      if (old == null) {
        listeners.forEach(l -> l.accept(key, value));
      }
      return old;
    }

    public boolean remove(K key, V expected) {
      boolean removed = map.remove(key, expected);
      if (removed) {
        listeners.forEach(l -> l.accept(key, null));
      }
      return removed;
    }

    public Map<K, V> snapshot() {
      return new HashMap<>(map);
    }

    public void addListener(BiConsumer<K, V> listener) {
      listeners.add(listener);
    }
  }
}
