package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file in config/examples loads (an app's section checked only as far as {@link TestApps} does), and the
 * seed scenarios say what docs/demo.md says.
 */
class ExamplesTest {

  static final Path EXAMPLES = Path.of("examples");

  @TestFactory
  Stream<DynamicTest> everyExampleLoads() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    assertTrue(files.size() >= 6, "examples: " + files);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
        () -> assertDoesNotThrow(() -> ConfigLoader.load(f), () -> f.toString())));
  }

  private static SwitchboardConfig load(String name) throws ConfigException {
    return ConfigLoader.load(EXAMPLES.resolve(name));
  }

  @Test
  void scenario1() throws ConfigException {
    SwitchboardConfig c = load("scenario1-vlans.yaml");
    assertEquals(List.of("l2-learning"), c.apps());
    BridgeConfig ovs0 = c.bridge("ovs0").orElseThrow();
    assertEquals(new PortRole.Access(100), ovs0.ports().get("con6-eth"));
    assertEquals(new PortRole.Access(200), ovs0.ports().get("con7-eth"));
    assertEquals(new PortRole.Access(100), ovs0.ports().get("con8-eth"));
  }

  @Test
  void scenario2() throws ConfigException {
    SwitchboardConfig c = load("scenario2-two-hosts.yaml");
    for (String bridge : List.of("ovs1", "ovs2")) {
      assertEquals(new PortRole.Trunk(List.of(100, 200)), c.bridge(bridge).orElseThrow().ports().get("vxlan1"));
    }
  }

  @Test
  void scenario3() throws ConfigException {
    SwitchboardConfig c = load("scenario3-acl.yaml");
    assertEquals(List.of("l2-learning", "acl"), c.apps());
    assertTrue(c.sections().containsKey("acl")); // its rules: apps/acl AclSectionTest
  }

  // the overlay's examples (nat, scenario4, scenario5, dhcp): apps/vxlan-overlay OverlayExamplesTest
}
