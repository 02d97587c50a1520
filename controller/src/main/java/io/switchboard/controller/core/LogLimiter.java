package io.switchboard.controller.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One log line per offender per interval: {@link #admit} says whether to log an event of a key now and how many of
 * that key's events were left unlogged since its last line. At most {@code maxKeys} offenders are remembered; beyond
 * that (an attacker with many addresses) every new offender shares one key, so memory stays bounded and the log still
 * gets one line per interval.
 */
public final class LogLimiter {
  /** The key shared by offenders beyond {@code maxKeys}. */
  public static final String OTHERS = "(others)";

  private final long intervalNanos;
  private final int maxKeys;
  private final LongSupplier clock;
  private final Map<String, long[]> seen = new ConcurrentHashMap<>();

  public LogLimiter(Duration interval, int maxKeys) {
    this(interval, maxKeys, System::nanoTime);
  }

  LogLimiter(Duration interval, int maxKeys, LongSupplier clock) {
    this.intervalNanos = interval.toNanos();
    this.maxKeys = maxKeys;
    this.clock = clock;
  }

  /** -1: do not log this one; otherwise log it, mentioning the returned number of events not logged before it. */
  public long admit(String key) {
    long now = clock.getAsLong();
    String k = key;
    if (!seen.containsKey(k) && seen.size() >= maxKeys) {
      seen.values().removeIf(v -> now - v[0] >= intervalNanos);
      if (seen.size() >= maxKeys) {
        k = OTHERS;
      }
    }
    long[] out = {-1};
    seen.compute(k, (x, v) -> {
      if (v == null) {
        out[0] = 0;
        return new long[] {now, 0};
      }
      if (now - v[0] >= intervalNanos) {
        out[0] = v[1];
        v[0] = now;
        v[1] = 0;
      } else {
        v[1]++;
      }
      return v;
    });
    return out[0];
  }

  /** " (and N more since the last line)" for a non-zero count from {@link #admit}, else "". */
  public static String more(long suppressed) {
    return suppressed > 0 ? " (and " + suppressed + " more since the last such line)" : "";
  }

  int size() {
    return seen.size();
  }
}
