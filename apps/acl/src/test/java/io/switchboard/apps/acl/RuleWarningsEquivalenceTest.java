package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The indexed warnings are the pairwise comparison's, exactly: random rule sets drawn from small domains (so that
 * covers, overlaps, same priorities and scopes collide often) give the same warnings, in the same order, as
 * {@link BruteForceWarnings}. Bounded in time, not in luck: a fixed seed per round.
 */
class RuleWarningsEquivalenceTest {
  static final String CONFIG = """
      apps: [acl, vxlan-overlay]
      bridges:
        - bridge: ovs0
        - bridge: ovs1
      overlay:
        hosts:
          - {name: h1, bridge: br-int, tunnel-ip: 10.99.0.1}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24}
      """;
  static final String[] PREFIXES = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3", "10.2.0.0/16",
      "0.0.0.0/0"};
  static final String[] PORTS = {"22", "20-30", "0-1023", "80", "1000-1999", "16-31"};

  static Map<String, Object> randomRule(Random rnd, int i, int priorities) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", "r" + i);
    r.put("priority", 100 * (1 + rnd.nextInt(priorities)));
    switch (rnd.nextInt(6)) {
      case 0 -> r.put("bridge", "ovs0");
      case 1 -> r.put("bridge", "ovs1");
      case 2 -> r.put("network", "net1");
      default -> { }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    if (rnd.nextInt(4) == 0) {
      m.put("in-port", List.of("p1", "p2", "1").get(rnd.nextInt(3)));
    }
    if (rnd.nextInt(5) == 0) {
      m.put("vlan", 5 + rnd.nextInt(2));
    }
    if (rnd.nextInt(3) > 0) {
      m.put("ipv4-src", PREFIXES[rnd.nextInt(PREFIXES.length)]);
    }
    if (rnd.nextInt(3) == 0) {
      m.put("ipv4-dst", PREFIXES[rnd.nextInt(PREFIXES.length)]);
    }
    int proto = rnd.nextInt(4);
    if (proto == 1 || proto == 2) {
      String p = proto == 1 ? "tcp" : "udp";
      m.put("ip-proto", p);
      if (rnd.nextBoolean()) {
        m.put(p + "-dst", PORTS[rnd.nextInt(PORTS.length)]);
      }
      if (rnd.nextInt(4) == 0) {
        m.put(p + "-src", PORTS[rnd.nextInt(PORTS.length)]);
      }
    } else if (proto == 3) {
      m.put("eth-type", "ipv4");
    }
    r.put("match", m);
    r.put("action", rnd.nextBoolean() ? "allow" : "drop");
    return r;
  }

  /** A rule book from stored rules (those that clash with an earlier one are rejected, as through REST). */
  static RuleBook book(SwitchboardConfig config, Random rnd, int n, int priorities) {
    Map<String, StoredRule> stored = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> r = randomRule(rnd, i, priorities);
      stored.put("r" + i, new StoredRule("r" + i, new LinkedHashMap<>(r)));
    }
    return RuleBook.build(config, stored);
  }

  @Test
  void indexedWarningsEqualThePairwiseOnes() throws Exception {
    SwitchboardConfig config = ConfigLoader.parse(CONFIG, "t.yaml");
    long deadline = System.nanoTime() + 4_000_000_000L;
    int rounds = 0;
    int shadowed = 0;
    int overlapping = 0;
    for (long seed = 1; rounds < 300 && (rounds < 20 || System.nanoTime() < deadline); seed++, rounds++) {
      Random rnd = new Random(seed);
      int n = 1 + rnd.nextInt(rounds % 3 == 0 ? 12 : 150); // small sets and groups big enough to be indexed
      RuleBook b = book(config, rnd, n, 1 + rnd.nextInt(4));
      Map<String, List<String>> expected = BruteForceWarnings.analyze(b.rules());
      assertEquals(expected, b.warnings(), "seed " + seed);
      assertEquals(List.copyOf(expected.keySet()), List.copyOf(b.warnings().keySet()), "seed " + seed);
      for (List<String> w : expected.values()) {
        shadowed += (int) w.stream().filter(x -> x.startsWith("shadowed")).count();
        overlapping += (int) w.stream().filter(x -> x.startsWith("overlaps")).count();
      }
    }
    assertTrue(rounds >= 20, rounds + " rounds");
    assertTrue(shadowed > 100 && overlapping > 100, "the sets exercise both warnings: " + shadowed + " shadowed, "
        + overlapping + " overlaps in " + rounds + " rounds");
  }

  /**
   * One analysis kept across many small changes (rules added, removed, redefined) answers as a fresh pairwise
   * comparison of each resulting set: the incremental path re-examines every rule a change can affect.
   */
  @Test
  void changesOneAtATimeGiveTheSameWarningsAsAFreshAnalysis() throws Exception {
    SwitchboardConfig config = ConfigLoader.parse(CONFIG, "t.yaml");
    long deadline = System.nanoTime() + 3_000_000_000L;
    int steps = 0;
    for (long seed = 1; steps < 3000 && (seed <= 3 || System.nanoTime() < deadline); seed++) {
      Random rnd = new Random(seed);
      int priorities = 1 + rnd.nextInt(3);
      Map<String, StoredRule> stored = new LinkedHashMap<>();
      for (int i = 0; i < 60 + rnd.nextInt(60); i++) {
        stored.put("r" + i, new StoredRule("r" + i, new LinkedHashMap<>(randomRule(rnd, i, priorities))));
      }
      RuleBook.Compiled compiled = new RuleBook.Compiled();
      RuleBook.build(config, stored, compiled);
      for (int step = 0; step < 40; step++, steps++) {
        int which = rnd.nextInt(3);
        List<String> names = List.copyOf(stored.keySet());
        if (which == 0 || names.isEmpty()) {
          int i = 1000 + step;
          stored.put("r" + i, new StoredRule("r" + i, new LinkedHashMap<>(randomRule(rnd, i, priorities))));
        } else if (which == 1) {
          stored.remove(names.get(rnd.nextInt(names.size())));
        } else {
          String name = names.get(rnd.nextInt(names.size()));
          Map<String, Object> redefined = randomRule(rnd, 0, priorities);
          redefined.put("name", name);
          stored.put(name, new StoredRule(name, new LinkedHashMap<>(redefined)));
        }
        RuleBook b = RuleBook.build(config, stored, compiled);
        assertEquals(BruteForceWarnings.analyze(b.rules()), b.warnings(), "seed " + seed + " step " + step);
      }
    }
    assertTrue(steps >= 120, steps + " steps");
  }

  @Test
  void tenThousandRulesAreAnalysedFast() throws Exception {
    SwitchboardConfig config = ConfigLoader.parse(CONFIG, "t.yaml");
    StringBuilder yaml = new StringBuilder(CONFIG).append("acl:\n  rules:\n");
    for (int i = 0; i < 10_000; i++) {
      yaml.append(String.format("    - {name: r%d, priority: %d, match: {eth-type: ipv4, ipv4-src: 10.%d.%d.0/24,"
          + " ip-proto: tcp, tcp-dst: %d}, action: %s}%n", i, 100 + i % 50, i / 250, i % 250, 1 + i % 2000,
          i % 3 == 0 ? "allow" : "drop"));
    }
    SwitchboardConfig big = ConfigLoader.parse(yaml.toString(), "big.yaml");
    RuleBook.build(big, Map.of()); // warm up
    long t0 = System.nanoTime();
    RuleBook b = RuleBook.build(big, Map.of());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("10,000 rules: book with warnings built in %d ms%n", ms);
    assertEquals(10_000, b.rules().size());
    assertTrue(ms < 10_000, ms + " ms: a pairwise comparison took minutes");
    assertEquals(AclSection.of(config).rules().size(), 0);
  }
}
