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
}
