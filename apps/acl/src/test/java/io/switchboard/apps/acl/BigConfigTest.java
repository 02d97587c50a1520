package io.switchboard.apps.acl;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config file near the size limit validates in linear time, and one over it is refused before it is parsed.
 * Timings are printed, not asserted tightly: the bound asserted is generous (a quadratic check at these sizes
 * takes minutes, a linear one well under a second).
 */
class BigConfigTest {
  @TempDir
  Path dir;

  /** Bridges with ports, ACL rules and overlay endpoints, about {@code n} of each. */
  static String generate(int n, boolean withErrors) {
    StringBuilder sb = new StringBuilder(n * 300);
    sb.append("apps: [l2-learning, acl, vxlan-overlay]\nbridges:\n");
    for (int b = 0; b < n / 10; b++) {
      sb.append("  - bridge: br").append(b).append("\n    ports:\n");
      for (int p = 0; p < 10; p++) {
        sb.append("      p").append(p).append(": {vlan: ").append(1 + (b * 10 + p) % 4000).append("}\n");
      }
    }
    sb.append("overlay:\n  tunnel-port: vxlan0\n  hosts:\n");
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
      sb.append("    - {name: ep").append(e).append(", network: net").append(net).append(", host: h")
          .append(e % hosts).append(", port: ep").append(e).append(", mac: \"02:00:00:")
          .append(String.format("%02x:%02x:%02x", (e >> 16) & 0xff, (e >> 8) & 0xff, e & 0xff))
          .append("\", ip: 10.").append(net / 256).append('.').append(net % 256).append('.')
          .append(2 + inNet % 250).append("}\n");
    }
    sb.append("acl:\n  rules:\n");
    for (int r = 0; r < n; r++) {
      String bridge = withErrors && r % 2 == 0 ? "nosuch" + r : "br" + (r % Math.max(1, n / 10));
      sb.append("    - {name: r").append(r).append(", priority: ").append(1 + r % 60000).append(", bridge: ")
          .append(bridge).append(", match: {eth-type: ipv4, ip-proto: tcp, tcp-dst: ").append(1 + r % 65000)
          .append(", ipv4-src: 10.").append((r >> 16) & 0xff).append('.').append((r >> 8) & 0xff).append('.')
          .append(r & 0xff).append("/32}, action: drop}\n");
    }
    return sb.toString();
  }

  @Test
  void aBigConfigUnderTheLimitValidatesInLinearTime() throws Exception {
    String small = generate(2_000, false);
    String big = generate(10_000, false);
    assertTrue(big.length() < ConfigLoader.MAX_CONFIG_BYTES, big.length() + " bytes");
    ConfigLoader.parse(small, "warmup.yaml");
    long t0 = System.nanoTime();
    ConfigLoader.parse(small, "small.yaml");
    long t1 = System.nanoTime();
    SwitchboardConfig c = ConfigLoader.parse(big, "big.yaml");
    long t2 = System.nanoTime();
    System.out.printf("config of %d bytes: %d ms; of %d bytes: %d ms%n", small.length(), (t1 - t0) / 1_000_000,
        big.length(), (t2 - t1) / 1_000_000);
    assertEquals(10_000, AclSection.of(c).rules().size());
    assertEquals(10_000, c.topology().endpoints().size());
    assertTrue(t2 - t1 < 20_000_000_000L, "a linear parse of a few MB takes well under 20 s");
  }

  @Test
  void aBigConfigFullOfErrorsIsRejectedInLinearTime() {
    String big = generate(10_000, true);
    long t0 = System.nanoTime();
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(big, "bad.yaml"));
    long t1 = System.nanoTime();
    System.out.printf("config of %d bytes with %d errors rejected in %d ms, message of %d chars%n", big.length(),
        e.errors().size(), (t1 - t0) / 1_000_000, e.getMessage().length());
    assertEquals(5_000, e.errors().size());
    assertTrue(e.getMessage().length() < 5_000 * 400, "each error's message stays short");
    assertTrue(t1 - t0 < 20_000_000_000L);
  }

  @Test
  void aFileOverTheLimitIsRefusedBeforeParsing() throws IOException {
    Path file = dir.resolve("huge.yaml");
    byte[] line = "# padding padding padding padding padding padding padding padding padding padding\n"
        .getBytes(StandardCharsets.UTF_8);
    try (var out = Files.newOutputStream(file)) {
      for (long written = 0; written <= 20L * 1024 * 1024; written += line.length) {
        out.write(line);
      }
    }
    long t0 = System.nanoTime();
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1, e.errors().size());
    String m = e.getMessage();
    assertTrue(m.contains(file.toString()) && m.contains("4 MiB") && m.contains("4194304"), m);
    assertTrue(ms < 5_000, ms + " ms");
  }

  @Test
  void textOverTheLimitIsRefusedToo() {
    String text = "#".repeat(ConfigLoader.MAX_CONFIG_BYTES + 1);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(text, "body"));
    assertTrue(e.getMessage().contains("body") && e.getMessage().contains("4 MiB"), e.getMessage());
  }
}
