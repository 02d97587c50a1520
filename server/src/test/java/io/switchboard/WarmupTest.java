package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.ControllerApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up warm-up: what the property accepts, and a real run against a throwaway l2-learning controller. */
class WarmupTest {
  @Test
  void thePropertyIsADurationOrOff() {
    assertEquals(Duration.ZERO, Warmup.requested(null));
    assertEquals(Duration.ZERO, Warmup.requested("0"));
    assertEquals(Duration.ofSeconds(2), Warmup.requested("2s"));
    assertEquals(Duration.ofMillis(1500), Warmup.requested("1.5s"));
    assertEquals(Duration.ofMillis(300), Warmup.requested("300ms"));
    for (String bad : List.of("2", "fast", "-1s", "31s", "1m")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Warmup.requested(bad));
      assertTrue(e.getMessage().contains("switchboard.warmup=" + bad), e.getMessage());
    }
  }

  @Test
  void aShortRunAnswersPacketInsThroughTheRealPathAndLeavesNothingListening() throws Exception {
    ControllerApp l2 = Switchboard.discoverApps().stream().filter(a -> a.name().equals("l2-learning"))
        .findFirst().orElseThrow();
    java.util.Set<String> tempBefore = warmupDirs();
    long vertxBefore = threads("vert.x-");
    Warmup.Outcome o = Warmup.run(List.of(l2), Duration.ofMillis(1500), Duration.ofSeconds(5), 200);
    assertTrue(o.answered() > 100, o + ": packet-ins answered");
    assertTrue(o.added() > 0, o + ": entries added");
    assertTrue(o.connections() > 16, o + ": switches reconnect (after 200 answers, 20 with one in flight) and go on");
    assertTrue(o.restReads() > 0, o + ": its REST API is read meanwhile, as a monitoring system reads a controller");
    // nothing of it is left: its threads, its REST server's event loops, its token file's directory
    long deadline = System.nanoTime() + 5_000_000_000L;
    while ((threads("warm-up-") > 0 || threads("vert.x-") > vertxBefore) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, threads("warm-up-"), "the warm-up's switch and monitor threads are gone");
    assertTrue(threads("vert.x-") <= vertxBefore, "its REST server's threads are gone");
    assertEquals(tempBefore, warmupDirs(), "its token file's directory is removed");
  }

  @Test
  void onlyWhereBridgesWorkRunsOnTheEventLoops() {
    Duration budget = Duration.ofMillis(300);
    assertEquals(-1, Warmup.maybeRun(io.switchboard.config.SwitchboardConfig.defaults(), Duration.ZERO), "off");
    assertEquals(-1, Warmup.maybeRun(config("apps: [l2-learning, acl]"), budget),
        "acl may block: bridges' work runs on the pool");
    assertEquals(-1, Warmup.maybeRun(config("apps: []"), budget), "nothing to warm up");
    assertEquals(-1, Warmup.maybeRun(config("apps: [l2-learning]\ncluster:\n  enabled: true\n"
        + "  members: [127.0.0.1:5701]\n"), budget), "the cluster's store may block");
  }

  private static long threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  private static java.util.Set<String> warmupDirs() throws java.io.IOException {
    try (var all = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
      return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("switchboard-warmup"))
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  private static io.switchboard.config.SwitchboardConfig config(String yaml) {
    try {
      return io.switchboard.config.ConfigLoader.parse(yaml, "test.yaml");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
