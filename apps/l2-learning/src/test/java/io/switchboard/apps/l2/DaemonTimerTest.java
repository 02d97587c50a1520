package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonTimerTest {
  private static boolean timerThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("l2-learning-forget") && t.isAlive());
  }

  private static boolean waitUntilNoTimerThread() throws InterruptedException {
    for (int i = 0; i < 200 && timerThreadAlive(); i++) {
      Thread.sleep(10);
    }
    return !timerThreadAlive();
  }

  @Test
  void closingEndsItsThreadAndALaterTaskStartsAnother() throws Exception {
    DaemonTimer timer = new DaemonTimer();
    CountDownLatch ran = new CountDownLatch(1);
    timer.schedule(ran::countDown, Duration.ofMillis(1));
    assertTrue(ran.await(5, TimeUnit.SECONDS));
    CountDownLatch never = new CountDownLatch(1);
    timer.schedule(never::countDown, Duration.ofHours(1));
    timer.close();
    assertTrue(waitUntilNoTimerThread(), "the timer thread ended");
    assertFalse(never.await(50, TimeUnit.MILLISECONDS), "what was scheduled is dropped");

    CountDownLatch again = new CountDownLatch(1);
    timer.schedule(again::countDown, Duration.ofMillis(1));
    assertTrue(again.await(5, TimeUnit.SECONDS), "scheduled after a close: a new thread runs it");
    timer.close();
    timer.close(); // twice is harmless
    assertTrue(waitUntilNoTimerThread());
  }
}
