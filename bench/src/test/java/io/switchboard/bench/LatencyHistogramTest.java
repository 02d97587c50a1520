package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void percentilesAreWithinTwoPercent() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 100_000; v++) {
      h.record(v * 1000);   // 1 us .. 100 ms, uniform
    }
    assertEquals(100_000, h.count());
    assertClose(50_000_000, h.percentile(50));
    assertClose(99_000_000, h.percentile(99));
    assertEquals(100_000_000, h.max());
    assertEquals(100_000_000, h.percentile(100));
  }

  @Test
  void mergesAndHandlesSmallValues() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    a.record(3);
    b.record(5);
    b.record(100);
    a.add(b);
    assertEquals(3, a.count());
    assertEquals(5, a.percentile(50));
    assertEquals(0, new LatencyHistogram().percentile(99));
  }

  @Test
  void bucketsCoverEveryLong() {
    for (int shift = 0; shift < 63; shift++) {
      long v = 1L << shift;
      int i = LatencyHistogram.index(v);
      assertTrue(LatencyHistogram.upperBound(i) >= v, "v=" + v);
    }
    LatencyHistogram.index(Long.MAX_VALUE);
  }

  static void assertClose(long expected, long actual) {
    assertTrue(Math.abs(actual - expected) <= expected * 0.02, "expected ~" + expected + ", got " + actual);
  }
}
