package io.switchboard.controller.core;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks one at a time, in order, on a shared pool: the per-switch worker. */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor pool;
  private final String name;
  private boolean running;

  public SerialExecutor(Executor pool, String name) {
    this.pool = pool;
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    for (int i = 0; i < 256; i++) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
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
    // let other switches' work in between
    pool.execute(this::drain);
  }
}
