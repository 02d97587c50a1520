package io.switchboard.controller.spi;

import java.io.Serializable;

/** Gives apps named key-value stores; whether they are local or replicated across a cluster is not their concern. */
public interface StoreFactory {
  <K extends Serializable, V extends Serializable> KeyValueStore<K, V> map(String name);
}
