package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a starting member may take bridges, transition by transition on a clock passed by hand (ms). */
class MembershipSettleTest {
  private static final String A = "127.0.0.1:5701";
  private static final String B = "127.0.0.1:5702";
  private static final String C = "127.0.0.1:5703";

  private final MembershipSettle settle = new MembershipSettle(List.of(A, B, C), 2000, 15_000);

  @Test
  void waitsForEveryListedMemberThenForTheQuietTime() {
    settle.rearm(List.of(A), 0);
    assertFalse(settle.settled(0));
    assertEquals(List.of(B, C), settle.missing());
    assertEquals(15_000, settle.waitMs(0), "alone: only the timeout can end the wait");
    assertTrue(settle.members(List.of(A, B), 1000));
    assertFalse(settle.settled(4000), "C is still missing");
    assertTrue(settle.members(List.of(A, B, C), 5000));
    assertTrue(settle.complete());
    assertEquals(2000, settle.waitMs(5000), "every member seen: the quiet time runs from the last change");
    assertFalse(settle.settled(6999));
    assertTrue(settle.settled(7000));
    assertEquals(0, settle.waitMs(7000));
  }

  @Test
  void aChangeRestartsTheQuietTime() {
    settle.rearm(List.of(A, B, C), 0);
    assertFalse(settle.settled(1500));
    assertFalse(settle.members(List.of(C, B, A), 1500), "the same members in another order are no change");
    assertTrue(settle.members(List.of(A, B), 1900));
    assertTrue(settle.members(List.of(A, B, C), 2500));
    assertFalse(settle.settled(4499));
    assertTrue(settle.settled(4500));
  }

  @Test
  void aMissingMemberIsWaitedForUntilTheTimeoutOnly() {
    settle.rearm(List.of(A, B), 0);
    assertFalse(settle.settled(14_999));
    assertEquals(1, settle.waitMs(14_999));
    assertTrue(settle.settled(15_000), "C is down: serve without it");
    assertEquals(List.of(C), settle.missing());
  }

  @Test
  void theTimeoutBoundsTheWaitEvenWhileMembersComeAndGo() {
    settle.rearm(List.of(A), 0);
    for (long t = 1000; t < 15_000; t += 1000) {
      settle.members(t % 2000 == 0 ? List.of(A, B, C) : List.of(A, B), t);
      assertFalse(settle.settled(t), "at " + t);
    }
    assertTrue(settle.settled(15_000));
  }

  @Test
  void settledStaysSettledUntilRearmed() {
    settle.rearm(List.of(A, B, C), 0);
    assertTrue(settle.settled(2000));
    settle.members(List.of(A), 3000);
    assertTrue(settle.settled(3000), "a member leaving later is a failover: nothing waits for it");
    settle.rearm(List.of(A, B, C), 10_000);
    assertFalse(settle.settled(10_000), "rejoined after a split: settle again");
    assertTrue(settle.settled(12_000));
  }

  @Test
  void asManyMembersAsListedCountWhenNamesDiffer() {
    MembershipSettle s = new MembershipSettle(List.of("localhost:5701", "localhost:5702"), 500, 10_000);
    s.rearm(List.of(A, B), 0);
    assertTrue(s.complete(), "two members, two listed");
    assertTrue(s.settled(500));
  }

  @Test
  void zeroTimesSettleAtOnce() {
    MembershipSettle s = new MembershipSettle(List.of(A, B), 0, 0);
    s.rearm(List.of(A), 0);
    assertTrue(s.settled(0));
  }

  @Test
  void rejectsATimeoutShorterThanTheQuietTime() {
    assertThrows(IllegalArgumentException.class, () -> new MembershipSettle(List.of(A), 2000, 1000));
    assertThrows(IllegalArgumentException.class, () -> new MembershipSettle(List.of(A), -1, 1000));
  }
}
