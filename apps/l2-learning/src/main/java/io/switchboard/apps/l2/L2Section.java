package io.switchboard.apps.l2;

import io.switchboard.config.AppSection;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.SectionContext;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Values;
import java.time.Duration;
import java.util.List;

/** The {@code l2-learning:} section: MAC ageing, the packet-in budget and the host caps. */
public final class L2Section implements AppSection<L2Settings> {
  public static final L2Section INSTANCE = new L2Section();
  static final List<String> KEYS = List.of("idle-timeout", "packet-in-budget", "max-hosts-per-port",
      "max-hosts-per-vlan", "max-hosts-per-switch", "max-hosts", "forget-after");
  private static final Duration MAX_FORGET_AFTER = Duration.ofHours(24);

  private L2Section() {}

  /** The running config's l2-learning settings. */
  public static L2Settings of(SwitchboardConfig config) {
    return config.section(INSTANCE);
  }

  @Override
  public String key() {
    return "l2-learning";
  }

  /** Idle timeout 300s, 1000 packet-ins/s per switch, the default host caps. */
  @Override
  public L2Settings defaults() {
    return new L2Settings(Duration.ofSeconds(300), 1000);
  }

  @Override
  public L2Settings parse(Node node, String path, SectionContext ctx) {
    MapView m = MapView.of(node, path, ctx.errors(), "the l2-learning settings (a mapping with "
        + String.join(", ", KEYS) + ")", KEYS);
    L2Settings d = defaults();
    Duration idle = m.optional("idle-timeout", Values.DURATION,
        t -> Values.duration(t, Duration.ofSeconds(1), Duration.ofSeconds(65535), true)).orElse(d.idleTimeout());
    String budgetExpected = "packet-ins per second per switch (1-1000000)";
    int budget = m.optional("packet-in-budget", budgetExpected,
        t -> (int) Values.integer(t, 1, 1_000_000, budgetExpected)).orElse(d.packetInBudget());
    int perPort = hostCap(m, "max-hosts-per-port", d.maxHostsPerPort());
    int perVlan = hostCap(m, "max-hosts-per-vlan", d.maxHostsPerVlan());
    int perSwitch = hostCap(m, "max-hosts-per-switch", d.maxHostsPerSwitch());
    String totalExpected = "a number of hosts on all switches together (1-16777216)";
    int total = m.optional("max-hosts", totalExpected, t -> (int) Values.integer(t, 1, 1 << 24, totalExpected))
        .orElse(d.maxHosts());
    Duration forget = m.optional("forget-after", Values.DURATION,
        t -> Values.duration(t, Duration.ZERO, MAX_FORGET_AFTER, true)).orElse(d.forgetAfter());
    return new L2Settings(idle, budget, perPort, perVlan, perSwitch, total, forget);
  }

  private static int hostCap(MapView m, String key, int fallback) {
    String expected = "a number of hosts (1-1000000)";
    return m.optional(key, expected, t -> (int) Values.integer(t, 1, 1_000_000, expected)).orElse(fallback);
  }
}
