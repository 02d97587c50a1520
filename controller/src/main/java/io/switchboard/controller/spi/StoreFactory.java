package io.switchboard.controller.spi;

import java.io.Serializable;

/** Gives apps named key-value stores; whether they are local or replicated across a cluster is not their concern. */
public interface StoreFactory {
  <K extends Serializable, V extends Serializable> KeyValueStore<K, V> map(String name);

  /**
   * True when no call on its stores ever waits (no network, no disk, no lock held by another instance): the core
   * may then run bridges' work on the connections' event loops (see {@link ControllerApp#nonBlocking}). A
   * replicated store (Hazelcast) says false, the default.
   */
  default boolean nonBlocking() {
    return false;
  }
}
