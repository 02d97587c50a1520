package io.switchboard.controller.core;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in order, on a shared pool: the per-switch worker. It can be held ({@link #hold}): it
 * finishes what was queued before, then parks (tasks queued meanwhile wait) until {@link #resume}; the controller
 * does this around a config reload so that no app runs for a bridge while the apps restart.
 *
 * <p>The pool may be a single thread (a connection's event loop) or a shared pool; {@link #runOn} changes it, which
 * the controller does only while the worker is held.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  /** The most tasks one turn on the pool runs. */
  private static final int TURN = 256;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private volatile Executor pool;
  private final String name;
  private boolean running;
  /** Holds asked for and not resumed; while positive, the worker parks at its next hold task. */
  private int holds;
  private boolean held;
  /** A task of the running turn asked for the next one ({@link #executeNextTurn}); guarded by tasks. */
  private boolean endTurn;

  public SerialExecutor(Executor pool, String name) {
    this.pool = pool;
    this.name = name;
  }

  /** Runs the next turns on {@code next}; a turn already handed to the old pool still runs there. */
  public void runOn(Executor next) {
    this.pool = next;
  }

  /** Where its turns run now. */
  public Executor pool() {
    return pool;
  }

  @Override
  public void execute(Runnable task) {
    enqueue(task, false);
  }

  /**
   * Hands the drain to the pool. A pool that is shutting down (the controller stops) refuses it: the tasks still
   * queued are dropped with one quiet line, as a stop drops them anyway, instead of a failure in whoever queued.
   */
  private void schedule() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException e) {
      int dropped;
      synchronized (tasks) {
        running = false;
        dropped = tasks.size();
        tasks.clear();
      }
      if (!(pool instanceof ExecutorService es && es.isShutdown())) {
        throw e;
      }
      log.debug("{}: stopping; {} queued task(s) dropped", name, dropped);
    }
  }

  /**
   * Parks once the tasks queued before this call have run; {@code parked} then runs, on this worker, and nothing
   * more does until {@link #resume}.
   */
  public void hold(Runnable parked) {
    synchronized (tasks) {
      holds++;
    }
    execute(() -> {
      synchronized (tasks) {
        held = holds > 0; // resumed before it got here: it does not park
      }
      parked.run();
    });
  }

  /** Runs the tasks queued while held, and what comes after. */
  public void resume() {
    synchronized (tasks) {
      holds = Math.max(0, holds - 1);
      held = holds > 0;
      if (held || running || tasks.isEmpty()) {
        return;
      }
      running = true;
    }
    schedule();
  }

  /**
   * Queues {@code task} after the others like {@link #execute}, and called from this worker's own task, ends the
   * current turn before it: the pool serves other workers first. For a task that queues its own continuation (a
   * switch's inbox, drained a batch at a time while its event loop keeps reading): through {@link #execute} the same
   * turn would run the continuation at once, up to {@value #TURN} times, and on the shared pool a flooding switch
   * kept a thread for 65,536 messages in a row while a quiet one waited seconds for its turn.
   */
  public void executeNextTurn(Runnable task) {
    enqueue(task, true);
  }

  /**
   * Takes the worker's turn on the calling thread, when nothing runs or waits on it, it is not held, and its turns
   * run on {@code here} (the caller's own executor: a connection's event loop reading for this worker's bridge).
   * The caller then runs its work at once, as the worker, and ends the turn with {@link #leave}; tasks queued
   * meanwhile wait for it as they would for any turn. False: queue through {@link #execute} instead.
   */
  public boolean enter(Executor here) {
    synchronized (tasks) {
      if (running || held || pool != here || !tasks.isEmpty()) {
        return false;
      }
      running = true;
      endTurn = false;
      return true;
    }
  }

  /** Ends a turn taken with {@link #enter}; what was queued meanwhile runs next, on the pool. */
  public void leave() {
    synchronized (tasks) {
      endTurn = false;
      if (held || tasks.isEmpty()) {
        running = false;
        return;
      }
    }
    schedule();
  }

  /** Queues {@code task}; {@code endTurn}: a running turn ends before it. Starts a turn when none runs. */
  private void enqueue(Runnable task, boolean endTurn) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        this.endTurn |= endTurn;
        return;
      }
      if (held) {
        return;
      }
      running = true;
    }
    schedule();
  }

  /** One turn: at most {@value #TURN} tasks, fewer when one of them asked for the next turn. */
  private void drain() {
    for (int i = 0; i < TURN; i++) {
      Runnable next;
      synchronized (tasks) {
        if (endTurn) {
          endTurn = false;
          break;
        }
        next = held ? null : tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        log.error("{}: task failed", name, e);
      }
    }
    synchronized (tasks) {
      if (held || tasks.isEmpty()) {
        running = false;
        return;
      }
    }
    // let other switches' work in between
    schedule();
  }

  @Override
  public String toString() {
    return name;
  }
}
