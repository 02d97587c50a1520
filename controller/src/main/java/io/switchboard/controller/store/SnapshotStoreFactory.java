package io.switchboard.controller.store;

import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.StoreFactory;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Private copies of another factory's stores, taken when first asked for: what a plan computes with, so that
 * computing a plan reads the live state but can never change it.
 */
public final class SnapshotStoreFactory implements StoreFactory {
  private final StoreFactory live;
  private final InMemoryStoreFactory copies = new InMemoryStoreFactory();
  private final Map<String, Boolean> copied = new ConcurrentHashMap<>();

  public SnapshotStoreFactory(StoreFactory live) {
    this.live = live;
  }

  @Override
  public <K extends Serializable, V extends Serializable> KeyValueStore<K, V> map(String name) {
    KeyValueStore<K, V> copy = copies.map(name);
    if (copied.putIfAbsent(name, Boolean.TRUE) == null) {
      KeyValueStore<K, V> source = live.map(name);
      source.snapshot().forEach(copy::put);
    }
    return copy;
  }
}
