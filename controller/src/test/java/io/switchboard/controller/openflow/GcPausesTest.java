package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcPausesTest {
  @Test
  void overlapOfTwoStretches() {
    assertEquals(5, GcPauses.overlap(0, 10, 5, 20));
    assertEquals(3, GcPauses.overlap(5, 8, 0, 20));
    assertEquals(0, GcPauses.overlap(0, 10, 10, 20), "touching is not overlapping");
    assertEquals(0, GcPauses.overlap(0, 10, -5, -1));
  }

  @Test
  void pausesAreFoundOnTheUptimeClockThroughTheLearnedOffset() {
    GcPauses p = new GcPauses();
    assertEquals(0, p.within(0, 1_000), "nothing announced yet");
    // the collector's clock runs 30 ms behind uptime; announcements come at once and 9 ms after the pauses end
    p.record(1_000, 1_080, 1_110);
    p.record(2_000, 2_050, 2_089);
    assertEquals(80, p.within(1_000, 1_200), "the first pause, 1,030-1,110 on uptime");
    assertEquals(50, p.within(1_900, 2_200));
    assertEquals(20, p.within(2_060, 2_100), "a batch that began in the middle of the second pause");
    assertEquals(0, p.within(1_200, 1_900), "between the pauses");
  }

  @Test
  void onlyTheLastPausesAreKept() {
    GcPauses p = new GcPauses();
    for (int i = 0; i < GcPauses.KEPT + 4; i++) {
      p.record(i * 100L, i * 100L + 10, i * 100L + 10);
    }
    assertEquals(0, p.within(0, 350), "the first four were dropped");
    assertEquals(10, p.within(400, 450));
  }

  @Test
  void theJvmsCollectionsAreAnnounced() throws Exception {
    List<int[]> live = new ArrayList<>();
    for (int i = 0; i < 400_000; i++) {
      live.add(new int[4]);
    }
    long before = GcPauses.uptimeMillis();
    System.gc();
    long deadline = System.currentTimeMillis() + 5_000;
    while (GcPauses.JVM.within(before - 1, GcPauses.uptimeMillis() + 1) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(GcPauses.JVM.within(before - 1, GcPauses.uptimeMillis() + 1) > 0,
        "the full collection (" + live.size() + " live arrays) is seen where it happened");
  }
}
