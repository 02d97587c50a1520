package io.switchboard.controller.spi;

import java.io.Serializable;
import java.util.Map;
import java.util.function.BiConsumer;

/** A map that may be shared between controller instances. Listeners fire on every instance for every change. */
public interface KeyValueStore<K extends Serializable, V extends Serializable> {
  V get(K key);

  void put(K key, V value);

  V remove(K key);

  /** Puts only when absent; returns the value already there, or null. */
  V putIfAbsent(K key, V value);

  /**
   * Removes the key only while it maps to {@code expected} (compare-and-delete, atomic across instances);
   * true when it did. With {@link #putIfAbsent} it lets instances claim and give back things, such as addresses,
   * without ever taking another's.
   */
  boolean remove(K key, V expected);

  /** A snapshot copy. */
  Map<K, V> snapshot();

  /** Called with (key, newValue) on put and (key, null) on remove, from any instance. */
  void addListener(BiConsumer<K, V> listener);
}
