package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.OpenFlowLimits;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;

/**
 * The keepalive against real sockets: a switch that has sent nothing for an echo interval is sent an echo request,
 * and one that stays silent for three intervals (here: stops answering them) is disconnected, while one that
 * answers stays as long as it likes.
 */
class KeepaliveTest {
  static final Duration ECHO = Duration.ofMillis(300);

  @Test
  void aQuietSwitchIsProbedAndStaysWhileItAnswersOneThatStopsAnsweringIsDropped() throws Exception {
    Set<Long> up = ConcurrentHashMap.newKeySet();
    Set<Long> down = ConcurrentHashMap.newKeySet();
    OpenFlowServer server = new OpenFlowServer();
    try {
      int port = server.start("127.0.0.1", 0, ECHO, new SwitchListener() {
        public void switchUp(SwitchSession s) {
          up.add(s.dpid());
        }

        public void switchDown(SwitchSession s) {
          down.add(s.dpid());
        }

        public void message(SwitchSession s, OFMessage m) {}

        public void undecodable(SwitchSession s, Undecodable u) {}
      }, Runnable::run).getPort();
      try (FakeSwitch answers = FakeSwitch.connect(port, 0xa1); FakeSwitch hung = FakeSwitch.connect(port, 0xa2)) {
        ControllerHarness.awaitTrue("both switches up", Duration.ofSeconds(5), () -> up.size() == 2);
        hung.ignoreEchoes();
        long t0 = System.nanoTime();
        ControllerHarness.awaitTrue("the switch that no longer answers echoes dropped", Duration.ofSeconds(5),
            hung::closedByPeer);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(tookMs >= 2 * ECHO.toMillis(), "not before its third silent interval: " + tookMs + " ms");
        assertTrue(hung.count(OFType.ECHO_REQUEST) >= 2, "probed before it was dropped");
        ControllerHarness.awaitTrue("its session down", Duration.ofSeconds(5), () -> down.contains(0xa2L));
        Thread.sleep(6 * ECHO.toMillis() - Math.min(tookMs, 6 * ECHO.toMillis()));
        assertFalse(answers.closedByPeer(), "a quiet switch that answers its echoes stays connected");
        assertFalse(down.contains(0xa1L));
        assertTrue(answers.count(OFType.ECHO_REQUEST) >= 4,
            "one echo request per quiet interval: " + answers.count(OFType.ECHO_REQUEST));
      }
    } finally {
      server.close();
    }
  }

  @Test
  void aSwitchTheControllerKeepsWritingToIsStillProbedAndStaysWhileItAnswers() throws Exception {
    java.util.Map<Long, SwitchSession> up = new ConcurrentHashMap<>();
    OpenFlowServer server = new OpenFlowServer();
    try {
      int port = server.start("127.0.0.1", 0, ECHO, new SwitchListener() {
        public void switchUp(SwitchSession s) {
          up.put(s.dpid(), s);
        }

        public void switchDown(SwitchSession s) {
          up.remove(s.dpid());
        }

        public void message(SwitchSession s, OFMessage m) {}

        public void undecodable(SwitchSession s, Undecodable u) {}
      }, Runnable::run).getPort();
      try (FakeSwitch sw = FakeSwitch.connect(port, 0xa3)) {
        ControllerHarness.awaitTrue("the switch up", Duration.ofSeconds(5), () -> up.containsKey(0xa3L));
        SwitchSession s = up.get(0xa3L);
        long end = System.nanoTime() + 6 * ECHO.toNanos();
        while (System.nanoTime() < end) { // packet-outs every third of an interval: the switch answers none
          s.send(s.factory().buildPacketOut().setXid(9).setBufferId(org.projectfloodlight.openflow.types.OFBufferId
              .NO_BUFFER).setInPort(org.projectfloodlight.openflow.types.OFPort.CONTROLLER).setActions(
              java.util.List.of()).setData(new byte[60]).build());
          Thread.sleep(ECHO.toMillis() / 3);
        }
        assertFalse(sw.closedByPeer(), "what the switch answers counts, not what the controller writes");
        assertTrue(up.containsKey(0xa3L));
        assertTrue(sw.count(OFType.ECHO_REQUEST) >= 3, "probed though written to: " + sw.count(OFType.ECHO_REQUEST));
        assertTrue(sw.packetOuts.get() > 10);
      }
    } finally {
      server.close();
    }
  }

  /**
   * A switch whose inbox the controller has stopped reading into (its worker is stuck behind the first packet-in)
   * sends nothing the controller reads, and its echo replies wait behind the backlog: those silent intervals are the
   * controller's, and the switch stays connected through six of them. Once the worker moves on, everything queued is
   * handled.
   */
  @Test
  void intervalsInWhichTheControllerStoppedReadingDoNotCount() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong handled = new AtomicLong();
    Set<Long> up = ConcurrentHashMap.newKeySet();
    Set<Long> down = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    OpenFlowLimits d = OpenFlowLimits.DEFAULTS;
    OpenFlowLimits limits = new OpenFlowLimits(d.maxConnections(),
        d.maxHandshakes(), d.maxHandshakesPerSource(), d.handshakeTimeout(), 64, d.inboundTotal(),
        d.maxOutboundBytes(), d.writeStallTimeout(), d.maxMultipartBytes(), d.maxMultipartParts());
    OpenFlowServer server = new OpenFlowServer();
    try {
      int port = server.start("127.0.0.1", 0, ECHO, limits, new SwitchListener() {
        public void switchUp(SwitchSession s) {
          up.add(s.dpid());
        }

        public void switchDown(SwitchSession s) {
          down.add(s.dpid());
        }

        public void message(SwitchSession s, OFMessage m) {
          if (m.getType() == OFType.PACKET_IN) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            handled.incrementAndGet();
          }
        }

        public void undecodable(SwitchSession s, Undecodable u) {}
      }, pool, null).getPort();
      try (FakeSwitch sw = FakeSwitch.connect(port, 0xa4)) {
        ControllerHarness.awaitTrue("the switch up", Duration.ofSeconds(5), () -> up.contains(0xa4L));
        long sent = sw.flood(ECHO.toMillis());
        assertTrue(sent > 64, "the flood got out: " + sent);
        Thread.sleep(6 * ECHO.toMillis());
        assertFalse(sw.closedByPeer(), "dropped while the controller was the one not reading");
        assertFalse(down.contains(0xa4L));
        release.countDown();
        ControllerHarness.awaitTrue("the backlog handled", Duration.ofSeconds(10), () -> handled.get() > 64);
        assertFalse(sw.closedByPeer());
      }
    } finally {
      release.countDown();
      server.close();
      pool.shutdownNow();
    }
  }
}
