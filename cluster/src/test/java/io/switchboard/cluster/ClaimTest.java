package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.AbstractMap;
import org.junit.jupiter.api.Test;

class ClaimTest {
  private static final class Entry extends AbstractMap.SimpleEntry<Long, MasterRecord> {
    Entry(MasterRecord r) {
      super(1L, r);
    }
  }

  @Test
  void firstClaimStartsAboveTheSwitchsGeneration() {
    Entry e = new Entry(null);
    MasterRecord r = new Claim(MasterRecord.NONE, "a", "127.0.0.1:5801", 41, 0).process(e);
    assertEquals(42, r.generation());
    assertEquals("a", e.getValue().owner());
    assertEquals(1, new Claim(MasterRecord.NONE, "a", "x", 0, 0).process(new Entry(null)).generation());
  }

  @Test
  void claimIsACompareAndSetThatRaisesTheGeneration() {
    MasterRecord old = new MasterRecord("a", "x", 7, 0);
    Entry e = new Entry(old);
    assertSame(old, new Claim(6, "b", "y", 0, 0).process(e), "saw an older record: nothing changes");
    assertSame(old, new Claim(MasterRecord.NONE, "b", "y", 0, 0).process(e));
    MasterRecord next = new Claim(7, "b", "y", 3, 0).process(e);
    assertEquals(new MasterRecord("b", "y", 8, 0), next);
    assertEquals(next, e.getValue());
  }

  @Test
  void mergeKeepsTheHigherGeneration() {
    GenerationMergePolicy p = new GenerationMergePolicy();
    MasterRecord a = new MasterRecord("a", "x", 5, 0);
    MasterRecord b = new MasterRecord("b", "y", 9, 0);
    assertEquals(b, p.merge(value(b), value(a)));
    assertEquals(b, p.merge(value(a), value(b)));
    assertEquals(a, p.merge(value(a), null));
  }

  private static com.hazelcast.spi.merge.MergingValue<Object> value(MasterRecord r) {
    return new com.hazelcast.spi.merge.MergingValue<>() {
      public Object getDeserializedValue() {
        return r;
      }

      public Object getRawValue() {
        return r;
      }
    };
  }

  @Test
  void linkKeysSayWhichBridgeAndMember() {
    String key = LinkRecord.key(0xfedcba9876543210L, "8f7f7bbe-36da-4bed-95f6-3a084563cdd1");
    assertEquals(new LinkRecord.Key(0xfedcba9876543210L, "8f7f7bbe-36da-4bed-95f6-3a084563cdd1"),
        LinkRecord.parse(key));
  }
}
