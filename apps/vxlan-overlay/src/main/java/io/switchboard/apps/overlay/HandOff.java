package io.switchboard.apps.overlay;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Hands changes on in rounds, one thread at a time, outside the monitor under which they are made: whoever finds
 * nobody handing on runs a round, which takes every change so far; a thread that finds somebody at it returns at
 * once, and that one looks again once done. So one change's making (under the monitor) and another's handing on run
 * side by side, and changes that arrive during a round are handed on together in the next: a backlog costs less
 * per change instead of growing. A caller runs at most two rounds (its own changes, then those that arrived
 * meanwhile); what arrives after that is handed on by {@link #PUSHER}, so that no caller (a REST request, a
 * bridge's worker) is held up by a stream of other changes. Alone (a test, one change at a time), each change is
 * handed on before {@link #flush} returns. The vxlan-overlay app hands its bridges' deltas on this way.
 */
final class HandOff {
  /** Runs the rounds that {@link #flush}'s callers left: one daemon thread, started when needed, gone idle. */
  private static final ThreadPoolExecutor PUSHER = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "overlay-deltas");
        t.setDaemon(true);
        return t;
      });

  /** Under whose lock changes are made: its holder never runs a round (it flushes once it has let go). */
  private final Object monitor;
  /** Whether changes wait to be handed on. */
  private final BooleanSupplier pending;
  /** One round: takes every change so far and hands it on (run with {@link #rounds} held). */
  private final Runnable round;
  /** Held while a round runs; taken before {@link #monitor}, never while holding it (there, only tried). */
  private final ReentrantLock rounds = new ReentrantLock(true);
  /** A drain is queued on {@link #PUSHER}. */
  private final AtomicBoolean queued = new AtomicBoolean();

  HandOff(Object monitor, BooleanSupplier pending, Runnable round) {
    this.monitor = monitor;
    this.pending = pending;
    this.round = round;
  }

  /** Hands on every change so far, unless another thread is doing so (then it does). */
  void flush() {
    if (Thread.holdsLock(monitor)) {
      return;
    }
    for (int n = 0; n < 2; n++) {
      if (!runRound()) {
        return;
      }
      if (!pending.getAsBoolean()) {
        return;
      }
    }
    if (queued.compareAndSet(false, true)) {
      PUSHER.execute(this::drain);
    }
  }

  /**
   * Runs {@code body} with no round under way and none starting meanwhile; a thread waiting here goes before
   * {@link #flush}'s callers.
   */
  void exclusive(Runnable body) {
    rounds.lock();
    try {
      body.run();
    } finally {
      rounds.unlock();
    }
  }

  /** Waits until every change so far is handed on; false after {@code millis}. */
  boolean await(long millis) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (pending.getAsBoolean() || rounds.isLocked() || queued.get()) {
      if (System.nanoTime() > until) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  /** On {@link #PUSHER}: rounds until nothing is pending, or another thread runs one (it looks again once done). */
  private void drain() {
    queued.set(false);
    while (pending.getAsBoolean() && runRound()) {
      // again: changes arrived during that round
    }
  }

  /** One round, unless one is under way or a thread waits in {@link #exclusive}; false then. */
  private boolean runRound() {
    boolean mine;
    try {
      mine = rounds.tryLock(0, TimeUnit.NANOSECONDS); // unlike tryLock(), honours a waiting exclusive()
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      mine = rounds.tryLock();
    }
    if (!mine) {
      return false;
    }
    try {
      round.run();
    } finally {
      rounds.unlock();
    }
    return true;
  }
}
