package io.switchboard.controller.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFType;
import org.slf4j.LoggerFactory;

/**
 * Peers that misbehave on purpose, against a real controller on loopback: each case asserts that the offender is
 * bounded (and, where it must be, disconnected and logged once with its dpid), that a well-behaved switch connected
 * meanwhile keeps being served, and that REST keeps answering.
 */
class HostilePeerTest {
  /** Answers every packet-in with a packet-out of the frame, and (on request) declares a flow too big to send. */
  static final class EchoApp implements ControllerApp {
    volatile int bigFlowOutputs;
    final AtomicInteger packetIns = new AtomicInteger();
    final boolean nonBlocking;

    EchoApp(boolean nonBlocking) {
      this.nonBlocking = nonBlocking;
    }

    @Override
    public boolean nonBlocking() {
      return nonBlocking;
    }

    public String name() {
      return "echo";
    }

    public void desiredFlows(SwitchView sw, FlowSink out) {
      out.add(FlowEntry.in(Stage.L2).priority(10).match(FlowMatch.builder().exact(Field.ETH_DST, 0x0200_0000_0001L)
          .build()).actions(List.of(Action.output(1))).build());
      if (bigFlowOutputs > 0) {
        List<Action> outputs = new ArrayList<>();
        for (int i = 0; i < bigFlowOutputs; i++) {
          outputs.add(Action.output(1 + i));
        }
        out.add(FlowEntry.in(Stage.L2).priority(5).match(FlowMatch.builder().exact(Field.ETH_DST, 0xffff_ffff_ffffL)
            .build()).actions(outputs).build());
      }
    }

    public void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {
      packetIns.incrementAndGet();
      ctx.packetOut(sw.dpid(), in, List.of(Action.output(2)));
    }
  }

  static final String CONFIG = """
      apps: [echo]
      openflow:
        limits:
          inbound-queue: 64
          max-outbound-bytes: 4194304
          write-stall-timeout: 2s
          max-multipart-bytes: 2097152
          max-multipart-parts: 1000
          max-handshakes-per-source: 8
          max-handshakes: 16
          handshake-timeout: 2s
      """;

  EchoApp app;
  ControllerHarness ctl;
  ListAppender<ILoggingEvent> logs;
  FakeSwitch good;

  @BeforeEach
  void start() throws Exception {
    app = new EchoApp(onEventLoops());
    ctl = ControllerHarness.start(CONFIG, app);
    assertEquals(onEventLoops(), ctl.controller().bridgeWorkOnEventLoops());
    logs = new ListAppender<>();
    logs.start();
    // the core's and the OpenFlow layer's loggers (the limits are logged by the classes that enforce them)
    for (String pkg : List.of(Controller.class.getPackageName(), SwitchSession.class.getPackageName())) {
      ((Logger) LoggerFactory.getLogger(pkg)).addAppender(logs);
    }
    good = FakeSwitch.connect(ctl.openflowPort(), 0x900d);
    ctl.awaitSwitch("00:00:00:00:00:00:90:0d", Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    good.close();
    ctl.close();
  }

  /** Whether the app says it never blocks, so its work runs on the connections' event loops (a subclass: true). */
  boolean onEventLoops() {
    return false;
  }

  /** The good switch still gets answers: a packet-in is answered by a packet-out within a second or two. */
  void goodSwitchIsServed() throws Exception {
    long before = good.packetOuts.get();
    good.send(good.packetIn(1, 0x0200_0000_0abcL, 0x0200_0000_0defL));
    ControllerHarness.awaitTrue("the good switch gets its packet-out", Duration.ofSeconds(5),
        () -> good.packetOuts.get() > before);
    assertEquals(200, ctl.get("/switches").status(), "REST answers");
  }

  /** What was logged so far: a copy, since the appender adds (under its own lock) from other threads meanwhile. */
  List<ILoggingEvent> lines() {
    synchronized (logs) {
      return new ArrayList<>(logs.list);
    }
  }

  long logged(String dpidText, String text) {
    return lines().stream().filter(e -> e.getFormattedMessage().contains(dpidText)
        && e.getFormattedMessage().contains(text)).count();
  }

  @Test
  void aSwitchThatNeverReadsIsDisconnectedAndTheOthersAreServed() throws Exception {
    try (FakeSwitch deaf = FakeSwitch.connect(ctl.openflowPort(), 0xdeaf)) {
      SwitchSession s = ctl.awaitSwitch("00:00:00:00:00:00:de:af", Duration.ofSeconds(10));
      deaf.stopReading();
      Thread flooder = new Thread(() -> {
        try {
          deaf.flood(20_000);
        } catch (Exception e) {
          // the controller hung up
        }
      });
      flooder.setDaemon(true);
      flooder.start();
      long maxOutbox = 0;
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (s.isOpen() && System.nanoTime() < end) {
        maxOutbox = Math.max(maxOutbox, s.outboxBytes());
        assertTrue(s.inboxDepth() <= 64 + 2048, "inbox bounded, was " + s.inboxDepth());
        Thread.sleep(5);
      }
      assertTrue(!s.isOpen(), "a switch that reads nothing is disconnected");
      assertTrue(maxOutbox <= 4_194_304 + 65_536, "outbox stayed near its limit, peaked at " + maxOutbox);
      assertEquals(1, logged("00:00:00:00:00:00:de:af", "outbound limit"), "logged once, with its dpid");
      flooder.interrupt();
      goodSwitchIsServed();
    }
  }

  @Test
  void aPacketInFloodIsReadNoFasterThanItIsHandled() throws Exception {
    try (FakeSwitch loud = FakeSwitch.connect(ctl.openflowPort(), 0x10d)) {
      SwitchSession s = ctl.awaitSwitch("00:00:00:00:00:00:01:0d", Duration.ofSeconds(10));
      int[] maxDepth = {0};
      Thread watcher = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          maxDepth[0] = Math.max(maxDepth[0], s.inboxDepth());
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      watcher.start();
      Thread flooder = new Thread(() -> {
        try {
          loud.flood(4_000);
        } catch (Exception e) {
          // closed
        }
      });
      flooder.start();
      Thread.sleep(1_000);
      goodSwitchIsServed(); // while the flood goes on
      flooder.join();
      watcher.interrupt();
      watcher.join();
      // one read (64 KiB of 100-byte packet-ins) may land after the pause: far below what the flood sent
      assertTrue(maxDepth[0] <= 64 + 1024, "inbox depth peaked at " + maxDepth[0]);
      assertTrue(s.isOpen(), "a switch that only talks a lot is slowed down, not disconnected");
      assertTrue(logged("00:00:00:00:00:00:01:0d", "inbound limit") <= 1, "logged at most once a minute");
      assertTrue(app.packetIns.get() > 1000, "the flood was handled, as fast as it could be");
    }
  }

  @Test
  void anEndlessMultipartReplyDisconnectsTheSwitch() throws Exception {
    try (FakeSwitch stream = FakeSwitch.connect(ctl.openflowPort(), 0x5eed, null, false)) {
      stream.streamEndlessFlowStats();
      stream.start();
      ControllerHarness.awaitTrue("the streaming switch is disconnected", Duration.ofSeconds(20),
          stream::closedByPeer);
      assertEquals(1, logged("00:00:00:00:00:00:5e:ed", "multipart limit"), "logged once, with its dpid");
      goodSwitchIsServed();
    }
  }

  @Test
  void aFlowTooLargeForOpenFlowIsRefusedNeverSentWrapped() throws Exception {
    app.bigFlowOutputs = 9_000; // 9,000 outputs of 16 bytes: ~144 KB, over the 64 KiB a message can be
    ctl.controller().applyConfig(ctl.controller().config());
    Thread.sleep(1_500);
    assertNull(good.corrupt, "the switch never saw a message with a wrapped length");
    assertTrue(!good.closedByPeer(), "the switch stays connected");
    assertTrue(lines().stream().anyMatch(e -> e.getFormattedMessage().contains("refusing to send the flow")
        && e.getFormattedMessage().contains("00:00:00:00:00:00:90:0d")), "the flow is named in an error");
    assertTrue(good.count(OFType.FLOW_MOD) >= 1, "the other entries were sent");
    goodSwitchIsServed();
  }

  @Test
  void idleConnectionsCannotCrowdOutSwitches() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", ctl.openflowPort()), 2000);
        s.setSoTimeout(1500);
        idle.add(s);
      }
      for (Socket s : idle) {
        if (closedSoon(s)) {
          refused++;
        }
      }
      assertTrue(refused >= 40 - 8, "at most 8 handshakes per source are held open, " + refused + " refused");
      // a switch from another address still gets in while the idle ones are held
      try (FakeSwitch other = FakeSwitch.connect(ctl.openflowPort(), 0x0707, "127.0.0.2", true)) {
        ctl.awaitSwitch("00:00:00:00:00:00:07:07", Duration.ofSeconds(10));
      }
      assertTrue(ctl.get("/metrics").body().contains("switchboard_openflow_connections_refused_total"));
      assertTrue(lines().stream().filter(e -> e.getFormattedMessage().contains("refusing OpenFlow connections"))
          .count() <= 2, "refusals are logged once per source and reason");
      goodSwitchIsServed();
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void aConnectionThatNeverFinishesItsHandshakeIsClosed() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", ctl.openflowPort()), 2000);
      s.setSoTimeout(6000);
      long t0 = System.nanoTime();
      assertTrue(closedSoon(s), "closed by the controller");
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "within the 2 s handshake timeout");
    }
  }

  /** Reads until the peer closes (true) or the socket's timeout passes (false); HELLO bytes are skipped. */
  private static boolean closedSoon(Socket s) {
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (Exception e) {
      return true;
    }
  }
}
