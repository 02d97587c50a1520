package io.switchboard.controller.openflow;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

/**
 * An event loop's choice between polling and sleeping: when it has nothing to do, it keeps polling its sockets
 * (non-blocking {@code epoll_wait}) for a short while before it sleeps. A loop only ever wakes for work, so the
 * polling follows work and an idle controller still sleeps; what it saves is the wake-up of a sleeping CPU when the
 * next message comes within the window, which is how a switch in a request-response exchange behaves (on a virtual
 * machine that wake-up costs tens of microseconds, more than the rest of a round trip). Netty's own busy-wait
 * strategy never sleeps at all.
 *
 * <p>A task handed to the loop from another thread while it polls is seen when the window ends, at most
 * {@code spinNanos} later: Netty wakes a loop through its event fd only when it sleeps.
 */
final class SpinBeforeSleep implements SelectStrategy {
  private final long spinNanos;

  SpinBeforeSleep(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  static SelectStrategyFactory factory(long spinNanos) {
    return () -> new SpinBeforeSleep(spinNanos);
  }

  @Override
  public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
    int ready = selectNow.get();
    if (ready > 0 || hasTasks) {
      return ready;
    }
    long end = System.nanoTime() + spinNanos;
    do {
      Thread.onSpinWait();
      ready = selectNow.get();
      if (ready > 0) {
        return ready;
      }
    } while (System.nanoTime() - end < 0);
    return SELECT;
  }
}
