package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PacketInBudgetTest {
  final AtomicLong nanos = new AtomicLong();

  private long granted(PacketInBudget b, long dpid, int tries) {
    return IntStream.range(0, tries).filter(i -> b.tryAcquire(dpid)).count();
  }

  @Test
  void aBurstIsCutAtOneSecondsWorth() {
    PacketInBudget b = new PacketInBudget(100, nanos::get);
    assertEquals(100, granted(b, 1, 1000));
    assertFalse(b.tryAcquire(1));
  }

  @Test
  void tokensComeBackAtTheConfiguredRate() {
    PacketInBudget b = new PacketInBudget(100, nanos::get);
    granted(b, 1, 1000);
    nanos.addAndGet(100_000_000L); // 100 ms: 10 packet-ins
    assertEquals(10, granted(b, 1, 1000));
    nanos.addAndGet(60_000_000_000L); // a long pause refills to the burst size only
    assertEquals(100, granted(b, 1, 1000));
  }

  @Test
  void eachSwitchHasItsOwnBudget() {
    PacketInBudget b = new PacketInBudget(5, nanos::get);
    assertEquals(5, granted(b, 1, 10));
    assertTrue(b.tryAcquire(2), "another switch is not affected");
  }
}
