package io.switchboard.apps.l2;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's {@link L2LearningApp.Timer} outside tests: one daemon thread, started on first use and ended by
 * {@link #close}.
 */
final class DaemonTimer implements L2LearningApp.Timer {
  private static final Logger log = LoggerFactory.getLogger(L2LearningApp.class);
  private ScheduledExecutorService timers; // guarded by this

  @Override
  public void schedule(Runnable task, Duration delay) {
    ScheduledExecutorService t;
    synchronized (this) {
      if (timers == null) {
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread thread = new Thread(r, "l2-learning-forget");
          thread.setDaemon(true);
          return thread;
        });
      }
      t = timers;
    }
    try {
      t.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("forgetting a departed switch's hosts failed", e);
        }
      }, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("not scheduled: the app is stopping");
    }
  }

  @Override
  public synchronized void close() {
    if (timers != null) {
      timers.shutdownNow();
      timers = null;
    }
  }
}
