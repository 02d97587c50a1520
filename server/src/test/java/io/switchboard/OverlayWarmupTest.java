package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.controller.spi.ControllerApp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The overlay's warm-up: a real run of its change path through REST against emulated OpenFlow 1.3 bridges. */
class OverlayWarmupTest {
  @Test
  void itsOverlayIsAValidConfig() throws Exception {
    var cfg = ConfigLoader.parse(OverlayWarmup.config(Path.of("/tmp/token with \"quotes\"")), "warm-up.yaml");
    assertEquals(java.util.List.of("vxlan-overlay"), cfg.apps());
    assertEquals(Path.of("/tmp/token with \"quotes\""), cfg.rest().tokenFile());
  }

  @Test
  void aShortRunAddsAndDeletesEndpointsThroughRestAndLeavesNothingBehind() throws Exception {
    ControllerApp overlay = Switchboard.discoverApps().stream().filter(a -> a.name().equals("vxlan-overlay"))
        .findFirst().orElseThrow();
    OverlayWarmup.Outcome o = OverlayWarmup.run(overlay, Duration.ofMillis(1000), Duration.ofSeconds(8), 200);
    assertTrue(o.changes() >= 200, o + ": endpoints added and deleted");
    assertEquals(0, o.failed(), o + ": every change is valid in the synthetic overlay");
    // every bridge was programmed (the config's entries), then each change reached the bridges it concerns
    assertTrue(o.flowMods() > o.changes(), o + ": flow-mods");
    Thread.sleep(200);
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive()
        && t.getName().startsWith("warm-up-client")), "the clients are gone");
  }

  @Test
  void notWithTheClusterOn() {
    assertEquals(-1, Warmup.maybeRun(config("apps: [vxlan-overlay]\ncluster:\n  enabled: true\n"
        + "  members: [127.0.0.1:5701]\n"), Duration.ofMillis(300)));
  }

  private static io.switchboard.config.SwitchboardConfig config(String yaml) {
    try {
      return ConfigLoader.parse(yaml, "test.yaml");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
