package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The generator against fake controllers on loopback: it counts only answers that refer to its packet-ins. */
class LoadGeneratorTest {
  final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  BenchResult run(LoopbackController ctl, String... extra) throws Exception {
    String[] base = {"--controller", ctl.address(), "--switches", "4", "--macs", "20", "--loops", "2",
        "--loop-seconds", "0.4", "--warmup", "0.2", "--timeout-ms", "200", "--connect-timeout", "10"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    BenchResult r = new BenchRun(BenchOptions.parse(args),
        new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
    Report.print(r, new PrintStream(progress, true, StandardCharsets.UTF_8));
    System.out.println(log());
    return r;
  }

  String log() {
    return progress.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aControllerThatAnswersNothingScoresZero() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.SILENT)) {
      BenchResult r = run(ctl);
      assertEquals(4, r.handshake().connected(), log());
      assertTrue(ctl.packetIns.get() > 0, "packet-ins were sent");
      SwitchCounters.Snapshot t = r.total();
      assertEquals(0, t.answered(), log());
      assertEquals(0, t.responses(), log());
      assertTrue(t.lost() > 0, "unanswered packet-ins are lost after the timeout: " + log());
      assertTrue(Report.resultLine(r).contains(" answered_median=0 "), Report.resultLine(r));
    }
  }

  @Test
  void anEchoingControllerScoresOnOpenFlow13() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.ECHO)) {
      BenchResult r = run(ctl, "--of", "1.3");
      SwitchCounters.Snapshot t = r.total();
      assertEquals(4, r.handshake().programmed(), log());
      assertTrue(t.answered() > 0, log());
      assertEquals(t.answered(), t.packetOuts(), "each echo answers one packet-in: " + log());
      assertEquals(0, t.bogus(), log());
      assertEquals(0, t.lost(), log());
      assertTrue(r.latency().count() > 0 && r.latency().percentile(50) > 0, log());
      assertEquals(new PacketInRule(0, 0, 0x77, true), r.packetInRule(),
          "packet-ins carry the table-miss entry's cookie, reason no-match");
    }
  }

  @Test
  void anEchoingControllerScoresOnOpenFlow10InLatencyMode() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.ECHO)) {
      BenchResult r = run(ctl, "--of", "1.0", "--mode", "latency", "--switches", "1");
      SwitchCounters.Snapshot t = r.total();
      assertTrue(t.answered() > 0, log());
      assertEquals(0, t.bogus(), log());
      assertTrue(t.packetIns() - t.answered() <= 1, "one in flight at a time: " + log());
      assertTrue(r.latency().percentile(99) >= r.latency().percentile(50), log());
    }
  }

  @Test
  void aFlowModNamingTheSourceMacAnswersThePacketIn() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.FLOW_MOD_FOR_SOURCE)) {
      BenchResult r = run(ctl, "--of", "1.3");
      SwitchCounters.Snapshot t = r.total();
      assertTrue(t.answered() > 0, log());
      assertEquals(0, t.packetOuts(), log());
      assertEquals(t.flowMods(), t.responses(), log());
      assertEquals(0, t.bogus(), log());
    }
  }

  @Test
  void cbenchsUnwindowedModeCountsEveryFlowModAddAndPacketOut() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.LEARNING)) {
      everyFlowModAndPacketOutAnswers(run(ctl, "--of", "1.0", "--window", "0", "--buffered", "--macs", "1000"));
    }
  }

  /** What a LEARNING controller's run counts: both kinds of answer, each answering a packet-in, none bogus. */
  SwitchCounters.Snapshot everyFlowModAndPacketOutAnswers(BenchResult r) {
    SwitchCounters.Snapshot t = r.total();
    assertTrue(t.flowMods() > 0 && t.packetOuts() > 0, "the controller alternates flow-mods and packet-outs: "
        + log());
    assertEquals(t.flowMods() + t.packetOuts(), t.answered(), log());
    assertEquals(0, t.bogus(), log());
    return t;
  }

  @Test
  void cbenchsLatencyModeCountsBufferedFlowModsAndPacketOutsEachForItsOwnPacketIn() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.LEARNING)) {
      SwitchCounters.Snapshot t = everyFlowModAndPacketOutAnswers(run(ctl, "--of", "1.0", "--mode", "latency",
          "--buffered", "--macs", "1000"));
      assertTrue(t.packetIns() - t.answered() <= 4, "one in flight a switch: " + log());
    }
  }

  @Test
  void theGeneratorWarmsItselfUpWithoutTouchingTheControllerUnderTest() throws Exception {
    try (LoopbackController underTest = new LoopbackController(LoopbackController.Behaviour.SILENT)) {
      BenchOptions opts = BenchOptions.parse("--controller", underTest.address(), "--switches", "2", "--of", "1.0",
          "--window", "0", "--buffered", "--self-warmup", "0.5");
      long started = System.nanoTime();
      LoadGenerator.warmUpItself(opts, new PrintStream(progress, true, StandardCharsets.UTF_8),
          java.time.Duration.ofSeconds(2), io.switchboard.controller.core.CompilerQueue::optimizing);
      double took = (System.nanoTime() - started) / 1e9;
      assertEquals(0, underTest.packetIns.get(), "the warm-up ran against a controller of its own");
      // the time asked, then rounds of a second until the JIT's queue is empty twice, within the cap (2 s here)
      assertTrue(log().matches("(?s).*self-warm-up: [1-9][0-9,]* answers in [1-9][0-9]* round\\(s\\), .*; (the JIT has"
          + " caught up|[0-9]+ methods? still queued for the JIT \\(stopped at the cap\\)|the JIT's queue was empty"
          + " after the last round only \\(stopped at the cap\\)|\\(the JIT's queue cannot be read here\\)).*"), log());
      assertTrue(took < 6, "at most the cap and one round past it: " + took + " s");
    }
  }

  @Test
  void theSelfWarmUpGoesOnUntilTheJitsQueueIsEmptyTwiceOrTheCapComes() throws Exception {
    try (LoopbackController underTest = new LoopbackController(LoopbackController.Behaviour.SILENT)) {
      BenchOptions opts = BenchOptions.parse("--controller", underTest.address(), "--switches", "1", "--of", "1.0",
          "--window", "0", "--buffered", "--self-warmup", "0.2");
      PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
      java.util.Iterator<Integer> queue = java.util.List.of(3, 0, 1, 0, 2, 1, 0, 0, 7).iterator();
      assertEquals(8, LoadGenerator.warmUpItself(opts, out, java.time.Duration.ofSeconds(30), queue::next),
          "a round after every non-empty queue, and one after the first empty one: " + log());
      assertTrue(log().contains("the JIT has caught up"), log());
      assertTrue(log().matches("(?s).*self-warm-up: [0-9]+ s, [1-9] round\\(s\\), [0-9]+ queued for the JIT\n.*"),
          "a run of over 5 s (0.2 s, then 7 rounds of 1 s) says how it goes: " + log());
      assertEquals(1, LoadGenerator.warmUpItself(opts, out, java.time.Duration.ofSeconds(30), () -> -1),
          "the queue cannot be read: the time asked only");
      assertTrue(log().contains("the JIT's queue cannot be read here"), log());
      assertEquals(1, LoadGenerator.warmUpItself(opts, out, java.time.Duration.ZERO, () -> 4),
          "no round starts after the cap");
      assertTrue(log().contains("4 methods still queued for the JIT (stopped at the cap)"), log());
      assertEquals(0, underTest.packetIns.get(), "the warm-up ran against a controller of its own");
    }
  }

  @Test
  void answersThatReferToNothingSentAreNotCounted() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.BOGUS)) {
      BenchResult r = run(ctl, "--of", "1.3");
      SwitchCounters.Snapshot t = r.total();
      assertEquals(0, t.answered(), log());
      assertEquals(0, t.responses(), log());
      assertTrue(t.bogus() > 0, log());
    }
  }

  @Test
  void buffersThatWereNeverSentAnswerNothingInLatencyMode() throws Exception {
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.BOGUS)) {
      BenchResult r = run(ctl, "--of", "1.0", "--mode", "latency", "--buffered");
      SwitchCounters.Snapshot t = r.total();
      assertEquals(0, t.answered(), log());
      assertEquals(0, t.responses(), log());
      assertTrue(t.packetIns() > 0 && t.bogus() > 4 * t.packetIns(),
          "each of the five answers to a packet-in, the buffered flow-mod too, is bogus: " + log());
    }
  }

  @Test
  void aSwitchThatCannotConnectIsReportedAndTheRunEnds() throws Exception {
    int port;
    try (LoopbackController ctl = new LoopbackController(LoopbackController.Behaviour.SILENT)) {
      port = ctl.port();
    }
    BenchResult r = new BenchRun(BenchOptions.parse("--controller", "127.0.0.1:" + port, "--switches", "2",
        "--connect-timeout", "2"), new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
    assertEquals(0, r.handshake().connected());
    assertEquals(2, r.failures().size(), r.failures().toString());
    assertTrue(r.loops().isEmpty());
  }
}
