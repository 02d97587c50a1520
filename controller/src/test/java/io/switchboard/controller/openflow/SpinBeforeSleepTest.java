package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;

class SpinBeforeSleepTest {
  @AfterEach
  void clear() {
    System.clearProperty(OpenFlowServer.SPIN_PROPERTY);
  }

  @Test
  void readySocketsAreHandledAtOnce() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    SpinBeforeSleep s = new SpinBeforeSleep(TimeUnit.SECONDS.toNanos(10));
    assertEquals(3, s.calculateStrategy(() -> { polls.incrementAndGet(); return 3; }, false));
    assertEquals(1, polls.get());
  }

  @Test
  void withTasksWaitingItPollsOnceAndNeverSpins() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    SpinBeforeSleep s = new SpinBeforeSleep(TimeUnit.SECONDS.toNanos(10));
    assertEquals(0, s.calculateStrategy(() -> { polls.incrementAndGet(); return 0; }, true));
    assertEquals(1, polls.get());
  }

  @Test
  void keepsPollingUntilSomethingIsReady() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    SpinBeforeSleep s = new SpinBeforeSleep(TimeUnit.SECONDS.toNanos(10));
    assertEquals(2, s.calculateStrategy(() -> polls.incrementAndGet() < 50 ? 0 : 2, false));
    assertEquals(50, polls.get());
  }

  @Test
  void sleepsWhenTheWindowEndsWithNothingReady() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    long window = TimeUnit.MILLISECONDS.toNanos(20);
    SpinBeforeSleep s = new SpinBeforeSleep(window);
    long start = System.nanoTime();
    assertEquals(SelectStrategy.SELECT, s.calculateStrategy(() -> { polls.incrementAndGet(); return 0; }, false));
    long took = System.nanoTime() - start;
    assertTrue(took >= window, "returned after " + took + " ns");
    assertTrue(polls.get() > 1, "polled " + polls.get() + " times");
  }

  @Test
  void afterALongSleepItSleepsAtOnceUntilASleepIsShortAgain() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    long window = TimeUnit.MILLISECONDS.toNanos(20);
    SpinBeforeSleep s = new SpinBeforeSleep(window);
    IntSupplier nothing = () -> { polls.incrementAndGet(); return 0; };
    assertEquals(SelectStrategy.SELECT, s.calculateStrategy(nothing, false)); // polled the window through
    Thread.sleep(200); // a sleep ten windows long: the next message came late
    polls.set(0);
    assertEquals(SelectStrategy.SELECT, s.calculateStrategy(nothing, false));
    assertEquals(1, polls.get(), "one look, then sleep");
    polls.set(0);
    assertEquals(SelectStrategy.SELECT, s.calculateStrategy(nothing, false)); // woken at once: a short sleep
    assertTrue(polls.get() > 1, "polls again after a short sleep: " + polls.get());
  }

  @Test
  void aPollThatFindsWorkKeepsItPolling() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    SpinBeforeSleep s = new SpinBeforeSleep(TimeUnit.SECONDS.toNanos(10));
    for (int round = 0; round < 3; round++) {
      polls.set(0);
      assertEquals(1, s.calculateStrategy(() -> polls.incrementAndGet() < 5 ? 0 : 1, false));
      assertEquals(5, polls.get());
    }
  }

  /**
   * Loops that poll before they sleep still do everything else a loop does: the handshake, the messages read, and
   * the keepalive's timers (an echo request after a quiet interval).
   */
  @Test
  void aServerWhoseLoopsPollServesSwitchesAndKeepsItsTimers() throws Exception {
    System.setProperty(OpenFlowServer.SPIN_PROPERTY, "200");
    AtomicInteger packetIns = new AtomicInteger();
    OpenFlowServer server = new OpenFlowServer();
    try {
      int port = server.start("127.0.0.1", 0, Duration.ofMillis(300), new SwitchListener() {
        public void switchUp(SwitchSession s) {}

        public void switchDown(SwitchSession s) {}

        public void message(SwitchSession s, OFMessage m) {
          if (m.getType() == OFType.PACKET_IN) {
            packetIns.incrementAndGet();
          }
        }

        public void undecodable(SwitchSession s, Undecodable u) {}
      }, Runnable::run).getPort();
      try (FakeSwitch sw = FakeSwitch.connect(port, 0xb1)) {
        ControllerHarness.awaitTrue("handshake done", Duration.ofSeconds(5), sw::handshakeDone);
        for (int i = 0; i < 10; i++) {
          sw.send(sw.packetIn(1, 0x0200_0000_0001L + i, 0x0200_0000_0100L));
        }
        ControllerHarness.awaitTrue("10 packet-ins handled", Duration.ofSeconds(5), () -> packetIns.get() == 10);
        ControllerHarness.awaitTrue("an echo request after a quiet interval", Duration.ofSeconds(5),
            () -> sw.count(OFType.ECHO_REQUEST) > 0);
      }
    } finally {
      server.close();
    }
  }

  @Test
  void fiftyMicrosecondsUnlessTold() {
    assertEquals(50, OpenFlowServer.spinMicros());
    System.setProperty(OpenFlowServer.SPIN_PROPERTY, " 0 ");
    assertEquals(0, OpenFlowServer.spinMicros());
    System.setProperty(OpenFlowServer.SPIN_PROPERTY, "200");
    assertEquals(200, OpenFlowServer.spinMicros());
  }

  @Test
  void aWindowThatIsNotZeroToTenThousandSaysWhatItExpects() {
    for (String bad : new String[] {"-1", "fifty", "10001", "2.5"}) {
      System.setProperty(OpenFlowServer.SPIN_PROPERTY, bad);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, OpenFlowServer::spinMicros, bad);
      assertTrue(e.getMessage().contains("switchboard.openflow.spin-us")
          && e.getMessage().contains("from 0 to 10000") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
