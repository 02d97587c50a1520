package io.switchboard.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether this member's view of the cluster has settled enough for it to take bridges. A member that starts (or
 * restarts) while its peers are starting too would otherwise claim every bridge it is connected to,
 * then hand most of them over as the others appear: each move cancels the reconciliation under way and starts
 * another. So a member takes no bridge until
 * <ul>
 *   <li>every member of {@code cluster.members} is in the cluster (or as many members as are listed) and the member
 *   list has not changed for {@code cluster.settle}; or</li>
 *   <li>{@code cluster.settle-timeout} has passed since it started waiting (a listed member is down: serve without
 *   it).</li>
 * </ul>
 * Once settled it stays settled: members leaving later are failovers, which must not wait. {@link #rearm} starts
 * the wait. Decides only; no clock, no threads (callers pass {@code now}, in ms).
 */
final class MembershipSettle {
  private final Set<String> expected;
  private final long settleMs;
  private final long timeoutMs;
  private Set<String> live = Set.of();
  private long armedAt;
  private long changedAt;
  private boolean settled;

  /**
   * @param expected  the addresses (host:port, as Hazelcast reports them) of the members to wait for
   * @param settleMs  how long the member list must stay the same
   * @param timeoutMs the longest wait for the expected members
   */
  MembershipSettle(Collection<String> expected, long settleMs, long timeoutMs) {
    if (settleMs < 0 || timeoutMs < settleMs) {
      throw new IllegalArgumentException("settle " + settleMs + " ms, timeout " + timeoutMs + " ms");
    }
    this.expected = Set.copyOf(expected);
    this.settleMs = settleMs;
    this.timeoutMs = timeoutMs;
  }

  /** Starts waiting (at start) with the members seen now. */
  void rearm(Collection<String> members, long now) {
    live = Set.copyOf(members);
    armedAt = now;
    changedAt = now;
    settled = false;
  }

  /** The member list now; a change restarts the quiet time. Returns whether it changed. */
  boolean members(Collection<String> members, long now) {
    Set<String> next = Set.copyOf(members);
    if (next.equals(live)) {
      return false;
    }
    live = next;
    changedAt = now;
    return true;
  }

  /** Whether every expected member is in the cluster (or, when names differ from addresses, as many members). */
  boolean complete() {
    return live.containsAll(expected) || live.size() >= expected.size();
  }

  /** Whether this member may take bridges now; true for good once it was. */
  boolean settled(long now) {
    if (!settled) {
      settled = (complete() && now - changedAt >= settleMs) || now - armedAt >= timeoutMs;
    }
    return settled;
  }

  /** How long until {@link #settled} may turn true without a change (ms, at least 1), or 0 when settled. */
  long waitMs(long now) {
    if (settled(now)) {
      return 0;
    }
    long until = armedAt + timeoutMs;
    if (complete()) {
      until = Math.min(until, changedAt + settleMs);
    }
    return Math.max(1, until - now);
  }

  /** The expected members not in the cluster now, sorted (for the log). */
  List<String> missing() {
    TreeSet<String> out = new TreeSet<>(expected);
    out.removeAll(live);
    return List.copyOf(out);
  }

  /** How long it has been waiting (ms). */
  long waitedMs(long now) {
    return now - armedAt;
  }
}
