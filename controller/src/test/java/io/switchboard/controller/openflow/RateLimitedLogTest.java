package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
  @Test
  void oncePerKeyPerInterval() {
    RateLimitedLog log = new RateLimitedLog(60_000, 100);
    assertTrue(log.shouldLog("a", 0));
    assertFalse(log.shouldLog("a", 59_999));
    assertTrue(log.shouldLog("b", 1));
    assertTrue(log.shouldLog("a", 60_000));
  }

  @Test
  void theKeysRememberedAreBounded() {
    RateLimitedLog log = new RateLimitedLog(60_000, 10);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(log.shouldLog("peer" + i, 5));
    }
    // past the bound old keys are forgotten, so a peer may be logged again: memory stays bounded
    assertTrue(log.shouldLog("peer0", 6));
  }
}
