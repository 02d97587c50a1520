package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pause watch on a clock driven by hand. */
class PauseWatchTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final AtomicInteger pauses = new AtomicInteger();
  private final PauseWatch watch = new PauseWatch(pauses::incrementAndGet, clock::get, 5000);

  private void advanceMs(long ms) {
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void regularTicksAreNoPause() {
    for (int i = 0; i < 50; i++) {
      advanceMs(100);
      watch.tick();
    }
    assertFalse(watch.quiet());
    assertEquals(0, pauses.get());
  }

  @Test
  void aLongGapMakesItQuietForTheQuietTime() {
    advanceMs(PauseWatch.PAUSE_MS + 1);
    watch.tick();
    assertEquals(1, pauses.get());
    assertTrue(watch.quiet());
    assertEquals(5001, watch.quietLeftMs());
    for (int i = 0; i < 49; i++) {
      advanceMs(100);
      watch.tick();
    }
    assertTrue(watch.quiet(), "100 ms left");
    advanceMs(100);
    assertFalse(watch.quiet());
    assertEquals(1, pauses.get());
  }

  @Test
  void askingNoticesAPauseTheThreadHasNotSeen() {
    advanceMs(3000);
    assertTrue(watch.quiet());
    assertEquals(1, pauses.get());
  }
}
