package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The audit's timing, on a fake clock and timer: no sleeps. */
class AuditScheduleTest {
  /** A timer on a fake clock: tasks run when the test advances the clock past their time, in time order. */
  static final class FakeTimer implements AuditSchedule.Timer {
    long now;
    private long seq;
    private final List<long[]> due = new ArrayList<>(); // {time, seq}
    private final Map<Long, Runnable> tasks = new LinkedHashMap<>();

    @Override
    public Runnable schedule(Runnable task, long delayMs) {
      long id = seq++;
      due.add(new long[] {now + delayMs, id});
      tasks.put(id, task);
      return () -> tasks.remove(id);
    }

    /** Advances the clock to {@code until}, running every task due by then. */
    void advanceTo(long until) {
      while (true) {
        long[] next = due.stream().filter(d -> d[0] <= until && tasks.containsKey(d[1]))
            .min(Comparator.<long[]>comparingLong(d -> d[0]).thenComparingLong(d -> d[1])).orElse(null);
        due.removeIf(d -> !tasks.containsKey(d[1]));
        if (next == null) {
          now = until;
          return;
        }
        due.remove(next);
        now = Math.max(now, next[0]);
        tasks.remove(next[1]).run();
      }
    }
  }

  /** Bridges whose audits the test finishes by hand (or at once). */
  static final class Audits {
    final List<String> bridges = new ArrayList<>(List.of("a", "b", "c", "d"));
    final List<String> started = new ArrayList<>();
    final List<Long> startedAt = new ArrayList<>();
    final List<CompletableFuture<Void>> running = new ArrayList<>();
    boolean finishAtOnce = true;
    FakeTimer timer;

    CompletableFuture<?> audit(String b) {
      started.add(b);
      startedAt.add(timer.now);
      CompletableFuture<Void> f = new CompletableFuture<>();
      if (finishAtOnce) {
        f.complete(null);
      } else {
        running.add(f);
      }
      return f;
    }
  }

  private static AuditSchedule<String> schedule(Audits a, FakeTimer t, double random) {
    a.timer = t;
    return new AuditSchedule<>(() -> List.copyOf(a.bridges), a::audit, t, () -> t.now, () -> random);
  }

  @Test
  void eachBridgeOnceARoundInItsOwnSlot() {
    FakeTimer t = new FakeTimer();
    Audits a = new Audits();
    AuditSchedule<String> s = schedule(a, t, 0.5); // the middle of each slot
    s.start(Duration.ofSeconds(4));
    t.advanceTo(3999);
    assertEquals(List.of("a", "b", "c", "d"), a.started);
    assertEquals(List.of(500L, 1500L, 2500L, 3500L), a.startedAt, "spread: one bridge a second, not all at once");
    t.advanceTo(8000);
    assertEquals(List.of("a", "b", "c", "d", "a", "b", "c", "d"), a.started);
    assertEquals(List.of(500L, 1500L, 2500L, 3500L, 4500L, 5500L, 6500L, 7500L), a.startedAt, "rounds every interval");
  }

  @Test
  void jitterStaysInTheMiddleHalfOfTheSlot() {
    for (double r : new double[] {0.0, 0.999}) {
      FakeTimer t = new FakeTimer();
      Audits a = new Audits();
      schedule(a, t, r).start(Duration.ofSeconds(4));
      t.advanceTo(3999);
      for (int i = 0; i < 4; i++) {
        long at = a.startedAt.get(i);
        assertTrue(at >= i * 1000 + 250 && at <= i * 1000 + 750, "bridge " + i + " at " + at + " ms (random " + r + ")");
      }
    }
  }

  @Test
  void oneAuditAtATimeTheNextWaitsForTheSlowOne() {
    FakeTimer t = new FakeTimer();
    Audits a = new Audits();
    a.finishAtOnce = false;
    schedule(a, t, 0.5).start(Duration.ofSeconds(4));
    t.advanceTo(2000);
    assertEquals(List.of("a"), a.started, "b's slot came, but a's audit is still running");
    a.running.get(0).complete(null);
    t.advanceTo(2000);
    assertEquals(List.of("a", "b"), a.started, "b starts as soon as a is done (its slot is past)");
    a.running.get(1).complete(null);
    t.advanceTo(2499);
    assertEquals(2, a.started.size());
    t.advanceTo(2500);
    assertEquals(List.of("a", "b", "c"), a.started, "c keeps its own slot");
  }

  @Test
  void anAuditThatNeverFinishesIsNotWaitedForBeyondAnInterval() {
    FakeTimer t = new FakeTimer();
    Audits a = new Audits();
    a.finishAtOnce = false;
    schedule(a, t, 0.5).start(Duration.ofSeconds(4));
    t.advanceTo(4499);
    assertEquals(List.of("a"), a.started);
    t.advanceTo(4500);
    assertEquals(List.of("a", "b"), a.started, "given up on a after one interval");
    a.running.get(0).complete(null); // a finishing late does not start a second chain
    t.advanceTo(4500);
    assertEquals(List.of("a", "b"), a.started);
  }

  @Test
  void bridgesThatCameAndWentAreSeenAtTheNextRound() {
    FakeTimer t = new FakeTimer();
    Audits a = new Audits();
    a.bridges.clear();
    schedule(a, t, 0.5).start(Duration.ofSeconds(4));
    t.advanceTo(3000);
    a.bridges.add("x");
    t.advanceTo(3999);
    assertTrue(a.started.isEmpty(), "a round with no bridges waits an interval");
    t.advanceTo(6000);
    assertEquals(List.of("x"), a.started);
    assertEquals(List.of(6000L), a.startedAt, "alone, x gets the whole interval as its slot");
  }

  @Test
  void stopAndRestartLeaveOneSchedule() {
    FakeTimer t = new FakeTimer();
    Audits a = new Audits();
    AuditSchedule<String> s = schedule(a, t, 0.5);
    s.start(Duration.ofSeconds(4));
    t.advanceTo(1000);
    s.start(Duration.ofSeconds(8)); // a reload changed the interval
    t.advanceTo(9000);
    assertEquals(List.of("a", "a", "b", "c", "d"), a.started, "the old schedule stopped; the new one spreads over 8 s");
    assertEquals(List.of(500L, 2000L, 4000L, 6000L, 8000L), a.startedAt);
    s.stop();
    t.advanceTo(30_000);
    assertEquals(5, a.started.size(), "nothing after stop");
  }
}
