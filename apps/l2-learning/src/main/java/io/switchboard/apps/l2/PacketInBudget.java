package io.switchboard.apps.l2;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per switch: {@code perSecond} packet-ins are handled every second, with bursts up to one second's
 * worth; the rest are refused, so a flood of unknown sources cannot swamp the controller. A switch's bucket is
 * only taken from on that switch's worker (the core hands a bridge's packet-ins over one at a time), so it needs no
 * lock of its own.
 */
final class PacketInBudget {
  private final int perSecond;
  private final LongSupplier nanoClock;
  private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

  PacketInBudget(int perSecond, LongSupplier nanoClock) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be positive: " + perSecond);
    }
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
  }

  int perSecond() {
    return perSecond;
  }

  /** Takes one token for this switch; false when its budget is spent. */
  boolean tryAcquire(long dpid) {
    Bucket b = buckets.get(dpid); // per packet-in: no capturing lambda unless the switch is new
    if (b == null) {
      b = buckets.computeIfAbsent(dpid, d -> new Bucket(nanoClock.getAsLong()));
    }
    return b.take();
  }

  void forget(long dpid) {
    buckets.remove(dpid);
  }

  private final class Bucket {
    private double tokens = perSecond;
    private long lastNanos;

    Bucket(long now) {
      this.lastNanos = now;
    }

    /** Called by the switch's worker only, one packet-in at a time (its turns hand over with happens-before). */
    boolean take() {
      long now = nanoClock.getAsLong();
      tokens = Math.min(perSecond, tokens + (now - lastNanos) * perSecond / 1e9);
      lastNanos = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }
}
