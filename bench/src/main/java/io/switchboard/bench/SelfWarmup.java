package io.switchboard.bench;

import io.switchboard.controller.core.CompilerQueue;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The benchmark tools' warm-up of their own code, before they measure a controller (the cbench generator's
 * {@code --self-warmup}, the churn driver's): traffic inside the tool's JVM for the time asked, then in rounds of a
 * second until HotSpot's optimizing compiler has nothing queued after two rounds in a row ({@link CompilerQueue}); no
 * round starts after {@link #MAX} (or the time asked, when longer). A tool shares the machine with the controller
 * it measures, and its own JIT in the first seconds took CPU from it.
 */
public final class SelfWarmup {
  /** No round starts after this, whatever the JIT says (unless more time is asked). */
  public static final Duration MAX = Duration.ofSeconds(20);
  /** One round after the first: the JIT's queue is read between rounds. */
  private static final Duration ROUND = Duration.ofSeconds(1);
  /** How often a long warm-up says how it goes. */
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  private SelfWarmup() {}

  /** One round of the tool's traffic, for about {@code length}. */
  @FunctionalInterface
  public interface Round {
    void run(Duration length) throws InterruptedException;
  }

  /** How a warm-up ended: its rounds, the JIT's queue after the last (-1: unreadable), empty rounds in a row. */
  public record Outcome(int rounds, int queued, int drained) {
    /** What the JIT was left with, for people. */
    public String jit() {
      return queued < 0 ? "(the JIT's queue cannot be read here)"
          : drained >= 2 ? "the JIT has caught up"
          : queued == 0 ? "the JIT's queue was empty after the last round only (stopped at the cap)"
          : queued + (queued == 1 ? " method" : " methods") + " still queued for the JIT (stopped at the cap)";
    }
  }

  /**
   * Runs {@code round} for {@code first}, then for a second at a time until the JIT has caught up or {@code cap}
   * (from the start; {@code first} when longer) has passed; {@code jitQueue} says how many methods wait for the
   * optimizing compiler, -1 when it cannot tell. Every 5 s, {@code progress} gets a line saying how it goes.
   */
  public static Outcome run(Duration first, Duration cap, IntSupplier jitQueue, Round round, Consumer<String> progress)
      throws InterruptedException {
    long begun = System.nanoTime();
    long latest = begun + Math.max(first.toNanos(), cap.toNanos());
    int rounds = 0;
    int drained = 0;
    int queued;
    long said = begun;
    do {
      round.run(rounds == 0 ? first : ROUND);
      rounds++;
      queued = jitQueue.getAsInt();
      drained = queued == 0 ? drained + 1 : 0;
      long now = System.nanoTime();
      if (now - said >= PROGRESS_EVERY.toNanos()) { // it may take 20 s: say how it goes
        said = now;
        progress.accept(String.format(Locale.ROOT, "%.0f s, %d round(s), %s", (now - begun) / 1e9, rounds,
            queued < 0 ? "the JIT's queue cannot be read" : queued + " queued for the JIT"));
      }
    } while ((queued > 0 || queued == 0 && drained < 2) && System.nanoTime() < latest);
    return new Outcome(rounds, queued, drained);
  }
}
