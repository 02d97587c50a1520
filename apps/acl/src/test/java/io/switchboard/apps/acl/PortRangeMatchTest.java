package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.config.PacketMatch;
import io.switchboard.config.PortRange;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowMatch;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Port ranges compile to the fewest prefix-masked matches, which together select exactly the range. */
class PortRangeMatchTest {

  private static List<FlowMatch.Masked> compile(int lo, int hi) {
    PacketMatch m = PacketMatch.builder().tcpDst(new PortRange(lo, hi)).build().withPrerequisites().value();
    return RuleMatch.of(m, OptionalLong.empty()).stream()
        .map(r -> r.fields().has(Field.TCP_DST) ? r.fields().get(Field.TCP_DST) : new FlowMatch.Masked(0, 0))
        .toList();
  }

  /** Every port 0..65535 is matched by exactly one masked entry when inside the range, by none outside. */
  private static void assertExactCover(int lo, int hi) {
    List<FlowMatch.Masked> masks = compile(lo, hi);
    for (int port = 0; port <= 65535; port++) {
      int hits = 0;
      for (FlowMatch.Masked m : masks) {
        if (m.matches(port)) {
          hits++;
        }
      }
      boolean inside = port >= lo && port <= hi;
      if (hits != (inside ? 1 : 0)) {
        fail("port " + port + " is matched " + hits + " times for range " + lo + "-" + hi + ": " + masks);
      }
    }
    assertEquals(minimalPrefixCount(0, 65535, lo, hi), masks.size(), lo + "-" + hi + ": " + masks);
  }

  /**
   * The fewest prefix blocks covering [lo, hi], counted independently on the binary trie of ports: a node inside
   * the range is one block; a node partly inside is its two halves.
   */
  private static int minimalPrefixCount(int start, int end, int lo, int hi) {
    if (end < lo || start > hi) {
      return 0;
    }
    if (start >= lo && end <= hi) {
      return 1;
    }
    int mid = start + (end - start) / 2;
    return minimalPrefixCount(start, mid, lo, hi) + minimalPrefixCount(mid + 1, end, lo, hi);
  }

  @Test
  void range1000To1999() {
    assertExactCover(1000, 1999);
    assertEquals(7, compile(1000, 1999).size());
  }

  @Test
  void edgeRanges() {
    assertExactCover(22, 22);
    assertExactCover(0, 65535);
    assertEquals(List.of(new FlowMatch.Masked(0, 0)), compile(0, 65535));
    assertExactCover(0, 0);
    assertExactCover(65535, 65535);
    assertExactCover(1, 65534);
    assertExactCover(1024, 2047);
    assertEquals(1, compile(1024, 2047).size());
  }

  @Test
  void randomRanges() {
    Random random = new Random(42);
    for (int i = 0; i < 40; i++) {
      int a = random.nextInt(65536);
      int b = random.nextInt(65536);
      assertExactCover(Math.min(a, b), Math.max(a, b));
    }
  }

  @Test
  void entriesAreMaskedNotEnumerated() {
    List<FlowMatch.Masked> masks = compile(1, 65534);
    assertTrue(masks.size() <= 30, masks.toString());
  }
}
