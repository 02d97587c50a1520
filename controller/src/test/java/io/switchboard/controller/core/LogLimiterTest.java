package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
  final AtomicLong now = new AtomicLong();
  final LogLimiter limiter = new LogLimiter(Duration.ofSeconds(10), 3, now::get);

  @Test
  void oneLinePerKeyPerIntervalWithTheCountOfTheOthers() {
    assertEquals(0, limiter.admit("a"));
    assertEquals(-1, limiter.admit("a"));
    assertEquals(-1, limiter.admit("a"));
    assertEquals(0, limiter.admit("b"), "another offender has its own line");
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(2, limiter.admit("a"), "the next line says how many were left out");
    assertEquals(-1, limiter.admit("a"));
    assertTrue(LogLimiter.more(2).contains("2 more"));
    assertEquals("", LogLimiter.more(0));
  }

  @Test
  void manyOffendersShareOneKeyBeyondTheBound() {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.admit("k" + i));
    }
    assertEquals(0, limiter.admit("k3"), "the first beyond the bound is logged under the shared key");
    for (int i = 4; i < 1000; i++) {
      assertEquals(-1, limiter.admit("k" + i));
    }
    assertTrue(limiter.size() <= 4, "bounded: " + limiter.size());
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertEquals(0, limiter.admit("new"), "old entries expire and make room");
  }
}
