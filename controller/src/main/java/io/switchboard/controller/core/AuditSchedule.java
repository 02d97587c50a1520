package io.switchboard.controller.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the periodic audit reads each bridge: one bridge at a time, spread over the audit interval rather than all
 * at once. A round takes the bridges connected when it starts and gives each a slot of {@code interval / n}; a
 * bridge's audit starts at a random point in the middle half of its slot (bridges of several controllers, or of one
 * restarted with many at once, drift apart), and never before the previous bridge's audit finished (read, compared,
 * repaired). A round starts one interval after the previous one did, or when that one finishes if it overran; so each
 * bridge is audited every interval, give or take half a slot, and a bridge's drift is repaired within one and a half
 * intervals.
 *
 * <p>All of it runs on the {@link Timer}'s single thread; the audits themselves run on the bridges' workers. An audit
 * that does not finish within an interval (a switch that never answers: the read times out anyway) is not waited for
 * any longer.
 */
final class AuditSchedule<B> {
  private static final Logger log = LoggerFactory.getLogger(AuditSchedule.class);

  /** A single-threaded timer: runs a task after a delay. */
  interface Timer {
    /** Runs {@code task} in {@code delayMs} milliseconds; the returned handle cancels it. */
    Runnable schedule(Runnable task, long delayMs);
  }

  private final Supplier<Collection<B>> bridges;
  private final Function<B, CompletableFuture<?>> audit;
  private final Timer timer;
  private final LongSupplier clockMs;
  private final DoubleSupplier random;
  private final Deque<B> round = new ArrayDeque<>();
  private long intervalMs;
  private long roundStart;
  private int roundSize;
  private int index;
  /** Bumped by every start and stop: a task of an earlier schedule does nothing. */
  private long generation;
  private Runnable pending = () -> { };

  /**
   * @param bridges the bridges now (audited in the order given)
   * @param audit audits one bridge; completes when its audit is done
   * @param random in [0, 1)
   */
  AuditSchedule(Supplier<Collection<B>> bridges, Function<B, CompletableFuture<?>> audit, Timer timer,
                LongSupplier clockMs, DoubleSupplier random) {
    this.bridges = bridges;
    this.audit = audit;
    this.timer = timer;
    this.clockMs = clockMs;
    this.random = random;
  }

  /** (Re)starts with an interval; a round starts now (the bridges connected now: none on a fresh start). */
  synchronized void start(Duration interval) {
    stopLocked();
    intervalMs = Math.max(100, interval.toMillis());
    long gen = generation;
    roundStart = clockMs.getAsLong() - intervalMs;
    pending = timer.schedule(() -> step(gen), 0);
  }

  synchronized void stop() {
    stopLocked();
  }

  private void stopLocked() {
    generation++;
    round.clear();
    pending.run();
    pending = () -> { };
  }

  /** Schedules the next bridge's audit, starting a round when the last is done. */
  private synchronized void step(long gen) {
    if (gen != generation) {
      return;
    }
    long now = clockMs.getAsLong();
    if (round.isEmpty()) {
      roundStart = Math.max(now, roundStart + intervalMs);
      round.addAll(bridges.get());
      roundSize = round.size();
      index = 0;
      if (roundSize == 0) { // nothing to audit: look again in an interval
        pending = timer.schedule(() -> step(gen), roundStart + intervalMs - now);
        return;
      }
    }
    B next = round.poll();
    double slot = (double) intervalMs / roundSize;
    long due = roundStart + (long) ((index + 0.25 + 0.5 * random.getAsDouble()) * slot);
    index++;
    pending = timer.schedule(() -> run(gen, next), Math.max(0, due - now));
  }

  private synchronized void run(long gen, B bridge) {
    if (gen != generation) {
      return;
    }
    boolean[] movedOn = new boolean[1];
    Runnable onwards = () -> {
      synchronized (this) {
        if (!movedOn[0]) {
          movedOn[0] = true;
          step(gen);
        }
      }
    };
    Runnable giveUp = timer.schedule(() -> {
      log.warn("audit of {} still running after {} ms; auditing the next bridge", bridge, intervalMs);
      onwards.run();
    }, intervalMs);
    CompletableFuture<?> done;
    try {
      done = audit.apply(bridge);
    } catch (RuntimeException e) {
      log.warn("audit of {} failed to start: {}", bridge, e.toString());
      done = CompletableFuture.completedFuture(null);
    }
    pending = giveUp;
    done.whenComplete((v, e) -> timer.schedule(() -> {
      giveUp.run();
      onwards.run();
    }, 0));
  }
}
