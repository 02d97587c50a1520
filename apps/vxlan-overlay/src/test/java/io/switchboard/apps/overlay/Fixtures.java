package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlaySection;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.testing.FakeSwitchView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Configs and helpers shared by the unit tests. */
final class Fixtures {
  private Fixtures() {}

  /** Scenario 4 (two subnets on two hosts, router r1) and scenario 5 (two tenants, same subnet). */
  static final String YAML = """
      apps: [vxlan-overlay]
      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: "00:00:00:00:00:00:00:01", tunnel-ip: 10.99.0.1}
          - {name: host2, bridge: "00:00:00:00:00:00:00:02", tunnel-ip: 10.99.0.2}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
          - {name: tenant-a, vni: 1001, subnet: 10.0.0.0/24, gateway: 10.0.0.1}
          - {name: tenant-b, vni: 1002, subnet: 10.0.0.0/24, gateway: 10.0.0.1}
        routers:
          - {name: r1, networks: [net1, net2]}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          - {name: con9, network: net2, host: host2, port: con9-eth, mac: "02:00:00:00:02:02", ip: 192.168.2.2}
          - {name: con11, network: net1, host: host2, port: con11-eth, mac: "02:00:00:00:01:05", ip: 192.168.1.5}
          - {name: a1, network: tenant-a, host: host1, port: a1-eth, mac: "02:00:00:0a:00:02", ip: 10.0.0.2}
          - {name: a2, network: tenant-a, host: host2, port: a2-eth, mac: "02:00:00:0a:00:03", ip: 10.0.0.3}
          - {name: b1, network: tenant-b, host: host1, port: b1-eth, mac: "02:00:00:0b:00:02", ip: 10.0.0.2}
          - {name: b2, network: tenant-b, host: host2, port: b2-eth, mac: "02:00:00:0b:00:03", ip: 10.0.0.3}
      """;

  static final long TUNNEL = 1;
  static final long CON6 = 6;
  static final long CON9 = 9;
  static final long CON11 = 11;
  static final long A1 = 21;
  static final long A2 = 22;
  static final long B1 = 31;
  static final long B2 = 32;

  static SwitchboardConfig config(String yaml) {
    try {
      return ConfigLoader.parse(yaml, "test.yaml");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The overlay section of {@code yaml}. */
  static OverlayConfig overlay(String yaml) {
    return OverlaySection.of(config(yaml));
  }

  static OverlayTopology topology() {
    return OverlayTopology.of(overlay(YAML));
  }

  static FakeSwitchView host1() {
    return FakeSwitchView.of("br-int", 1).withPort(TUNNEL, "vxlan0").withPort(CON6, "con6-eth")
        .withPort(A1, "a1-eth").withPort(B1, "b1-eth");
  }

  static FakeSwitchView host2() {
    return FakeSwitchView.of("br-int", 2).withPort(TUNNEL, "vxlan0").withPort(CON9, "con9-eth")
        .withPort(CON11, "con11-eth").withPort(A2, "a2-eth").withPort(B2, "b2-eth");
  }

  /** One entry a line, in pipeline order: stage, then priority (highest first), then text. */
  static String dump(List<FlowEntry> entries) {
    return entries.stream()
        .sorted(Comparator.comparing(FlowEntry::stage).thenComparing(e -> -e.priority())
            .thenComparing(FlowEntry::toString))
        .map(FlowEntry::toString).collect(Collectors.joining("\n", "", "\n"));
  }

  /**
   * What the core would send to go from {@code before} to {@code after}, keyed as it keys entries (stage, priority,
   * match): "+ entry" added, "- entry" deleted, "~ entry (was: actions)" modified in place. Unchanged entries are
   * left out.
   */
  static List<String> diff(List<FlowEntry> before, List<FlowEntry> after) {
    Map<String, FlowEntry> b = byKey(before);
    Map<String, FlowEntry> a = byKey(after);
    List<String> out = new ArrayList<>();
    b.forEach((k, e) -> {
      if (!a.containsKey(k)) {
        out.add("- " + e);
      }
    });
    a.forEach((k, e) -> {
      FlowEntry old = b.get(k);
      if (old == null) {
        out.add("+ " + e);
      } else if (!old.equals(e)) {
        String was = old.toString();
        out.add("~ " + e + " (was: " + was.substring(was.indexOf(" actions=") + 1) + ")");
      }
    });
    out.sort(Comparator.comparing((String l) -> l.substring(2)));
    return out;
  }

  private static Map<String, FlowEntry> byKey(List<FlowEntry> entries) {
    Map<String, FlowEntry> m = new TreeMap<>();
    for (FlowEntry e : entries) {
      if (m.put(e.stage() + " " + e.priority() + " " + e.match(), e) != null) {
        throw new AssertionError("two entries with the same stage, priority and match: " + e);
      }
    }
    return m;
  }

  /**
   * Compares with src/test/resources/golden/NAME; run with -Dgolden.update=true to rewrite the file (then read
   * the diff before committing it).
   */
  static void assertGolden(String name, String actual) {
    Path file = Path.of("src/test/resources/golden", name);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      org.junit.jupiter.api.Assertions.assertEquals(expected, actual, "golden file " + file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
