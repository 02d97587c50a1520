package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.apps.l2.SingleTableFlows.Pair;
import io.switchboard.controller.spi.FlowEntry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact pair table against a plain map: the same answers after any mix of adds, removals and host removals. */
class PairTableTest {
  static FlowEntry entry(Pair p) {
    return TalkingPairsTest.entry(p);
  }

  @Test
  void keysKeepTheirVlanAndFullMacs() {
    PairTable t = new PairTable();
    Pair a = new Pair(4095, 0xffff_ffff_fffeL, 0x0200_0000_0001L);
    Pair b = new Pair(0, 0xffff_ffff_fffeL, 0x0200_0000_0001L);
    Pair untagged = new Pair(-1, 0x0200_0000_0002L, 0x0200_0000_0001L);
    FlowEntry ea = entry(a);
    t.put(a.vlan(), a.src(), a.dst(), ea);
    t.put(b.vlan(), b.src(), b.dst(), entry(b));
    t.put(untagged.vlan(), untagged.src(), untagged.dst(), entry(untagged));
    assertSame(ea, t.get(4095, 0xffff_ffff_fffeL, 0x0200_0000_0001L));
    assertEquals(new HashSet<>(List.of(a, b, untagged)), new HashSet<>(t.pairs()));
    assertNull(t.get(1, 0xffff_ffff_fffeL, 0x0200_0000_0001L), "another VLAN is another pair");
    assertThrows(IllegalArgumentException.class, () -> t.put(1, 2, 3, null));
  }

  @Test
  void agreesWithAMapThroughRandomChurn() {
    Random rnd = new Random(42);
    PairTable t = new PairTable();
    Map<Pair, FlowEntry> ref = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      // few hosts and VLANs, so that keys collide, probe runs wrap and host removals hit many pairs
      Pair p = new Pair(rnd.nextInt(3), 0x0200_0000_0000L + rnd.nextInt(40), 0x0200_0000_0000L + rnd.nextInt(40));
      int op = rnd.nextInt(10);
      if (op < 6) {
        FlowEntry e = entry(p);
        assertSame(ref.put(p, e), t.put(p.vlan(), p.src(), p.dst(), e));
      } else if (op < 9) {
        assertSame(ref.remove(p), t.remove(p.vlan(), p.src(), p.dst()));
      } else {
        List<FlowEntry> removed = t.removeHost(p.vlan(), p.src());
        int before = ref.size();
        ref.keySet().removeIf(k -> k.vlan() == p.vlan() && (k.src() == p.src() || k.dst() == p.src()));
        assertEquals(before - ref.size(), removed.size());
      }
      assertEquals(ref.size(), t.size());
      if (step % 1000 == 0) {
        for (Map.Entry<Pair, FlowEntry> e : ref.entrySet()) {
          Pair k = e.getKey();
          assertSame(e.getValue(), t.get(k.vlan(), k.src(), k.dst()), k.toString());
        }
        assertEquals(ref.keySet(), new HashSet<>(t.pairs()));
      }
    }
  }
}
