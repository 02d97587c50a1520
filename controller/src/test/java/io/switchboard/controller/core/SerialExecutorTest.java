package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-switch worker: in order, one at a time, on a shared pool, and fair to the other switches. */
class SerialExecutorTest {
  /** A pool that runs nothing until told: what the executor handed it is visible. */
  static final class ManualPool implements java.util.concurrent.Executor {
    final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      queued.add(r);
    }

    boolean runOne() {
      Runnable r = queued.poll();
      if (r != null) {
        r.run();
      }
      return r != null;
    }
  }

  @Test
  void tasksRunInOrderAndOneDrainIsQueuedForABurst() {
    ManualPool pool = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      worker.execute(() -> ran.add(n));
    }
    assertEquals(1, pool.queued.size(), "a burst costs one pool task");
    pool.runOne();
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ran);
    assertTrue(pool.queued.isEmpty());
    worker.execute(() -> ran.add(10));
    assertEquals(1, pool.queued.size(), "idle again: the next task schedules a drain");
  }

  @Test
  void aLongQueueYieldsThePoolAfter256Tasks() {
    ManualPool pool = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 600; i++) {
      worker.execute(ran::incrementAndGet);
    }
    pool.runOne();
    assertEquals(256, ran.get());
    assertEquals(1, pool.queued.size(), "the rest waits behind other switches' work");
    pool.runOne();
    pool.runOne();
    assertEquals(600, ran.get());
  }

  @Test
  void aTaskThatQueuesItsContinuationWaitsBehindOtherWorkers() {
    ManualPool pool = new ManualPool();
    SerialExecutor loud = new SerialExecutor(pool, "loud");
    SerialExecutor quiet = new SerialExecutor(pool, "quiet");
    AtomicInteger batches = new AtomicInteger();
    List<String> order = new ArrayList<>();
    Runnable batch = new Runnable() {
      @Override
      public void run() {
        order.add("loud");
        if (batches.incrementAndGet() < 1000) {
          loud.executeNextTurn(this); // an inbox drained a batch at a time: more arrived meanwhile
        }
      }
    };
    loud.execute(batch);
    quiet.execute(() -> order.add("quiet"));
    pool.runOne();
    pool.runOne();
    assertEquals(List.of("loud", "quiet"), order, "the quiet worker's turn comes after one batch, not 256");
    while (pool.runOne()) {
      // the rest
    }
    assertEquals(1000, batches.get());
  }

  @Test
  void tasksQueuedFromOutsideDuringATurnStillRunInIt() {
    ManualPool pool = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    List<Integer> ran = new ArrayList<>();
    worker.execute(() -> {
      ran.add(0);
      worker.execute(() -> ran.add(1)); // e.g. the next change for this bridge, queued by a REST thread
    });
    pool.runOne();
    assertEquals(List.of(0, 1), ran, "one turn");
    assertTrue(pool.queued.isEmpty());
  }

  @Test
  void askingForTheNextTurnWhileIdleRunsAtOnce() {
    ManualPool pool = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    List<Integer> ran = new ArrayList<>();
    worker.executeNextTurn(() -> ran.add(0));
    pool.runOne();
    assertEquals(List.of(0), ran);
    assertTrue(pool.queued.isEmpty());
  }

  @Test
  void aFailingTaskDoesNotStopTheOthers() {
    ManualPool pool = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    List<String> ran = new ArrayList<>();
    worker.execute(() -> ran.add("a"));
    worker.execute(() -> {
      throw new IllegalStateException("boom");
    });
    worker.execute(() -> {
      throw new AssertionError("an Error too");
    });
    worker.execute(() -> ran.add("b"));
    while (pool.runOne()) {
      // drain
    }
    assertEquals(List.of("a", "b"), ran);
  }

  @Test
  void neverTwoTasksAtOnceOnAManyThreadPool() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialExecutor worker = new SerialExecutor(pool, "w");
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      List<Integer> order = new ArrayList<>(); // unsynchronized on purpose: only one task at a time touches it
      int n = 5000;
      CountDownLatch done = new CountDownLatch(n);
      Thread[] producers = new Thread[1];
      producers[0] = new Thread(() -> {
        for (int i = 0; i < n; i++) {
          int k = i;
          worker.execute(() -> {
            if (inside.incrementAndGet() != 1) {
              overlaps.incrementAndGet();
            }
            order.add(k);
            inside.decrementAndGet();
            done.countDown();
          });
        }
      });
      producers[0].start();
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertEquals(0, overlaps.get());
      for (int i = 0; i < n; i++) {
        assertEquals(i, order.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHeldWorkerFinishesWhatWasQueuedThenParksUntilResumed() {
    ManualPool pool = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    List<String> ran = new ArrayList<>();
    worker.execute(() -> ran.add("before"));
    worker.hold(() -> ran.add("parked"));
    worker.execute(() -> ran.add("after"));
    while (pool.runOne()) {
      // drain
    }
    assertEquals(List.of("before", "parked"), ran, "what came after the hold waits");
    worker.execute(() -> ran.add("later"));
    assertTrue(pool.queued.isEmpty(), "a held worker schedules nothing");
    worker.resume();
    while (pool.runOne()) {
      // drain
    }
    assertEquals(List.of("before", "parked", "after", "later"), ran);
  }

  @Test
  void aResumeThatComesBeforeTheWorkerReachedItsHoldDoesNotStrandIt() {
    ManualPool pool = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    List<String> ran = new ArrayList<>();
    worker.execute(() -> ran.add("busy"));
    worker.hold(() -> ran.add("parked late"));
    worker.resume(); // the holder gave up waiting before the worker got there
    worker.execute(() -> ran.add("after"));
    while (pool.runOne()) {
      // drain
    }
    assertEquals(List.of("busy", "parked late", "after"), ran, "the late hold does not park it for good");
  }

  @Test
  void aTurnIsTakenOnTheCallersThreadOnlyWhenTheWorkerIsIdleUnheldAndRunsThere() {
    ManualPool pool = new ManualPool();
    ManualPool elsewhere = new ManualPool();
    SerialExecutor worker = new SerialExecutor(pool, "w");
    List<String> ran = new ArrayList<>();
    assertFalse(worker.enter(elsewhere), "its turns run on another executor");
    assertTrue(worker.enter(pool));
    assertFalse(worker.enter(pool), "one turn at a time");
    worker.execute(() -> ran.add("queued during the turn"));
    assertTrue(pool.queued.isEmpty(), "waits for the turn to end");
    worker.leave();
    assertTrue(pool.runOne());
    assertEquals(List.of("queued during the turn"), ran);

    worker.execute(() -> ran.add("waiting"));
    assertFalse(worker.enter(pool), "a task is waiting: it goes first");
    while (pool.runOne()) {
      // drain
    }
    worker.hold(() -> ran.add("parked"));
    assertFalse(worker.enter(pool), "a hold is on its way");
    while (pool.runOne()) {
      // drain
    }
    assertFalse(worker.enter(pool), "held");
    worker.resume();
    assertTrue(worker.enter(pool), "idle again");
    worker.leave();
    assertTrue(pool.queued.isEmpty(), "a turn with nothing queued schedules nothing");
    assertEquals(List.of("queued during the turn", "waiting", "parked"), ran);
  }

  @Test
  void workersAreOnePerDpidAndGoWithTheirLastConnection() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Workers workers = new Workers(pool);
      SerialExecutor a = workers.acquire(1, "a");
      assertTrue(a == workers.acquire(1, "a2"), "a second connection of the dpid shares the worker");
      SerialExecutor b = workers.acquire(2, "b");
      assertTrue(a != b);
      assertEquals(2, workers.size());
      workers.release(1);
      assertEquals(2, workers.size(), "one connection of dpid 1 is left");
      workers.release(1);
      workers.release(2);
      assertEquals(0, workers.size());
      SerialExecutor c = workers.acquire(1, "c");
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      c.execute(() -> {
        inside.countDown();
        await(release);
      });
      assertTrue(inside.await(5, TimeUnit.SECONDS));
      AtomicInteger during = new AtomicInteger(-1);
      Thread holder = new Thread(() -> workers.whileHeld(java.time.Duration.ofSeconds(5), () -> during.set(1)));
      holder.start();
      Thread.sleep(200);
      assertEquals(-1, during.get(), "the work waits for the busy worker to park");
      release.countDown();
      holder.join(5000);
      assertEquals(1, during.get());
      CountDownLatch after = new CountDownLatch(1);
      c.execute(after::countDown);
      assertTrue(after.await(5, TimeUnit.SECONDS), "resumed");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStoppedPoolDropsQueuedWorkQuietlyButAFullOneStillRefusesLoudly() {
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    SerialExecutor w = new SerialExecutor(stopped, "w");
    AtomicInteger ran = new AtomicInteger();
    w.execute(ran::incrementAndGet); // no exception for whoever queued it: the controller is stopping
    w.execute(ran::incrementAndGet);
    assertEquals(0, ran.get());
    SerialExecutor refused = new SerialExecutor(r -> {
      throw new java.util.concurrent.RejectedExecutionException("full");
    }, "r");
    org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.RejectedExecutionException.class,
        () -> refused.execute(ran::incrementAndGet));
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
