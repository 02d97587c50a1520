package io.switchboard.apps.acl;

import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.SwitchView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Packet and byte counters of the ACL's entries, read from every connected bridge's flow stats and summed per
 * cookie tag (= per rule). Blocks the calling thread up to a timeout, so it is only for REST threads, never for a
 * switch worker.
 *
 * @param unanswered bridges whose stats did not arrive in time (their counters are missing from the sums)
 */
record HitCounters(Map<Long, Hits> byTag, List<String> unanswered) {

  static final HitCounters NONE = new HitCounters(Map.of(), List.of());

  /** One rule's counters and the bridges that hold its entries. */
  record Hits(long packets, long bytes, Set<String> bridges) {
    static final Hits ZERO = new Hits(0, 0, Set.of());
  }

  Hits of(long tag) {
    return byTag.getOrDefault(tag, Hits.ZERO);
  }

  static HitCounters read(AppContext ctx, Duration timeout) {
    Map<SwitchView, CompletableFuture<List<LiveFlow>>> pending = new HashMap<>();
    for (SwitchView sw : ctx.switches()) {
      pending.put(sw, ctx.liveFlows(sw.dpid()));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Long, long[]> sums = new HashMap<>();
    Map<Long, Set<String>> bridges = new HashMap<>();
    List<String> unanswered = new ArrayList<>();
    pending.forEach((sw, future) -> {
      List<LiveFlow> flows;
      try {
        flows = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        unanswered.add(sw.name());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unanswered.add(sw.name());
        return;
      }
      for (LiveFlow f : flows) {
        long[] s = sums.computeIfAbsent(f.tag(), t -> new long[2]);
        s[0] += f.packets();
        s[1] += f.bytes();
        bridges.computeIfAbsent(f.tag(), t -> new TreeSet<>()).add(sw.name());
      }
    });
    Map<Long, Hits> byTag = new HashMap<>();
    sums.forEach((tag, s) -> byTag.put(tag, new Hits(s[0], s[1], Set.copyOf(bridges.get(tag)))));
    unanswered.sort(null);
    return new HitCounters(Map.copyOf(byTag), List.copyOf(unanswered));
  }
}
