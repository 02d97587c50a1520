package io.switchboard.apps.l2;

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
}
