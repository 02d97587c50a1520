package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * @param idleTimeout    a learned MAC (and its flow) is forgotten after this long without traffic
 * @param packetInBudget packet-ins handled per second per switch; the rest are dropped
 */
public record L2Settings(Duration idleTimeout, int packetInBudget) {
  public L2Settings {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (packetInBudget < 1) {
      throw new IllegalArgumentException("packetInBudget must be positive: " + packetInBudget);
    }
  }
}
