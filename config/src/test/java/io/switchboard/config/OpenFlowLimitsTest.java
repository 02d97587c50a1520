package io.switchboard.config;

import static io.switchboard.config.Check.error;
import static io.switchboard.config.Check.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code openflow.limits}: every key, its default, and the file:line:key error for a bad value. */
class OpenFlowLimitsTest {
  @Test
  void absentMeansTheDefaults() {
    assertEquals(OpenFlowLimits.DEFAULTS, load("openflow:\n  listen: 127.0.0.1:6653\n").openflow().limits());
  }

  @Test
  void everyKeyIsRead() {
    OpenFlowLimits l = load("""
        openflow:
          limits:
            max-connections: 100
            max-handshakes: 20
            max-handshakes-per-source: 5
            handshake-timeout: 3s
            inbound-queue: 64
            inbound-total: 4096
            max-outbound-bytes: 1048576
            write-stall-timeout: 4s
            max-multipart-bytes: 2097152
            max-multipart-parts: 50
        """).openflow().limits();
    assertEquals(new OpenFlowLimits(100, 20, 5, Duration.ofSeconds(3), 64, 4096, 1_048_576, Duration.ofSeconds(4),
        2_097_152, 50), l);
  }

  @Test
  void badValuesNameTheKeyAndTheExpectation() {
    error("openflow:\n  limits:\n    inbound-queue: 3\n", 3, "openflow.limits.inbound-queue", "16..1000000");
    error("openflow:\n  limits:\n    inbound-total: 10\n", 3, "openflow.limits.inbound-total", "1024..100000000");
    error("openflow:\n  limits:\n    handshake-timeout: forever\n", 3, "openflow.limits.handshake-timeout",
        "duration");
    error("openflow:\n  limits:\n    max-conections: 5\n", 3, "openflow.limits.max-conections", "max-connections");
  }
}
