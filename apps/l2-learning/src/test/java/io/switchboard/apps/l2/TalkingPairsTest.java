package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.apps.l2.SingleTableFlows.Pair;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.Stage;
import org.junit.jupiter.api.Test;

/** The OpenFlow 1.0 pair table is bounded per bridge and over all bridges, and frees room as pairs go. */
class TalkingPairsTest {
  final TalkingPairs pairs = new TalkingPairs();

  static FlowEntry entry(Pair p) {
    return FlowEntry.in(Stage.L2).priority(100).match(FlowMatch.builder().exact(Field.ETH_SRC, p.src())
        .exact(Field.ETH_DST, p.dst()).build()).build();
  }

  @Test
  void aBridgeHoldsAtMostItsShare() {
    for (int i = 0; i < TalkingPairs.MAX_PER_BRIDGE; i++) {
      assertNotNull(pairs.add(1, new Pair(0, 0x100 + i, 0x2), TalkingPairsTest::entry));
    }
    Pair extra = new Pair(0, 0xffff, 0x2);
    assertTrue(pairs.full(1, extra));
    assertNull(pairs.add(1, extra, TalkingPairsTest::entry), "no room on this bridge");
    assertFalse(pairs.full(2, extra), "another bridge still has room");
    assertEquals(TalkingPairs.MAX_PER_BRIDGE, pairs.removeHost(1, 0, 0x2).size());
    assertNotNull(pairs.add(1, extra, TalkingPairsTest::entry), "room again once pairs went");
  }

  @Test
  void allBridgesTogetherHoldAtMostTheTotal() {
    int bridges = TalkingPairs.MAX_TOTAL / TalkingPairs.MAX_PER_BRIDGE;
    for (int b = 1; b <= bridges; b++) {
      for (int i = 0; i < TalkingPairs.MAX_PER_BRIDGE; i++) {
        assertNotNull(pairs.add(b, new Pair(0, 0x100 + i, 0x2), TalkingPairsTest::entry));
      }
    }
    Pair p = new Pair(0, 0x100, 0x2);
    assertTrue(pairs.full(bridges + 1, p), "a new bridge finds the table full");
    assertNull(pairs.add(bridges + 1, p, TalkingPairsTest::entry));
    pairs.forget(1);
    assertNotNull(pairs.add(bridges + 1, p, TalkingPairsTest::entry), "a departed bridge's pairs free room");
  }
}
