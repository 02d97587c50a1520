package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InboxTest {
  final AtomicInteger pauses = new AtomicInteger();
  final AtomicInteger resumes = new AtomicInteger();
  final Inbox inbox = new Inbox(16, new Inbox.ReadControl() {
    public void pause() {
      pauses.incrementAndGet();
    }

    public void resume() {
      resumes.incrementAndGet();
    }
  });

  @Test
  void pausesReadingAtCapacityAndResumesAtAQuarter() {
    for (int i = 0; i < 15; i++) {
      assertTrue(inbox.offer(i));
    }
    assertEquals(0, pauses.get());
    assertFalse(inbox.offer(15), "full: the caller must stop reading");
    assertEquals(1, pauses.get());
    assertTrue(inbox.paused());
    inbox.offer(16); // what was already decoded still queues: nothing is dropped
    assertEquals(1, pauses.get(), "paused once");
    for (int i = 0; i < 12; i++) {
      assertEquals(i, inbox.poll());
    }
    assertEquals(0, resumes.get(), "still above a quarter (4)");
    inbox.poll();
    assertEquals(1, resumes.get());
    assertFalse(inbox.paused());
    assertEquals(4, inbox.size());
  }

  @Test
  void oneDrainAtATime() {
    inbox.offer("a");
    assertTrue(inbox.claimDrain());
    assertFalse(inbox.claimDrain(), "a drain is already scheduled");
    inbox.poll();
    assertFalse(inbox.releaseDrain(), "nothing left: no new drain");
    inbox.offer("b");
    assertTrue(inbox.claimDrain());
    inbox.offer("c");
    inbox.poll();
    assertTrue(inbox.releaseDrain(), "c arrived meanwhile: the caller schedules another drain");
  }

  @Test
  void theShareShrinksAsSwitchesJoinAndGrowsAsTheyLeave() {
    InboundBudget b = new InboundBudget(1024, 4096);
    assertEquals(1024, b.share(), "alone: the per-switch bound");
    for (int i = 0; i < 4; i++) {
      b.join();
    }
    assertEquals(1024, b.share(), "4 x 1024 fit in 4096");
    for (int i = 0; i < 12; i++) {
      b.join();
    }
    assertEquals(256, b.share(), "16 switches: 4096 / 16");
    for (int i = 0; i < 984; i++) {
      b.join();
    }
    assertEquals(InboundBudget.MIN, b.share(), "1,000 switches: never below the minimum");
    for (int i = 0; i < 996; i++) {
      b.leave();
    }
    assertEquals(1024, b.share());
    for (int i = 0; i < 10; i++) {
      b.leave();
    }
    assertEquals(0, b.switches(), "more leaves than joins do not go negative");
  }

  @Test
  void inboxesOfOneBudgetPauseAtTheirShareAndCountWhatTheyHold() {
    InboundBudget b = new InboundBudget(64, 64);
    AtomicInteger otherPauses = new AtomicInteger();
    Inbox first = new Inbox(b, new Inbox.ReadControl() {
      public void pause() {
        pauses.incrementAndGet();
      }

      public void resume() {
        resumes.incrementAndGet();
      }
    });
    Inbox second = new Inbox(b, new Inbox.ReadControl() {
      public void pause() {
        otherPauses.incrementAndGet();
      }

      public void resume() {}
    });
    b.join();
    b.join();
    assertEquals(32, b.share());
    for (int i = 0; i < 31; i++) {
      assertTrue(first.offer(i));
    }
    assertFalse(first.offer(31), "at its share (64 / 2), not at the per-switch 64");
    second.offer("x");
    assertEquals(33, b.queued(), "both inboxes count in the total");
    b.join();
    b.join(); // four switches now: a share of 16
    for (int i = 0; i < 14; i++) {
      assertTrue(second.offer(i));
    }
    assertFalse(second.offer(14), "the smaller share applies at once");
    assertEquals(1, otherPauses.get());
    for (int i = 0; i < 27; i++) {
      first.poll();
    }
    assertEquals(0, resumes.get(), "5 left, above a quarter of the share (16 / 4)");
    first.poll();
    assertEquals(1, resumes.get());
    second.clear();
    assertEquals(4, b.queued(), "a cleared inbox gives its messages back");
  }

  @Test
  void aWorkerThatEmptiesTheInboxAsItPausesResumesItExactlyOnce() {
    Inbox[] self = new Inbox[1];
    AtomicInteger resumed = new AtomicInteger();
    self[0] = new Inbox(16, new Inbox.ReadControl() {
      public void pause() {
        while (self[0].poll() != null) {
          // the worker drains everything while the event loop pauses
        }
      }

      public void resume() {
        resumed.incrementAndGet();
      }
    });
    for (int i = 0; i < 16; i++) {
      self[0].offer(i);
    }
    assertFalse(self[0].paused(), "nothing is left to drain: reading must not stay paused");
    assertEquals(1, resumed.get(), "resumed once, not by both the worker and the event loop's re-check");
    assertEquals(0, self[0].size());
  }
}
