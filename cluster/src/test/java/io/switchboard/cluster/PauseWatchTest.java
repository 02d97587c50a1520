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
  void aStallShorterThanTheThresholdIsNoPause() {
    advanceMs(PauseWatch.PAUSE_MS - 100);
    watch.tick();
    assertFalse(watch.quiet(), "a loaded machine's stall of 2.4 s cannot have made the others drop this member");
    assertEquals(0, pauses.get());
  }

  @Test
  void theThresholdIsHalfTheHeartbeatTimeoutWithinBounds() {
    assertEquals(2500, PauseWatch.thresholdMs("5"));
    assertEquals(1500, PauseWatch.thresholdMs("3"));
    assertEquals(PauseWatch.MIN_PAUSE_MS, PauseWatch.thresholdMs("1"));
    assertEquals(PauseWatch.PAUSE_MS, PauseWatch.thresholdMs(null), "Hazelcast's default (60 s) is capped");
    assertEquals(PauseWatch.PAUSE_MS, PauseWatch.thresholdMs("soon"));
    PauseWatch strict = new PauseWatch(pauses::incrementAndGet, clock::get, 5000, 1500);
    advanceMs(1600);
    assertTrue(strict.quiet());
  }

  @Test
  void askingNoticesAPauseTheThreadHasNotSeen() {
    advanceMs(3000);
    assertTrue(watch.quiet());
    assertEquals(1, pauses.get());
  }
}
