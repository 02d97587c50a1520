package io.switchboard.controller.openflow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * "Log once per offender per interval": {@link #shouldLog} says yes for a key at most once per interval. The keys
 * remembered are bounded; past the bound the oldest moments are forgotten (an offender may then be logged again).
 */
public final class RateLimitedLog {
  private final long intervalMs;
  private final int maxKeys;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

  public RateLimitedLog(long intervalMs, int maxKeys) {
    this.intervalMs = intervalMs;
    this.maxKeys = maxKeys;
  }

  public boolean shouldLog(String key) {
    return shouldLog(key, System.currentTimeMillis());
  }

  boolean shouldLog(String key, long nowMs) {
    if (lastLogged.size() >= maxKeys && !lastLogged.containsKey(key)) {
      lastLogged.values().removeIf(t -> nowMs - t >= intervalMs);
      if (lastLogged.size() >= maxKeys) {
        lastLogged.clear();
      }
    }
    boolean[] yes = {false};
    lastLogged.compute(key, (k, last) -> {
      if (last == null || nowMs - last >= intervalMs) {
        yes[0] = true;
        return nowMs;
      }
      return last;
    });
    return yes[0];
  }
}
