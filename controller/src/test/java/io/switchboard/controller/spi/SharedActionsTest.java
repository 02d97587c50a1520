package io.switchboard.controller.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedActionsTest {
  private static FlowEntry toHost(long vni, long hostIp, long port) {
    return FlowEntry.in(Stage.L2).priority(10).match(FlowMatch.builder().ethDst(port).build())
        .actions(new ArrayList<>(List.of(Action.setField(Field.TUNNEL_ID, vni), Action.setField(Field.TUN_IPV4_DST,
            hostIp), new Action.DecTtl(), Action.output(port)))).build();
  }

  @Test
  void equalActionListsOfDifferentEntriesAreOneInstance() {
    FlowEntry a = toHost(5001, 0x0a000002L, 7);
    FlowEntry b = toHost(5001, 0x0a000002L, 7);
    assertSame(a.actions(), b.actions(), "the same list");
    assertSame(a.actions().get(0), b.actions().get(0), "the same actions");
    assertSame(Action.DEC_TTL, a.actions().get(2), "one dec_ttl for all");
    FlowEntry c = toHost(5001, 0x0a000003L, 7); // another host
    assertNotEquals(a.actions(), c.actions());
    assertSame(a.actions().get(0), c.actions().get(0), "the VNI's set-field is still shared");
    assertEquals(List.of(Action.setField(Field.TUNNEL_ID, 5001), Action.setField(Field.TUN_IPV4_DST, 0x0a000003L),
        new Action.DecTtl(), Action.output(7)), c.actions(), "order and values kept");
  }

  @Test
  void theListIsImmutableAndNullsAreRefusedAsBefore() {
    FlowEntry a = toHost(1, 2, 3);
    assertThrows(UnsupportedOperationException.class, () -> a.actions().add(Action.output(9)));
    List<Action> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> SharedActions.of(withNull));
  }

  @Test
  void aCollisionCostsADuplicateNeverAWrongAction() {
    // far more distinct actions than the table holds: each comes back equal to what was asked for
    for (int round = 0; round < 2; round++) {
      for (long v = 0; v < 4L * SharedActions.SLOTS; v++) {
        Action asked = Action.setField(Field.TUNNEL_ID, v);
        assertEquals(asked, SharedActions.of(asked));
        List<Action> list = List.of(Action.output(v), asked);
        assertEquals(list, SharedActions.of(list));
      }
    }
  }

  @Test
  void equalMetadataWritesAreOneInstance() {
    FlowEntry a = FlowEntry.in(Stage.L2).match(FlowMatch.ALL).writeMetadata(0x1389, 0xffffff).build();
    FlowEntry b = FlowEntry.in(Stage.L2).match(FlowMatch.ALL).writeMetadata(0x1389, 0xffffff).build();
    assertSame(a.metadata(), b.metadata());
    FlowEntry c = FlowEntry.in(Stage.L2).match(FlowMatch.ALL).writeMetadata(0x1389, 0xff).build();
    assertEquals(new FlowEntry.Metadata(0x1389, 0xff), c.metadata(), "another mask is another write");
    assertEquals(null, FlowEntry.in(Stage.L2).match(FlowMatch.ALL).build().metadata());
  }

  @Test
  void kindsNotSharedComeBackUnchanged() {
    Action ct = Action.conntrack(true, 3, Stage.L2);
    assertSame(ct, SharedActions.of(ct));
    assertEquals(List.of(ct, Action.output(1)), SharedActions.of(List.of(ct, Action.output(1))));
  }
}
