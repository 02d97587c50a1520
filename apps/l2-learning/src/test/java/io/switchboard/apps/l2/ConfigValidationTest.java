package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** The port-role mistakes the config module must refuse before l2-learning ever sees them. */
class ConfigValidationTest {
  private static String errors(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml")).getMessage();
  }

  @Test
  void badPortRolesAreRefusedWithTheirPath() {
    String e = errors("""
        bridges:
          - bridge: ovs0
            ports:
              a: {vlan: 4095}
              b: {vlan: 100, trunk: [200]}
              c: {trunk: [0, 100]}
          - bridge: ovs0
        """);
    assertTrue(e.contains("bridges[0].ports.a.vlan"), e);
    assertTrue(e.contains("bridges[0].ports.b") && e.contains("not both"), e);
    assertTrue(e.contains("bridges[0].ports.c.trunk[0]"), e);
    assertTrue(e.contains("bridges[1].bridge") && e.contains("declared twice"), e);
  }

  @Test
  void aPortListedTwiceIsRefused() {
    String e = errors("""
        bridges:
          - bridge: ovs0
            ports:
              a: {vlan: 100}
              a: {vlan: 200}
        """);
    assertTrue(e.contains("duplicate key 'a'"), e);
  }

  @Test
  void hostCapsAndTheGracePeriodAreReadAndChecked() throws Exception {
    var d = L2Section.of(ConfigLoader.parse("", "t.yaml"));
    assertEquals(256, d.maxHostsPerPort());
    assertEquals(4096, d.maxHostsPerVlan());
    assertEquals(8192, d.maxHostsPerSwitch());
    assertEquals(131_072, d.maxHosts());
    assertEquals(java.time.Duration.ofSeconds(60), d.forgetAfter());
    var c = L2Section.of(ConfigLoader.parse("""
        l2-learning: {max-hosts-per-port: 8, max-hosts-per-vlan: 100, max-hosts-per-switch: 1000, max-hosts: 50000,
          forget-after: 5m}
        """, "t.yaml"));
    assertEquals(50_000, c.maxHosts());
    assertEquals(8, c.maxHostsPerPort());
    assertEquals(100, c.maxHostsPerVlan());
    assertEquals(1000, c.maxHostsPerSwitch());
    assertEquals(java.time.Duration.ofMinutes(5), c.forgetAfter());
    String e = errors("""
        l2-learning:
          max-hosts-per-port: 0
          max-hosts-per-vlan: lots
          forget-after: 60
          max-host-per-switch: 10
          max-hosts: -1
        """);
    assertTrue(e.contains("t.yaml:2: l2-learning.max-hosts-per-port") && e.contains("1-1000000"), e);
    assertTrue(e.contains("t.yaml:3: l2-learning.max-hosts-per-vlan"), e);
    assertTrue(e.contains("t.yaml:4: l2-learning.forget-after") && e.contains("no unit"), e);
    assertTrue(e.contains("did you mean 'max-hosts-per-switch'"), e);
    assertTrue(e.contains("t.yaml:6: l2-learning.max-hosts") && e.contains("1-16777216"), e);
  }
}
