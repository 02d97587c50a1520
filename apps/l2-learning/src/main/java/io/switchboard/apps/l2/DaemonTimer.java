package io.switchboard.apps.l2;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The app's {@link L2LearningApp.Timer} outside tests: one daemon thread, started on first use. */
final class DaemonTimer implements L2LearningApp.Timer {
  private static final Logger log = LoggerFactory.getLogger(L2LearningApp.class);
  private volatile ScheduledExecutorService timers;

  @Override
  public void schedule(Runnable task, Duration delay) {
    if (timers == null) {
      synchronized (this) {
        if (timers == null) {
          timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "l2-learning-forget");
            t.setDaemon(true);
            return t;
          });
        }
      }
    }
    timers.schedule(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("forgetting a departed switch's hosts failed", e);
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }
}
