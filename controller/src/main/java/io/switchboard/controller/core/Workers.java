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
 */
public final class Workers {
  private static final Logger log = LoggerFactory.getLogger(Workers.class);

  private final Executor pool;
  private final Map<Long, Entry> byDpid = new HashMap<>();
  /** While a hold is on: the workers it parked (and the ones made meanwhile), to resume. */
  private List<SerialExecutor> held;

  private static final class Entry {
    final SerialExecutor worker;
    int users;

    Entry(SerialExecutor worker) {
      this.worker = worker;
    }
  }

  public Workers(Executor pool) {
    this.pool = pool;
  }

  /** The dpid's worker, for one more connection; {@link #release} it when that connection is done. */
  public synchronized SerialExecutor acquire(long dpid, String name) {
    Entry e = byDpid.computeIfAbsent(dpid, d -> {
      Entry made = new Entry(new SerialExecutor(pool, name));
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
