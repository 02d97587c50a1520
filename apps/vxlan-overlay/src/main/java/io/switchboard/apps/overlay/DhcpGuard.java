package io.switchboard.apps.overlay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What keeps DHCP from being a way to load the controller: a token bucket per bridge port (a client needs a few
 * messages a minute; a DISCOVER flood is cut to {@value #RATE_PER_SECOND}/s after a burst of {@value #BURST}), and
 * one log line per reason and port per {@value #LOG_WINDOW_SECONDS} s. Both maps are bounded ({@value #MAX_PORTS}
 * ports, least recently seen forgotten first).
 */
final class DhcpGuard {
  static final double RATE_PER_SECOND = 5;
  static final int BURST = 20;
  static final int MAX_PORTS = 4096;
  static final long LOG_WINDOW_SECONDS = 10;
  private static final long NANOS = 1_000_000_000L;

  private final LongSupplier nanoTime;
  private final Map<String, double[]> buckets = lru();
  private final Map<String, long[]> logged = lru();

  DhcpGuard(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Takes a token for a message from this port; false when the port is over its budget. */
  synchronized boolean admit(long dpid, long port) {
    long now = nanoTime.getAsLong();
    double[] b = buckets.computeIfAbsent(dpid + "/" + port, k -> new double[] {BURST, now});
    double tokens = Math.min(BURST, b[0] + (now - (long) b[1]) * RATE_PER_SECOND / NANOS);
    b[1] = now;
    if (tokens < 1) {
      b[0] = tokens;
      return false;
    }
    b[0] = tokens - 1;
    return true;
  }

  /**
   * Whether to log a drop now: for the first of a window per reason and port, the number of drops that were not
   * logged since the last line (0 or more); -1 for the others until the window ends.
   */
  synchronized long shouldLog(String reason, long dpid, long port) {
    long now = nanoTime.getAsLong();
    long[] w = logged.computeIfAbsent(reason + "@" + dpid + "/" + port, k -> new long[] {now - LOG_WINDOW_SECONDS
        * NANOS - 1, 0});
    if (now - w[0] > LOG_WINDOW_SECONDS * NANOS) {
      long quiet = w[1];
      w[0] = now;
      w[1] = 0;
      return quiet;
    }
    w[1]++;
    return -1;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_PORTS;
      }
    };
  }
}
