package io.switchboard.apps.overlay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import org.junit.jupiter.api.Test;

/**
 * A config of 10,000 endpoints is checked by the real overlay parser in linear time: each endpoint's name, MAC, IP
 * and port against those before it with one lookup each (the acl app's BigConfigTest runs the same sizes with the
 * controller's stand-in for this section). The bound asserted is generous: a quadratic check at this size takes
 * minutes, a linear one well under a second.
 */
class BigOverlayConfigTest {

  static String generate(int n, boolean withErrors) {
    StringBuilder sb = new StringBuilder(n * 150);
    sb.append("apps: [l2-learning, vxlan-overlay]\noverlay:\n  tunnel-port: vxlan0\n  hosts:\n");
    int hosts = Math.max(1, n / 100);
    for (int h = 0; h < hosts; h++) {
      sb.append("    - {name: h").append(h).append(", bridge: hbr").append(h).append(", tunnel-ip: 10.99.")
          .append(h / 250).append('.').append(1 + h % 250).append("}\n");
    }
    sb.append("  networks:\n");
    int nets = Math.max(1, n / 250);
    for (int k = 0; k < nets; k++) {
      sb.append("    - {name: net").append(k).append(", vni: ").append(100 + k).append(", subnet: 10.")
          .append(k / 256).append('.').append(k % 256).append(".0/24}\n");
    }
    sb.append("  endpoints:\n");
    for (int e = 0; e < n; e++) {
      int net = e % nets;
      int inNet = e / nets;
      String network = withErrors && e % 2 == 0 ? "nosuch" : "net" + net;
      sb.append("    - {name: ep").append(e).append(", network: ").append(network).append(", host: h")
          .append(e % hosts).append(", port: ep").append(e).append(", mac: \"02:00:00:")
          .append(String.format("%02x:%02x:%02x", (e >> 16) & 0xff, (e >> 8) & 0xff, e & 0xff))
          .append("\", ip: 10.").append(net / 256).append('.').append(net % 256).append('.')
          .append(2 + inNet % 250).append("}\n");
    }
    return sb.toString();
  }

  @Test
  void tenThousandEndpointsValidateInLinearTime() throws ConfigException {
    String small = generate(2_000, false);
    String big = generate(10_000, false);
    ConfigLoader.parse(small, "warmup.yaml");
    long t0 = System.nanoTime();
    SwitchboardConfig c = ConfigLoader.parse(big, "big.yaml");
    long t1 = System.nanoTime();
    System.out.printf("overlay of %d bytes, 10000 endpoints: %d ms%n", big.length(), (t1 - t0) / 1_000_000);
    assertEquals(10_000, OverlaySection.of(c).endpoints().size());
    assertEquals(10_000, c.topology().endpoints().size());
    assertTrue(t1 - t0 < 20_000_000_000L, "a linear parse of a few MB takes well under 20 s");
  }

  @Test
  void halfOfThemWrongAreReportedInLinearTime() {
    String big = generate(10_000, true);
    long t0 = System.nanoTime();
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(big, "bad.yaml"));
    long t1 = System.nanoTime();
    assertEquals(5_000, e.errors().size());
    assertTrue(e.errors().get(0).toString().startsWith("bad.yaml:"), e.errors().get(0).toString());
    assertTrue(e.errors().get(0).toString().contains("overlay.endpoints[0].network: unknown network 'nosuch'"),
        e.errors().get(0).toString());
    assertTrue(t1 - t0 < 20_000_000_000L);
  }
}
