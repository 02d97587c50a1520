package io.switchboard.controller.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compact match: what it says about its fields, equality and hashing, as the map it replaced did. */
class FlowMatchTest {
  @Test
  void fieldsReadBackInDeclaredOrderWhateverOrderTheyWereGivenIn() {
    FlowMatch a = FlowMatch.builder().ethDst(0x02_0000_0000_02L).inPort(3).vlan(100).build();
    FlowMatch b = FlowMatch.builder().vlan(100).inPort(3).ethDst(0x02_0000_0000_02L).build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(List.of(Field.IN_PORT, Field.ETH_DST, Field.VLAN_VID).stream().sorted().toList(),
        new ArrayList<>(a.fields().keySet()));
    assertEquals(new FlowMatch.Masked(3, Field.IN_PORT.fullMask()), a.get(Field.IN_PORT));
    assertEquals(new FlowMatch.Masked(100 | Field.VID_PRESENT, Field.VLAN_VID.fullMask()), a.get(Field.VLAN_VID));
    assertTrue(a.has(Field.ETH_DST));
    assertFalse(a.has(Field.ETH_SRC));
    assertNull(a.get(Field.ETH_SRC));
    List<Field> seen = new ArrayList<>();
    a.forEach((f, m) -> seen.add(f));
    assertEquals(new ArrayList<>(a.fields().keySet()), seen);
    assertThrows(UnsupportedOperationException.class, () -> a.fields().clear());
  }

  @Test
  void masksAreNormalizedAndAZeroMaskDropsTheField() {
    FlowMatch a = FlowMatch.builder().ipv4Dst(0x0a000105, 24).build();
    assertEquals(new FlowMatch.Masked(0x0a000100L, 0xffffff00L), a.get(Field.IPV4_DST));
    assertEquals(a, FlowMatch.builder().ipv4Dst(0x0a0001ff, 24).build());
    assertTrue(FlowMatch.builder().ipv4Dst(0x0a000105, 0).build().isEmpty());
    assertEquals(FlowMatch.ALL, FlowMatch.builder().inPort(1).remove(Field.IN_PORT).build());
    assertEquals("any", FlowMatch.ALL.toString());
  }

  @Test
  void differentValuesMasksOrFieldsAreDifferentMatches() {
    FlowMatch a = FlowMatch.builder().inPort(1).ethSrc(5).build();
    assertNotEquals(a, FlowMatch.builder().inPort(1).ethSrc(6).build());
    assertNotEquals(a, FlowMatch.builder().inPort(1).ethDst(5).build());
    assertNotEquals(a, FlowMatch.builder().inPort(1).build());
    assertNotEquals(FlowMatch.builder().ipv4Dst(0x0a000000, 8).build(),
        FlowMatch.builder().ipv4Dst(0x0a000000, 16).build());
    assertEquals(a, a.toBuilder().build());
    assertEquals(FlowMatch.builder().inPort(1).ethSrc(5).ethDst(7).build(), a.toBuilder().ethDst(7).build());
  }

  @Test
  void matchesWhatItSelects() {
    FlowMatch m = FlowMatch.builder().inPort(2).ipv4Dst(0x0a000100, 24).build();
    assertTrue(m.matches(Map.of(Field.IN_PORT, 2L, Field.IPV4_DST, 0x0a000107L, Field.ETH_SRC, 9L)));
    assertFalse(m.matches(Map.of(Field.IN_PORT, 2L, Field.IPV4_DST, 0x0a000207L)));
    assertFalse(m.matches(Map.of(Field.IN_PORT, 2L)), "an unknown field does not match");
  }

  @Test
  void matchesDifferingInOneMacHashApart() {
    Set<Integer> hashes = new HashSet<>();
    for (long mac = 0; mac < 10_000; mac++) {
      hashes.add(FlowMatch.builder().inPort(1).vlan(10).ethSrc(0x02_0000_0000_00L + mac).ethDst(0x02_0000_0001_00L)
          .build().hashCode());
    }
    assertTrue(hashes.size() > 9_990, hashes.size() + " distinct hashes of 10,000");
  }
}
