package io.switchboard.cluster;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that this whole JVM was stopped (SIGSTOP, a long GC): a thread ticks every 100 ms, and a gap of more than
 * the pause threshold between two ticks is a pause. The threshold is half of Hazelcast's heartbeat timeout ({@link
 * #thresholdMs}): a shorter stall cannot have made the others drop this member, so they cannot have taken its bridges
 * over for that reason, and a loaded machine's stalls of a second or two no longer make a member step down from
 * every bridge (and re-read every table when it takes them up again). After one, this member must not trust its view of the cluster: the
 * others took over meanwhile and Hazelcast needs time to show it what they wrote. So it is "quiet" for {@link
 * #QUIET_MS}: it claims and asserts nothing. {@code onPause} runs (on the watching thread, or on the caller of {@link
 * #quiet}) so that the owner stops programming at once.
 */
final class PauseWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PauseWatch.class);
  /** A gap this long between two ticks means this JVM was stopped: half of the 5 s heartbeat timeout set here. */
  static final long PAUSE_MS = 2500;
  /** The threshold never goes below this. */
  static final long MIN_PAUSE_MS = 1000;
  /**
   * After a pause this member claims nothing for this long: the others took over meanwhile, and Hazelcast needs up
   * to two merge rounds (10 s each) to heal the split and show this member the records they wrote.
   */
  static final long QUIET_MS = 25_000;

  private final Runnable onPause;
  private final LongSupplier nanoClock;
  private final long quietNanos;
  private final long pauseNanos;
  private volatile long lastTick;
  private volatile long quietUntil;
  private volatile boolean closed;

  PauseWatch(Runnable onPause, long pauseMs) {
    this(onPause, System::nanoTime, QUIET_MS, pauseMs);
  }

  /** For tests: a clock to drive by hand, and a shorter quiet time. */
  PauseWatch(Runnable onPause, LongSupplier nanoClock, long quietMs) {
    this(onPause, nanoClock, quietMs, PAUSE_MS);
  }

  PauseWatch(Runnable onPause, LongSupplier nanoClock, long quietMs, long pauseMs) {
    this.onPause = onPause;
    this.nanoClock = nanoClock;
    this.quietNanos = TimeUnit.MILLISECONDS.toNanos(quietMs);
    this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(pauseMs);
    this.lastTick = nanoClock.getAsLong();
    this.quietUntil = lastTick;
  }

  /** Starts the ticking thread. */
  void start() {
    Thread watch = new Thread(this::watch, "cluster-pause-watch");
    watch.setDaemon(true);
    watch.start();
  }

  private void watch() {
    while (!closed) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      tick();
    }
  }

  /** One tick: a long gap since the last one is a pause. */
  void tick() {
    long now = nanoClock.getAsLong();
    if (now - lastTick > pauseNanos) {
      paused(now, now - lastTick);
    }
    lastTick = now;
  }

  private void paused(long now, long gapNanos) {
    quietUntil = now + quietNanos;
    log.warn("cluster: this instance was paused for {} ms; it stops programming and claims nothing for {} s",
        TimeUnit.NANOSECONDS.toMillis(gapNanos), TimeUnit.NANOSECONDS.toSeconds(quietNanos));
    onPause.run();
  }

  /**
   * The pause threshold for Hazelcast's {@code hazelcast.max.no.heartbeat.seconds} (the effective value, null for
   * Hazelcast's default of 60): half of it, at least {@link #MIN_PAUSE_MS}, at most {@link #PAUSE_MS}.
   */
  static long thresholdMs(String maxNoHeartbeatSeconds) {
    long seconds = 60;
    try {
      if (maxNoHeartbeatSeconds != null) {
        seconds = Long.parseLong(maxNoHeartbeatSeconds.trim());
      }
    } catch (NumberFormatException e) {
      log.debug("hazelcast.max.no.heartbeat.seconds: {}", e.toString());
    }
    return Math.max(MIN_PAUSE_MS, Math.min(PAUSE_MS, seconds * 1000 / 2));
  }

  /** True while a recent pause forbids claims; also notices a pause the watching thread has not seen yet. */
  boolean quiet() {
    tick();
    return nanoClock.getAsLong() - quietUntil < 0;
  }

  /** How long the quiet time still lasts (ms, at least 1 while quiet). */
  long quietLeftMs() {
    return TimeUnit.NANOSECONDS.toMillis(quietUntil - nanoClock.getAsLong()) + 1;
  }

  @Override
  public void close() {
    closed = true;
  }
}
