package io.switchboard.controller.openflow;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

/**
 * An event loop's choice between polling and sleeping: when it has nothing to do and its last wait was short, it
 * keeps polling its sockets (non-blocking {@code epoll_wait}) for up to {@code spinNanos} before it sleeps. What that
 * saves is the wake-up of a sleeping CPU when the next message comes within the window, which is how a switch in a
 * request-response exchange behaves (on a virtual machine that wake-up costs tens of microseconds, more than the
 * rest of a round trip). Netty's own busy-wait strategy never sleeps at all.
 *
 * <p>A loop polls only while waiting pays: after a wait that ended within the window (a poll that found work, or a
 * sleep shorter than the window). After a poll that found nothing it sleeps at once until a sleep is short again, so
 * traffic with long gaps (keepalives, a trickle of packet-ins) costs at most one window per short gap, and an idle
 * controller none.
 *
 * <p>A task handed to the loop from another thread while it polls is seen when the window ends, at most
 * {@code spinNanos} later: Netty wakes a loop through its event fd only when it sleeps.
 */
final class SpinBeforeSleep implements SelectStrategy {
  private final long spinNanos;
  /** Whether the last wait ended within the window: then the next one polls first. */
  private boolean lastWaitShort = true;
  /** When the loop last went to sleep ({@link #SELECT}), 0 when it has not since the last call. */
  private long sleptAt;

  SpinBeforeSleep(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  static SelectStrategyFactory factory(long spinNanos) {
    return () -> new SpinBeforeSleep(spinNanos);
  }

  @Override
  public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
    if (sleptAt != 0) {
      lastWaitShort = System.nanoTime() - sleptAt <= spinNanos;
      sleptAt = 0;
    }
    int ready = selectNow.get();
    if (ready > 0 || hasTasks) {
      return ready;
    }
    if (lastWaitShort) {
      long end = System.nanoTime() + spinNanos;
      do {
        Thread.onSpinWait();
        ready = selectNow.get();
        if (ready > 0) {
          return ready;
        }
      } while (System.nanoTime() - end < 0);
      lastWaitShort = false;
    }
    sleptAt = System.nanoTime();
    return SELECT;
  }
}
