package io.switchboard.cluster;

import io.switchboard.config.ClusterSettings;
import io.switchboard.config.HostPort;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Embedded cluster members on loopback for tests. */
final class Members {
  static final Duration SETTLE = Duration.ofMillis(300);
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(3);

  private Members() {}

  static ClusterSettings settings(int port, int... all) {
    List<HostPort> members = Arrays.stream(all).mapToObj(p -> new HostPort("127.0.0.1", p)).toList();
    // short settling times: a test that starts some of the listed members waits 3 s at most before they serve
    return new ClusterSettings(true, new HostPort("127.0.0.1", port), members, SETTLE, SETTLE_TIMEOUT);
  }

  static ClusterNode start(int port, int... all) {
    return ClusterNode.start(settings(port, all));
  }

  /** Polls every 5 ms; returns the milliseconds it took. */
  static long await(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (cond.getAsBoolean()) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
  }
}
