package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/** @param auditInterval how often every switch's flows are compared with the desired set and repaired */
public record ReconcileSettings(Duration auditInterval) {
  public ReconcileSettings {
    Objects.requireNonNull(auditInterval, "auditInterval");
  }
}
