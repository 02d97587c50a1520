package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Endpoint changes from several threads at once: a change's REST call does not wait while another thread hands the
 * bridges their deltas; the changes that arrived meanwhile are handed on together, from the newest topology; and
 * every bridge ends with exactly what a computation from scratch gives.
 */
class ConcurrentChangesTest {
  /** The core as the app sees it, both hosts' bridges connected; the first delta can be held up. */
  static final class Ctx extends FakeAppContext {
    final FakeSwitchView host1 = Fixtures.host1();
    final FakeSwitchView host2 = Fixtures.host2();
    final CountDownLatch inFirstUpdate = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    /** The update call (counted from 1) that fails, as a bug in the core's bookkeeping would; 0: none. */
    volatile int failing;

    Ctx() {
      super(Fixtures.config(Fixtures.YAML), new InMemoryStoreFactory());
    }

    @Override
    public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
      int call = calls.incrementAndGet();
      if (call == failing) {
        throw new IllegalStateException("test: this update fails");
      }
      if (call == 1) {
        inFirstUpdate.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.update(dpid, added, removed);
    }
  }

  private static Map<String, Object> endpoint(int i) {
    return EndpointApiTest.body("c" + i, i % 2 == 0 ? "net1" : "net2", i % 3 == 0 ? "host2" : "host1",
        "c" + i + "-eth", String.format("02:00:00:00:%02x:%02x", 0x10 + i % 2, i), "192.168." + (1 + i % 2) + "."
            + (100 + i));
  }

  @Test
  void changesArrivingWhileDeltasAreComputedAreHandedOnTogether() throws Exception {
    Ctx ctx = new Ctx();
    VxlanOverlayApp app = new VxlanOverlayApp();
    ctx.start(app, ctx.host1, ctx.host2);
    RestResource api = app.resources().get(0);
    ExecutorService first = Executors.newSingleThreadExecutor();
    try {
      Future<?> held = first.submit(() -> api.create(endpoint(0))); // its delta is held up in the core
      assertTrue(ctx.inFirstUpdate.await(10, TimeUnit.SECONDS));
      for (int i = 1; i <= 6; i++) { // answered at once: the first thread hands these on too
        api.create(endpoint(i));
      }
      api.delete("c1");
      int before = ctx.calls.get();
      ctx.release.countDown();
      held.get(10, TimeUnit.SECONDS);
      // host1 got the first change's delta, then one delta for the seven changes after it (host2 likewise, at most)
      assertTrue(ctx.calls.get() - before <= 3, "changes after the first were handed on together: "
          + (ctx.calls.get() - before) + " more deltas");
    } finally {
      first.shutdownNow();
    }
    assertTrue(app.topology().endpoint("c4").isPresent(), "c4 is in");
    assertTrue(app.topology().endpoint("c1").isEmpty(), "c1 is gone");
    assertEqualsFromScratch(app, ctx);
  }

  @Test
  void aFailureWhileHandingOnFallsBackToComputingEveryBridgeAgain() throws Exception {
    Ctx ctx = new Ctx();
    ctx.release.countDown();
    ctx.failing = 2; // the second bridge's delta of the first change
    VxlanOverlayApp app = new VxlanOverlayApp();
    ctx.start(app, ctx.host1, ctx.host2);
    RestResource api = app.resources().get(0);
    api.create(endpoint(3)); // answered: the failure is the deltas', logged, not the request's
    assertEquals(1, ctx.recomputeAll.get(), "the core asked for every bridge again");
    assertEqualsFromScratch(app, ctx);
    api.create(endpoint(4)); // and later changes go on from there
    api.delete("c3");
    assertEqualsFromScratch(app, ctx);
  }

  /** Each bridge holds (its desired set as the core keeps it, deltas applied) what a computation from scratch gives. */
  private static void assertEqualsFromScratch(VxlanOverlayApp app, Ctx ctx) {
    for (FakeSwitchView sw : List.of(ctx.host1, ctx.host2)) {
      assertEquals(FakeAppContext.dump(OverlayFlows.compute(app.topology(), sw)), ctx.dump(sw.dpid()),
          "bridge " + sw.dpid());
    }
  }

  @Test
  void manyThreadsAtOnceLoseNoChange() throws Exception {
    Ctx ctx = new Ctx();
    ctx.release.countDown(); // nothing held up
    VxlanOverlayApp app = new VxlanOverlayApp();
    ctx.start(app, ctx.host1, ctx.host2);
    RestResource api = app.resources().get(0);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int thread = t;
        runs.add(pool.submit(() -> {
          for (int round = 0; round < 20; round++) {
            for (int k = 0; k < 8; k++) {
              api.create(endpoint(thread * 8 + k + 1));
            }
            for (int k = round % 2; k < 8; k += 2) { // half of them stay until the next round
              api.delete("c" + (thread * 8 + k + 1));
            }
            for (int k = (round + 1) % 2; k < 8; k += 2) {
              api.delete("c" + (thread * 8 + k + 1));
            }
          }
          for (int k = 0; k < 8; k += 3) {
            api.create(endpoint(thread * 8 + k + 1));
          }
          return null;
        }));
      }
      for (Future<?> r : runs) {
        r.get(60, TimeUnit.SECONDS);
      }
      assertTrue(app.awaitHandedOn(10_000), "every change handed on");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(7 + 6 * 3, api.list().size(), "the config's 7 and 3 of every thread's 8");
    assertEqualsFromScratch(app, ctx);
  }
}
