package io.switchboard.controller.openflow;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messages one switch sent that its worker has not handled yet. The event loop offers, the worker polls. At its
 * {@link InboundBudget#share() share} of the inbound budget the inbox asks the channel to stop reading (TCP then
 * pushes back on the switch); once the worker has brought it down to a quarter of that, reading resumes. Nothing is
 * dropped here: the bound comes from not reading.
 */
final class Inbox {
  /** How the inbox pauses and resumes reading from its channel. */
  interface ReadControl {
    ReadControl NONE = new ReadControl() {
      public void pause() {}

      public void resume() {}
    };

    /** Called on the event loop. */
    void pause();

    /**
     * Called on the worker (or on the event loop, when the worker emptied the inbox while it paused): must hop to
     * the event loop itself and there look at {@link #paused()} again (a pause may have come in between).
     */
    void resume();
  }

  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final InboundBudget budget;
  private final ReadControl reads;
  /** Set by the event loop when it pauses reading, cleared by whichever thread resumes it: once per pause. */
  private final AtomicBoolean paused = new AtomicBoolean();

  /** An inbox that always holds up to {@code capacity} (tests, and sessions made without a server). */
  Inbox(int capacity, ReadControl reads) {
    this(InboundBudget.fixed(capacity), reads);
  }

  Inbox(InboundBudget budget, ReadControl reads) {
    this.budget = budget;
    this.reads = reads;
  }

  /** On the event loop. False when the inbox is now full (reading has been paused). */
  boolean offer(Object m) {
    queue.add(m);
    budget.added(1);
    if (size.incrementAndGet() >= budget.share() && paused.compareAndSet(false, true)) {
      reads.pause();
      // the worker may have emptied the inbox between the count and the pause, seeing nothing to resume
      if (size.get() <= resumeAt() && paused.compareAndSet(true, false)) {
        reads.resume();
        return true;
      }
      return false;
    }
    return !paused.get();
  }

  Object poll() {
    Object m = queue.poll();
    if (m == null) {
      return null;
    }
    budget.added(-1);
    if (size.decrementAndGet() <= resumeAt() && paused.compareAndSet(true, false)) {
      reads.resume();
    }
    return m;
  }

  private int resumeAt() {
    return Math.max(1, budget.share() / 4);
  }

  int size() {
    return size.get();
  }

  boolean paused() {
    return paused.get();
  }

  /** Whether a drain is scheduled or running. */
  boolean draining() {
    return draining.get();
  }

  /** True when the caller must schedule a drain (none is scheduled or running). */
  boolean claimDrain() {
    return draining.compareAndSet(false, true);
  }

  /** The drain ends; true when messages arrived meanwhile and the caller must schedule another. */
  boolean releaseDrain() {
    draining.set(false);
    return !queue.isEmpty() && draining.compareAndSet(false, true);
  }

  void clear() {
    while (queue.poll() != null) {
      size.decrementAndGet();
      budget.added(-1);
    }
  }
}
