package io.switchboard.controller.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Many switches flooding packet-ins at once, against a real controller on loopback: what they make the controller
 * hold together stays near {@code openflow.limits.inbound-total} (each switch gets a share of it), not
 * {@code inbound-queue} times their number, and a well-behaved switch keeps being served meanwhile.
 */
class ManyFloodingSwitchesTest {
  static final int FLOODERS = 8;
  static final int TOTAL = 1024;
  /** Switches connected during the flood: the flooders and the good one. */
  static final int SWITCHES = FLOODERS + 1;
  /** One read of at most 16 KiB may land after a pause; the test's packet-ins are ~100 bytes. */
  static final int ONE_READ = 200;

  static final String CONFIG = """
      apps: [slow-echo]
      openflow:
        limits:
          inbound-queue: 1024
          inbound-total: %d
          max-handshakes-per-source: 16
      """.formatted(TOTAL);

  /** Answers every packet-in with a packet-out after a short wait, so that the flood outruns it. */
  static final class SlowEcho implements ControllerApp {
    final AtomicInteger packetIns = new AtomicInteger();

    public String name() {
      return "slow-echo";
    }

    public void desiredFlows(SwitchView sw, FlowSink out) {}

    public void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {
      LockSupport.parkNanos(20_000);
      packetIns.incrementAndGet();
      ctx.packetOut(sw.dpid(), in, List.of(Action.output(2)));
    }
  }

  final SlowEcho app = new SlowEcho();
  final List<FakeSwitch> switches = new ArrayList<>();
  ControllerHarness ctl;

  @AfterEach
  void stop() throws Exception {
    for (FakeSwitch s : switches) {
      s.close();
    }
    if (ctl != null) {
      ctl.close();
    }
  }

  @Test
  void floodingSwitchesShareTheInboundBudget() throws Exception {
    ctl = ControllerHarness.start(CONFIG, app);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    for (String pkg : List.of(Controller.class.getPackageName(), SwitchSession.class.getPackageName())) {
      ((Logger) LoggerFactory.getLogger(pkg)).addAppender(logs);
    }
    FakeSwitch good = connect(0x900d);
    List<SwitchSession> loud = new ArrayList<>();
    List<Thread> flooders = new ArrayList<>();
    for (int i = 0; i < FLOODERS; i++) {
      FakeSwitch s = connect(0x1000 + i);
      loud.add(ctl.awaitSwitch(Values.dpid(s.dpid()), Duration.ofSeconds(10)));
      Thread t = new Thread(() -> {
        try {
          s.flood(4_000);
        } catch (Exception e) {
          // closed at the end
        }
      });
      t.setDaemon(true);
      flooders.add(t);
    }
    int share = TOTAL / SWITCHES;
    assertEquals(share, share(), "the metric shows each switch's share");

    int[] peakTotal = {0};
    int[] peakOne = {0};
    Thread watcher = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        int sum = 0;
        for (SwitchSession s : loud) {
          int d = s.inboxDepth();
          sum += d;
          peakOne[0] = Math.max(peakOne[0], d);
        }
        peakTotal[0] = Math.max(peakTotal[0], sum);
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    watcher.start();
    flooders.forEach(Thread::start);
    Thread.sleep(1_500);
    long before = good.packetOuts.get();
    good.send(good.packetIn(1, 0x0200_0000_0abcL, 0x0200_0000_0defL));
    ControllerHarness.awaitTrue("the good switch gets its packet-out during the flood", Duration.ofSeconds(2),
        () -> good.packetOuts.get() > before);
    assertTrue(flooders.stream().anyMatch(Thread::isAlive), "answered while the others still flood");
    for (Thread t : flooders) {
      t.join();
    }
    watcher.interrupt();
    watcher.join();

    assertTrue(peakOne[0] >= share - 10, "the flood filled an inbox to its share (" + share + "), peak "
        + peakOne[0]);
    assertTrue(peakTotal[0] <= TOTAL + FLOODERS * ONE_READ, "all inboxes together stayed near inbound-total ("
        + TOTAL + ", plus one read each), peaked at " + peakTotal[0] + " (inbound-queue alone allows "
        + FLOODERS * 1024 + ")");
    assertTrue(app.packetIns.get() > 1000, "the flood was handled");
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains(
        "its share of openflow.limits.inbound-total, " + TOTAL + ", among " + SWITCHES + " switches")),
        "the pause is logged with where the bound comes from");
    for (SwitchSession s : loud) {
      assertTrue(s.isOpen(), "a switch that only talks a lot is slowed down, not disconnected");
    }
  }

  @Test
  void theShareComesBackWhenSwitchesLeave() throws Exception {
    ctl = ControllerHarness.start(CONFIG, app);
    for (int i = 0; i < 4; i++) {
      connect(0x2000 + i);
    }
    assertEquals(TOTAL / 4, share());
    switches.remove(3).close();
    switches.remove(2).close();
    ControllerHarness.awaitTrue("two switches gone", Duration.ofSeconds(10), () -> {
      try {
        return share() == TOTAL / 2;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  FakeSwitch connect(long dpid) throws Exception {
    FakeSwitch s = FakeSwitch.connect(ctl.openflowPort(), dpid);
    switches.add(s);
    ctl.awaitSwitch(Values.dpid(dpid), Duration.ofSeconds(10));
    return s;
  }

  int share() throws Exception {
    for (String line : ctl.get("/metrics").body().split("\n")) {
      if (line.startsWith("switchboard_openflow_inbound_share ")) {
        return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    throw new AssertionError("no switchboard_openflow_inbound_share in /metrics");
  }
}
