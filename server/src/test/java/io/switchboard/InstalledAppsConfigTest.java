package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.AppCatalog;
import io.switchboard.config.AppSection;
import io.switchboard.config.ConfigCheck;
import io.switchboard.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With every app the server ships: each app's section comes from the app, and the example configs load with
 * all their sections checked by their own apps (the config module's tests only see stand-ins).
 */
class InstalledAppsConfigTest {
  static final Path EXAMPLES = Path.of("../config/examples");

  @Test
  void theServerShipsFourAppsEachWithItsSection() {
    AppCatalog c = AppCatalog.installed();
    assertTrue(c.names().containsAll(List.of("acl", "l2-learning", "static-flows", "vxlan-overlay")), c.toString());
    assertEquals(List.of("acl", "l2-learning", "static-flows", "overlay"),
        c.sections().stream().map(AppSection::key).toList());
  }

  @Test
  void everyExampleLoads() throws Exception {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        ConfigLoader.load(f); // throws, naming every error, when an app's section is wrong
      }
    }
  }

  @Test
  void checkConfigSummarisesTheEnabledAppsSections() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path demo = EXAMPLES.resolve("demo.yaml");
    assertEquals(0, ConfigCheck.run(demo, new PrintStream(out, true, StandardCharsets.UTF_8)));
    assertEquals(demo + ": OK (apps: vxlan-overlay, acl, 0 bridges, 2 acl rules, 6 overlay endpoints)",
        out.toString(StandardCharsets.UTF_8).split("\n")[0], "the line docs/configuration.md shows");
  }
}
