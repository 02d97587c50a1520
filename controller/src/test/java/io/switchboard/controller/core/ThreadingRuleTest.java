package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SPI's threading rule on a real controller (its worker pool, the OpenFlow port on loopback, switches over TCP):
 * a config reload restarts the apps while no bridge's worker runs app code, and not on the caller's thread, and
 * recomputes each bridge on its worker; a replaced connection's switch down and the new connection's adoption
 * never run at once.
 */
class ThreadingRuleTest {
  static final String CONFIG = "openflow: {echo-interval: 5s}\napps: [probe]\n";
  static final long DPID = 0x7e57;

  final ProbeApp app = new ProbeApp();
  ControllerHarness ctl;

  @AfterEach
  void stop() {
    if (ctl != null) {
      ctl.close();
    }
  }

  @Test
  void aReloadRestartsTheAppsOnlyWhileNoBridgeWorkerRunsAppCode() throws Exception {
    ctl = ControllerHarness.start(CONFIG, app);
    try (FakeSwitch sw = FakeSwitch.connect(ctl.openflowPort(), DPID)) {
      ctl.awaitSwitch("00:00:00:00:00:00:7e:57", Duration.ofSeconds(10));
      app.blockPacketIns.set(true);
      sw.send(sw.packetIn(1, 0x020000000001L, 0x020000000002L));
      assertTrue(app.inPacketIn.await(10, TimeUnit.SECONDS), "the bridge's worker is inside the app");

      Thread caller = new Thread(() -> ctl.controller().applyConfig(ctl.controller().config()), "rest-like");
      caller.start();
      Thread.sleep(500);
      assertEquals(0, app.stops.get(), "the app is not stopped while a bridge's worker runs it");
      assertTrue(caller.isAlive(), "the reload waits for the bridge");
      app.computeThreads.clear();
      app.release.countDown();
      caller.join(10_000);
      assertFalse(caller.isAlive());

      assertEquals(1, app.stops.get());
      assertEquals(2, app.starts.get());
      assertFalse(app.overlapped.get(), "stop/start never ran while a packet-in was being handled");
      assertNotEquals("rest-like", app.lifecycleThread, "not on the caller's thread");
      assertEquals("controller-lifecycle", app.lifecycleThread);
      ControllerHarness.awaitTrue("the bridge recomputed after the reload", Duration.ofSeconds(5),
          () -> !app.computeThreads.isEmpty());
      assertTrue(app.computeThreads.stream().allMatch(t -> t.startsWith("switch-worker-")), "on the bridge's worker: "
          + app.computeThreads);
      app.blockPacketIns.set(false);
    }
  }

  @Test
  void aReplacedConnectionsSwitchDownAndTheNewAdoptionNeverOverlap() throws Exception {
    SlowMastership mastership = new SlowMastership();
    ctl = ControllerHarness.start(CONFIG, 0, new InMemoryStoreFactory(), mastership, app);
    for (int round = 0; round < 3; round++) {
      FakeSwitch old = FakeSwitch.connect(ctl.openflowPort(), DPID);
      ControllerHarness.awaitTrue("connected", Duration.ofSeconds(10),
          () -> ctl.controller().session(DPID).isPresent() && mastership.ups.get() > 0);
      app.slowSwitchDown.set(true);
      old.close(); // its switch down is slow (the app and the mastership take their time) ...
      try (FakeSwitch next = FakeSwitch.connect(ctl.openflowPort(), DPID)) { // ... and the bridge is back at once
        int ups = mastership.ups.get();
        ControllerHarness.awaitTrue("the new connection adopted", Duration.ofSeconds(10),
            () -> mastership.ups.get() > ups && mastership.downs.get() > 0);
        app.slowSwitchDown.set(false);
      }
      ControllerHarness.awaitTrue("gone", Duration.ofSeconds(10), () -> ctl.controller().session(DPID).isEmpty());
    }
    assertEquals(List.of(), mastership.overlaps, "switch down and adoption of one dpid ran at once");
    ControllerHarness.awaitTrue("no worker outlives its dpid's connections", Duration.ofSeconds(5),
        () -> ctl.controller().workers().size() == 0);
  }

  /** An app that records on which threads it runs, and can hold a packet-in or a switch down. */
  static final class ProbeApp implements ControllerApp {
    final AtomicBoolean blockPacketIns = new AtomicBoolean();
    final AtomicBoolean slowSwitchDown = new AtomicBoolean();
    final CountDownLatch inPacketIn = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger busy = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    final List<String> computeThreads = new CopyOnWriteArrayList<>();
    volatile String lifecycleThread;

    @Override
    public String name() {
      return "probe";
    }

    @Override
    public void start(AppContext ctx) {
      if (busy.get() > 0) {
        overlapped.set(true);
      }
      starts.incrementAndGet();
      lifecycleThread = Thread.currentThread().getName();
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
      computeThreads.add(Thread.currentThread().getName());
      out.add(FlowEntry.in(Stage.CLASSIFY).priority(10).next(Stage.ACL).build());
    }

    @Override
    public void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {
      if (!blockPacketIns.get()) {
        return;
      }
      busy.incrementAndGet();
      try {
        inPacketIn.countDown();
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        busy.decrementAndGet();
      }
    }

    @Override
    public void onSwitchDown(long dpid) {
      if (slowSwitchDown.get()) {
        sleep(300);
      }
    }
  }

  /** Programs at once, like the standalone one, and notes whether an adoption ran during a switch down. */
  static final class SlowMastership implements Mastership {
    final AtomicInteger ups = new AtomicInteger();
    final AtomicInteger downs = new AtomicInteger();
    final AtomicInteger inDown = new AtomicInteger();
    final List<String> overlaps = new CopyOnWriteArrayList<>();

    @Override
    public boolean isMaster(long dpid) {
      return true;
    }

    @Override
    public void switchUp(MastershipLink link) {
      if (inDown.get() > 0) {
        overlaps.add("up during a down of " + link.dpid());
      }
      ups.incrementAndGet();
      link.program();
    }

    @Override
    public void switchDown(MastershipLink link) {
      inDown.incrementAndGet();
      try {
        sleep(200);
      } finally {
        inDown.decrementAndGet();
        downs.incrementAndGet();
      }
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
