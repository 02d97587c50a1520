package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.apps.l2.L2LearningApp;
import io.switchboard.controller.testing.ControllerHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a real Switchboard (in this JVM, with the l2-learning app), as CI runs it: every
 * switch completes the handshake and reconciliation, and the controller's answers are counted. About 10 s.
 */
class SwitchboardSmokeTest {
  static final String CONFIG = """
      apps: [l2-learning]
      l2-learning: {packet-in-budget: 1000000, max-hosts-per-port: 1000000, max-hosts-per-vlan: 1000000,
                    max-hosts-per-switch: 1000000}
      reconcile: {audit-interval: 24h}
      """;

  static ControllerHarness ctl;
  final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  @BeforeAll
  static void start() throws Exception {
    ctl = ControllerHarness.start(CONFIG, new L2LearningApp());
  }

  @AfterAll
  static void stop() {
    if (ctl != null) {
      ctl.close();
    }
  }

  BenchResult run(String... extra) throws Exception {
    String[] base = {"--controller", "127.0.0.1:" + ctl.openflowPort(), "--loops", "2", "--loop-seconds", "1",
        "--warmup", "1", "--connect-timeout", "10"};
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
        .toArray(String[]::new);
    PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
    BenchResult r = new BenchRun(BenchOptions.parse(args), out).run();
    Report.print(r, out);
    System.out.println(progress.toString(StandardCharsets.UTF_8));
    return r;
  }

  @Test
  void openFlow10EveryPacketInIsForwardedByTheController() throws Exception {
    BenchResult r = run("--of", "1.0", "--switches", "4", "--macs", "16");
    String log = progress.toString(StandardCharsets.UTF_8);
    assertTrue(r.failures().isEmpty(), log);
    assertEquals(4, r.handshake().programmed(), "every switch reconciled: " + log);
    SwitchCounters.Snapshot t = r.total();
    assertTrue(t.answered() > 1000, log);
    // each switch's two counters are read one after the other while it runs: one answer may fall between them
    assertTrue(Math.abs(t.answered() - t.packetOuts()) <= 4,
        "on OpenFlow 1.0 l2-learning forwards each frame itself: " + log);
    assertEquals(0, t.bogus(), log);
    assertEquals(0, t.errors(), log);
  }

  @Test
  void openFlow13NewHostsAreLearnedWithFlowMods() throws Exception {
    BenchResult r = run("--of", "1.3", "--switches", "2", "--macs", "1000000", "--window", "20");
    String log = progress.toString(StandardCharsets.UTF_8);
    assertTrue(r.failures().isEmpty(), log);
    assertEquals(3, r.packetInRule().table(), "packet-ins come from the learn stage's entry: " + log);
    SwitchCounters.Snapshot t = r.total();
    assertTrue(t.answered() > 100, log);
    assertEquals(0, t.packetOuts(), "on OpenFlow 1.3 the pipeline forwards; the controller only learns: " + log);
    assertTrue(t.flowMods() >= t.answered(), log);
    assertEquals(0, t.bogus(), log);
  }
}
