package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutstandingTest {
  @Test
  void aPacketInIsAnsweredOnceAndItsRoundTripMeasured() {
    Outstanding o = new Outstanding(16, 4);
    o.sent(1, 0, 1000);
    o.sent(2, 1, 1500);
    assertEquals(2, o.inFlight());
    assertEquals(700, o.answer(2, 2200));
    assertEquals(-1, o.answer(2, 2300), "a second answer to the same packet-in does not count");
    assertEquals(1, o.inFlight());
    assertTrue(o.wasSent(2));
    assertFalse(o.wasSent(3));
    assertFalse(o.wasSent(0));
  }

  @Test
  void unansweredPacketInsExpireAsLostAndFreeTheWindow() {
    Outstanding o = new Outstanding(16, 4);
    o.sent(1, 0, 0);
    o.sent(2, 0, 0);
    o.sent(3, 0, 900);
    o.answer(2, 10);
    assertEquals(1, o.expire(1000, 500), "seq 1 lost, seq 2 answered, seq 3 still young");
    assertEquals(1, o.inFlight());
    assertEquals(1, o.clear());
    assertEquals(0, o.inFlight());
  }

  @Test
  void aFlowModForASourceAnswersItsOldestOpenPacketIn() {
    Outstanding o = new Outstanding(16, 4);
    o.sent(1, 3, 0);
    o.sent(2, 1, 5);
    o.sent(3, 3, 10);
    o.sent(4, 3, 20);
    o.answer(1, 50);
    assertEquals(90, o.answerFromSource(3, 100), "seq 1 was answered already: seq 3 is next");
    assertEquals(80, o.answerFromSource(3, 100));
    assertEquals(-1, o.answerFromSource(3, 100));
    o.sent(5, 3, 100);
    assertEquals(10, o.answerFromSource(3, 110), "a packet-in sent after the chain ran dry is found");
    assertEquals(-1, o.answerFromSource(2, 100), "host 2 sent nothing");
    assertEquals(95, o.answerFromSource(1, 100));
    assertEquals(0, o.inFlight());
  }

  @Test
  void theChainOfASourceSurvivesRetirement() {
    Outstanding o = new Outstanding(16, 2);
    for (long s = 1; s <= 40; s++) {
      o.sent(s, (int) (s % 2), s);
      o.expire(s, 10);   // retires what is older than 10 ns
    }
    assertEquals(40 - 31, o.answerFromSource(1, 40), "the oldest open from host 1 is seq 31");
    assertEquals(40 - 32, o.answerFromSource(0, 40));
    while (o.answerFromSource(1, 40) >= 0) {
      // drain host 1's chain
    }
    o.sent(41, 1, 41);
    assertEquals(1, o.answerFromSource(1, 42), "after the chain ran dry, a new packet-in starts it again");
  }

  @Test
  void theRingPushesOutTheOldestUnansweredWhenFull() {
    Outstanding o = new Outstanding(16, 1);
    int lost = 0;
    for (long s = 1; s <= o.capacity() + 3; s++) {
      lost += o.sent(s, 0, s);
    }
    assertEquals(3, lost);
    assertEquals(o.capacity(), o.inFlight());
  }
}
