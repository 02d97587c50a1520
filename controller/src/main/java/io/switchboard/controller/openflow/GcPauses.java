package io.switchboard.controller.openflow;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's recent garbage-collection pauses, to tell a batch that held an event loop because a pause stopped every
 * thread from one that an app made slow. The collectors announce each collection after it (a JMX notification);
 * the last {@value #KEPT} pauses are kept. Their times are on the collectors' own clock, some tens of milliseconds
 * off the JVM's uptime, so the offset is learned from the announcements (the smallest gap seen between a pause's end
 * and its announcement). Collectors that report concurrent cycles rather than pauses (ZGC's and Shenandoah's
 * "Cycles", G1's "Concurrent GC") are left out. Nothing here is on the fast path: it is asked only about a slow batch.
 */
final class GcPauses {
  static final int KEPT = 16;
  static final GcPauses JVM = new GcPauses().listen();

  private final long[] starts = new long[KEPT];
  private final long[] ends = new long[KEPT];
  private int next; // guarded by this
  private int count; // guarded by this
  private long offset = Long.MAX_VALUE; // uptime minus collector clock; guarded by this

  /** Starts listening to the collectors (class initialization), before the first slow batch needs to know. */
  static void watch() {
    // JVM is created, and its listeners registered, when this class is first used
  }

  /** Milliseconds since the JVM started, the clock {@link #within} takes. */
  static long uptimeMillis() {
    return ManagementFactory.getRuntimeMXBean().getUptime();
  }

  private GcPauses listen() {
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      String name = b.getName();
      if (name.contains("Cycles") || name.contains("Concurrent") || !(b instanceof NotificationEmitter emitter)) {
        continue;
      }
      emitter.addNotificationListener((n, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
          GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
          record(info.getStartTime(), info.getEndTime(), uptimeMillis());
        }
      }, null, null);
    }
    return this;
  }

  /** A pause from {@code start} to {@code end} on the collector's clock, announced at {@code uptimeNow}. */
  synchronized void record(long start, long end, long uptimeNow) {
    offset = Math.min(offset, uptimeNow - end);
    starts[next] = start;
    ends[next] = end;
    next = (next + 1) % KEPT;
    count = Math.min(KEPT, count + 1);
  }

  /** Milliseconds of the kept pauses between {@code from} and {@code to} (uptime); 0 before any was announced. */
  synchronized long within(long from, long to) {
    if (count == 0) {
      return 0;
    }
    long sum = 0;
    for (int i = 0; i < count; i++) {
      sum += overlap(from - offset, to - offset, starts[i], ends[i]);
    }
    return sum;
  }

  static long overlap(long from, long to, long start, long end) {
    return Math.max(0, Math.min(to, end) - Math.max(from, start));
  }
}
