package io.switchboard.controller.spi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who wants to hear that a REST collection changed ({@link RestResource#onChange}): added once, told on every
 * change, from any thread.
 */
public final class ChangeListeners {
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public void add(Runnable listener) {
    listeners.add(listener);
  }

  /** Tells every listener; cheap when there is none. */
  public void fire() {
    listeners.forEach(Runnable::run);
  }
}
