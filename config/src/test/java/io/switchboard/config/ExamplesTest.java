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

/** Every file in config/examples loads, and the seed scenarios say what docs/demo.md says. */
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
  void nat() throws ConfigException {
    OverlayRouter r1 = load("nat.yaml").overlay().router("r1").orElseThrow();
    assertEquals(2, r1.nat().size());
    assertEquals("host1", r1.external().orElseThrow().host());
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

  @Test
  void scenario4() throws ConfigException {
    OverlayConfig o = load("scenario4-routing.yaml").overlay();
    assertEquals(List.of("net1", "net2"), o.router("r1").orElseThrow().networks());
    assertEquals(List.of("con6", "con9", "con11"), o.endpoints().stream().map(OverlayEndpoint::name).toList());
    assertEquals("host2", o.endpoint("con9").orElseThrow().host());
    assertEquals("192.168.2.1", o.network("net2").orElseThrow().gatewayText().orElseThrow());
  }

  @Test
  void scenario5() throws ConfigException {
    OverlayConfig o = load("scenario5-overlapping.yaml").overlay();
    assertEquals(o.network("tenant-a").orElseThrow().subnet(), o.network("tenant-b").orElseThrow().subnet());
    assertTrue(o.routers().isEmpty());
    assertEquals(o.endpoint("a1").orElseThrow().ip(), o.endpoint("b1").orElseThrow().ip());
  }

  @Test
  void theSeedsDhcpExperiments() throws ConfigException {
    OverlayConfig o = load("dhcp.yaml").overlay();
    OverlayNetwork vpc1 = o.network("vpc1").orElseThrow();
    assertEquals(java.time.Duration.ofHours(1), vpc1.dhcpEnabled().orElseThrow().leaseTime());
    assertEquals("172.66.1.107", o.endpoint("vpc1-vm1").orElseThrow().ipText());
    OverlayEndpoint dynamic = o.endpoint("vpc2-vm1").orElseThrow();
    assertTrue(dynamic.dynamicIp() && !dynamic.dynamicMac() && !dynamic.hasAddress());
    assertTrue(!o.network("vpc2").orElseThrow().assignable(Ipv4.parse("172.66.2.5")), "excluded");
  }
}
