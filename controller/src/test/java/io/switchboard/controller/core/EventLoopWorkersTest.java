package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a bridge's work runs: on its connection's Netty event loop when the store and every enabled app say they
 * never block, else on the worker pool; in both, one at a time and in order per dpid, parked during a reload, and
 * moved between the two by a reload that changes the app set. An app that says it never blocks and does is reported.
 */
class EventLoopWorkersTest {
  static final String CONFIG = "openflow: {echo-interval: 5s}\napps: [quick]\n";
  static final long DPID = 0x1009;
  static final String DPID_TEXT = "00:00:00:00:00:00:10:09";

  final QuickApp quick = new QuickApp();
  final PoolApp pool = new PoolApp();
  ControllerHarness ctl;

  @AfterEach
  void stop() {
    if (ctl != null) {
      ctl.close();
    }
  }

  @Test
  void aNonBlockingAppIsCalledOnTheConnectionsEventLoopInOrderAndAnswered() throws Exception {
    ctl = ControllerHarness.start(CONFIG, quick, pool);
    assertTrue(ctl.controller().workers().runsOnLoops(), "the in-memory store and the enabled app never block");
    try (FakeSwitch sw = FakeSwitch.connect(ctl.openflowPort(), DPID)) {
      ctl.awaitSwitch(DPID_TEXT, Duration.ofSeconds(10));
      int n = 500;
      for (int i = 0; i < n; i++) {
        sw.send(sw.packetIn(1, 0x0200_0000_0000L + i, 0x0200_00ff_0000L));
      }
      ControllerHarness.awaitTrue("every packet-in answered by a packet-out", Duration.ofSeconds(10),
          () -> sw.packetOuts.get() >= n);
      List<Long> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        expected.add(0x0200_0000_0000L + i);
      }
      assertEquals(expected, quick.sources, "handled in the order the switch sent them");
      assertEquals(1, quick.threads.stream().distinct().count(), "one thread: " + quick.threads.stream().distinct()
          .toList());
      assertTrue(quick.onNettyThread.get(), "a Netty event-loop thread");
      assertTrue(quick.threads.stream().noneMatch(t -> t.startsWith("switch-worker-")), "not the pool");
    }
  }

  @Test
  void aBlockingStoreKeepsTheWorkOnThePool() throws Exception {
    ctl = ControllerHarness.start(CONFIG, 0, new BlockingStores(), Mastership.STANDALONE, quick, pool);
    assertFalse(ctl.controller().workers().runsOnLoops());
    try (FakeSwitch sw = FakeSwitch.connect(ctl.openflowPort(), DPID)) {
      ctl.awaitSwitch(DPID_TEXT, Duration.ofSeconds(10));
      sw.send(sw.packetIn(1, 0x0200_0000_0001L, 0x0200_00ff_0000L));
      ControllerHarness.awaitTrue("answered", Duration.ofSeconds(10), () -> sw.packetOuts.get() >= 1);
      assertTrue(quick.threads.stream().allMatch(t -> t.startsWith("switch-worker-")), quick.threads.toString());
    }
  }

  @Test
  void aReloadParksTheLoopWorkerAndMovesItToThePoolWhenAnAppThatMayBlockIsEnabled() throws Exception {
    ctl = ControllerHarness.start(CONFIG, quick, pool);
    try (FakeSwitch sw = FakeSwitch.connect(ctl.openflowPort(), DPID)) {
      ctl.awaitSwitch(DPID_TEXT, Duration.ofSeconds(10));
      // the worker (on the event loop, for this test only) is inside the app when the reload comes
      quick.block.set(true);
      sw.send(sw.packetIn(1, 0x0200_0000_0001L, 0x0200_00ff_0000L));
      assertTrue(quick.inPacketIn.await(10, TimeUnit.SECONDS));
      SwitchboardConfig withPool = withApps(ctl.controller().config(), List.of("quick", "pool"));
      Thread caller = new Thread(() -> ctl.controller().applyConfig(withPool), "rest-like");
      caller.start();
      Thread.sleep(500);
      assertEquals(0, quick.stops.get(), "the app is not stopped while the bridge's worker runs it");
      assertTrue(caller.isAlive(), "the reload waits for the bridge");
      quick.block.set(false);
      quick.release.countDown();
      caller.join(10_000);
      assertFalse(caller.isAlive());
      assertFalse(quick.overlapped.get(), "stop/start never ran while a packet-in was being handled");
      assertFalse(ctl.controller().workers().runsOnLoops(), "an enabled app may block: the pool");

      quick.threads.clear();
      sw.send(sw.packetIn(1, 0x0200_0000_0002L, 0x0200_00ff_0000L));
      ControllerHarness.awaitTrue("handled after the reload", Duration.ofSeconds(10), () -> !quick.threads.isEmpty());
      assertTrue(quick.threads.get(0).startsWith("switch-worker-"), quick.threads.toString());

      ctl.controller().applyConfig(withApps(ctl.controller().config(), List.of("quick")));
      assertTrue(ctl.controller().workers().runsOnLoops(), "back to the loop");
      quick.threads.clear();
      quick.onNettyThread.set(false);
      sw.send(sw.packetIn(1, 0x0200_0000_0003L, 0x0200_00ff_0000L));
      ControllerHarness.awaitTrue("handled after the second reload", Duration.ofSeconds(10),
          () -> !quick.threads.isEmpty());
      assertTrue(quick.onNettyThread.get(), quick.threads.toString());
      long answered = sw.packetOuts.get();
      ControllerHarness.awaitTrue("all three answered", Duration.ofSeconds(10), () -> sw.packetOuts.get() >= 3);
      assertTrue(answered >= 2);
    }
  }

  @Test
  void anAppThatSaysItNeverBlocksAndBlocksTheLoopIsReported() throws Exception {
    ctl = ControllerHarness.start(CONFIG, quick, pool);
    try (FakeSwitch sw = FakeSwitch.connect(ctl.openflowPort(), DPID)) {
      ctl.awaitSwitch(DPID_TEXT, Duration.ofSeconds(10));
      quick.sleepMillis.set(400);
      sw.send(sw.packetIn(1, 0x0200_0000_0001L, 0x0200_00ff_0000L));
      ControllerHarness.awaitTrue("the stall counted", Duration.ofSeconds(10), () -> ctl.controller().metrics()
          .counter("switchboard_switch_limit_hits_total", "limit", "event_loop_stall") >= 1);
      quick.sleepMillis.set(0);
      long before = sw.packetOuts.get();
      sw.send(sw.packetIn(1, 0x0200_0000_0002L, 0x0200_00ff_0000L));
      ControllerHarness.awaitTrue("still served", Duration.ofSeconds(10), () -> sw.packetOuts.get() > before);
    }
  }

  static SwitchboardConfig withApps(SwitchboardConfig c, List<String> apps) {
    return new SwitchboardConfig(c.openflow(), c.rest(), c.cluster(), apps, c.bridges(), c.reconcile(), c.sections(),
        c.source());
  }

  /** Says it never blocks; answers each packet-in with a packet-out, and can be made to block (for the tests). */
  static final class QuickApp implements ControllerApp {
    final List<Long> sources = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicBoolean onNettyThread = new AtomicBoolean();
    final AtomicBoolean block = new AtomicBoolean();
    final AtomicLong sleepMillis = new AtomicLong();
    final CountDownLatch inPacketIn = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger busy = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    final AtomicInteger stops = new AtomicInteger();

    @Override
    public String name() {
      return "quick";
    }

    @Override
    public boolean nonBlocking() {
      return true;
    }

    @Override
    public void start(AppContext ctx) {
      if (busy.get() > 0) {
        overlapped.set(true);
      }
    }

    @Override
    public void stop() {
      if (busy.get() > 0) {
        overlapped.set(true);
      }
      stops.incrementAndGet();
    }

    @Override
    public void desiredFlows(SwitchView sw, FlowSink out) {
      out.add(FlowEntry.in(Stage.CLASSIFY).priority(10).next(Stage.ACL).build());
    }

    @Override
    public void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {
      busy.incrementAndGet();
      try {
        threads.add(Thread.currentThread().getName());
        if (Thread.currentThread() instanceof FastThreadLocalThread) {
          onNettyThread.set(true);
        }
        byte[] d = in.data();
        long src = 0;
        for (int i = 6; i < 12; i++) {
          src = src << 8 | (d[i] & 0xff);
        }
        sources.add(src);
        if (sleepMillis.get() > 0) {
          ThreadingRuleTest.sleep(sleepMillis.get());
        }
        if (block.get()) {
          inPacketIn.countDown();
          release.await(10, TimeUnit.SECONDS);
        }
        ctx.packetOut(sw.dpid(), in, List.of(Action.output(2)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        busy.decrementAndGet();
      }
    }
  }

  /** An app that does not say it never blocks (the default): with it enabled, bridges' work runs on the pool. */
  static final class PoolApp implements ControllerApp {
    @Override
    public String name() {
      return "pool";
    }

    @Override
    public void desiredFlows(SwitchView sw, FlowSink out) {}
  }

  /** In-memory maps that do not say they never block, as a replicated store would not. */
  static final class BlockingStores implements StoreFactory {
    final InMemoryStoreFactory maps = new InMemoryStoreFactory();

    @Override
    public <K extends Serializable, V extends Serializable> KeyValueStore<K, V> map(String name) {
      return maps.map(name);
    }
  }
}
