package io.switchboard.controller.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridges' workers: one {@link SerialExecutor} per dpid, shared by every connection that claims that dpid, so
 * that a replaced connection's last work (switch down) and the new connection's first (adoption) never run at once.
 * A worker lives while a connection of its dpid does (counted; bounded by the connection limits).
 *
 * <p>{@link #whileHeld} parks every worker (each finishes what it was doing) and runs a piece of work while none
 * runs: the controller restarts the apps that way on a config reload.
 *
 * <p>Where a worker runs: on the shared pool, or — when nothing in a bridge's work can block ({@link #runOnLoops})
 * — on the event loop of the connection that made it, so a packet-in is read, handled and answered on one thread.
 * Both are serial per dpid. A worker stays on the loop it was made on while any connection of its dpid lives (a
 * replacement connection on another loop still hands its work over, one hop, as on the pool).
 */
public final class Workers {
  private static final Logger log = LoggerFactory.getLogger(Workers.class);

  private final Executor pool;
  private final Map<Long, Entry> byDpid = new HashMap<>();
  /** Whether new and existing workers run on their connection's event loop rather than the pool. */
  private boolean onLoops;
  /** While a hold is on: the workers it parked (and the ones made meanwhile), to resume. */
  private List<SerialExecutor> held;

  private static final class Entry {
    final SerialExecutor worker;
    /** The event loop of the connection that made it; null when it has none (tests). */
    final Executor loop;
    int users;

    Entry(SerialExecutor worker, Executor loop) {
      this.worker = worker;
      this.loop = loop;
    }
  }

  public Workers(Executor pool) {
    this.pool = pool;
  }

  /** The dpid's worker, for one more connection; {@link #release} it when that connection is done. */
  public synchronized SerialExecutor acquire(long dpid, String name) {
    return acquire(dpid, name, null);
  }

  /**
   * The dpid's worker, for one more connection whose event loop is {@code loop} (null: none); {@link #release} it
   * when that connection is done. A new worker runs on {@code loop} while {@link #runOnLoops} is on.
   */
  public synchronized SerialExecutor acquire(long dpid, String name, Executor loop) {
    Entry e = byDpid.computeIfAbsent(dpid, d -> {
      Entry made = new Entry(new SerialExecutor(where(loop), name), loop);
      if (held != null) {
        held.add(made.worker);
        made.worker.hold(() -> { });
      }
      return made;
    });
    e.users++;
    return e.worker;
  }

  /** A connection of the dpid is done with its worker. */
  public synchronized void release(long dpid) {
    Entry e = byDpid.get(dpid);
    if (e != null && --e.users <= 0) {
      byDpid.remove(dpid);
    }
  }

  private Executor where(Executor loop) {
    return onLoops && loop != null ? loop : pool;
  }

  /**
   * Whether the workers run on their connections' event loops (true) or on the shared pool. Call it while the
   * workers are held ({@link #whileHeld}): each then continues on its new thread when resumed.
   */
  public synchronized void runOnLoops(boolean on) {
    if (on != onLoops) {
      onLoops = on;
      byDpid.values().forEach(e -> e.worker.runOn(where(e.loop)));
      log.info("bridges' work now runs on {}", on ? "their connections' event loops (nothing in it blocks)"
          : "the worker pool (an enabled app or the store may block)");
    }
  }

  public synchronized boolean runsOnLoops() {
    return onLoops;
  }

  /** The number of dpids with a worker. */
  public synchronized int size() {
    return byDpid.size();
  }

  /**
   * Parks every worker, waits up to {@code timeout} for all of them to finish what they were running, runs {@code
   * work} on the calling thread, and resumes them. A worker that does not park in time (an app stuck on a bridge)
   * is logged and not waited for.
   */
  public void whileHeld(Duration timeout, Runnable work) {
    List<SerialExecutor> parking;
    synchronized (this) {
      if (held != null) {
        throw new IllegalStateException("the workers are already held");
      }
      held = new ArrayList<>();
      byDpid.values().forEach(e -> held.add(e.worker));
      parking = List.copyOf(held);
    }
    try {
      CountDownLatch parked = new CountDownLatch(parking.size());
      parking.forEach(w -> w.hold(parked::countDown));
      try {
        if (!parked.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("{} of {} bridge workers still busy after {} ms; going on without them", parked.getCount(),
              parking.size(), timeout.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      work.run();
    } finally {
      List<SerialExecutor> resume;
      synchronized (this) {
        resume = held;
        held = null;
      }
      resume.forEach(SerialExecutor::resume);
    }
  }
}
