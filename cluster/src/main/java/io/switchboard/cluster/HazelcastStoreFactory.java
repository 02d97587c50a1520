package io.switchboard.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.StoreFactory;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stores shared by the cluster: store {@code NAME} is the IMap {@code switchboard.store.NAME} (one synchronous
 * backup, so it survives the loss of any one member). The same name always gives the same store object.
 */
public final class HazelcastStoreFactory implements StoreFactory, AutoCloseable {
  static final String PREFIX = "switchboard.store.";

  private final HazelcastInstance hz;
  private final Map<String, HazelcastStore<?, ?>> stores = new ConcurrentHashMap<>();
  private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cluster-store-events");
    t.setDaemon(true);
    return t;
  });

  public HazelcastStoreFactory(HazelcastInstance hz) {
    this.hz = hz;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K extends Serializable, V extends Serializable> KeyValueStore<K, V> map(String name) {
    return (KeyValueStore<K, V>) stores.computeIfAbsent(name,
        n -> new HazelcastStore<K, V>(n, hz.getMap(PREFIX + n), events));
  }

  @Override
  public void close() {
    events.shutdownNow();
  }
}
