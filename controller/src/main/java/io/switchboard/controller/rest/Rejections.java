package io.switchboard.controller.rest;

import io.switchboard.controller.core.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request the API refuses for one of its protections is counted in {@code switchboard_rest_rejected_total
 * {reason}} and logged at most once per offender (client address) and reason per interval; the next line says how
 * many were not logged. The table of offenders is bounded: past {@value #MAX_OFFENDERS} new ones are counted, not
 * logged, until the interval ends.
 */
final class Rejections {
  private static final Logger log = LoggerFactory.getLogger(Rejections.class);
  static final String METRIC = "switchboard_rest_rejected_total";
  static final int MAX_OFFENDERS = 1024;

  private final Metrics metrics;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final AtomicLong unlogged = new AtomicLong();
  private volatile long lastPurge;

  private static final class Window {
    final long start;
    final AtomicLong suppressed = new AtomicLong();

    Window(long start) {
      this.start = start;
    }
  }

  Rejections(Metrics metrics, long intervalNanos, LongSupplier clock) {
    this.metrics = metrics;
    this.intervalNanos = intervalNanos;
    this.clock = clock;
    this.lastPurge = clock.getAsLong();
    metrics.describe(METRIC, "REST requests refused by a protection (host, origin, token, content-type, body-size,"
        + " json-depth, json-duplicate-key, json-size, parameter, method)");
  }

  /**
   * Counts one refusal; returns true when it was logged (false: suppressed within the interval).
   *
   * @param request e.g. "POST /api/v1/acl/rules" (already clipped); {@code message} the reason given the client
   */
  boolean reject(String reason, String client, String request, String message) {
    metrics.inc(METRIC, "reason", reason);
    long now = clock.getAsLong();
    if (now - lastPurge > intervalNanos) {
      lastPurge = now;
      windows.values().removeIf(w -> now - w.start > intervalNanos);
      long lost = unlogged.getAndSet(0);
      if (lost > 0) {
        log.warn("REST: {} more refusals were not logged (over {} offenders in an interval)", lost, MAX_OFFENDERS);
      }
    }
    String key = client + " " + reason;
    Window w = windows.get(key);
    if (w != null && now - w.start <= intervalNanos) {
      w.suppressed.incrementAndGet();
      return false;
    }
    if (w == null && windows.size() >= MAX_OFFENDERS) {
      unlogged.incrementAndGet();
      return false;
    }
    Window fresh = new Window(now);
    if (w == null ? windows.putIfAbsent(key, fresh) != null : !windows.replace(key, w, fresh)) {
      return false; // another thread logged this offender just now
    }
    long before = w == null ? 0 : w.suppressed.get();
    log.warn("REST: refused {} from {} [{}]: {}{}", request, client, reason, message,
        before > 0 ? " (" + before + " more like it from there since the last line)" : "");
    return true;
  }
}
