package io.switchboard.controller.openflow;

import io.switchboard.config.OpenFlowLimits;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many read, not yet handled messages a switch's {@link Inbox} may hold before reading from that switch pauses:
 * {@code openflow.limits.inbound-queue}, or the switch's share of {@code openflow.limits.inbound-total} among the
 * switches connected, whichever is smaller (never below {@value #MIN}). A per-switch bound alone lets the total grow
 * with every switch that connects (256 flooding switches held some 400,000 decoded packet-ins, and the heap spent
 * its time copying them); shared out, what all switches together make the controller hold stays near
 * {@code inbound-total}, plus one read each, up to {@code inbound-total / MIN} switches (4,096 by default; beyond,
 * each keeps {@value #MIN}). An inbox filled to a larger share before more switches connected is not trimmed: it
 * pauses at its next message and drains. One budget per OpenFlow server, shared by its listeners.
 */
public final class InboundBudget {
  /** No switch's share falls below this, so a switch among very many still gets whole batches read. */
  static final int MIN = 16;

  private final int perSwitch;
  private final int total;
  private final LongAdder queued = new LongAdder();
  private volatile int switches; // written under this
  private volatile int share;

  public InboundBudget(int perSwitch, int total) {
    if (perSwitch < 1 || total < 1) {
      throw new IllegalArgumentException("inbound budget must be positive");
    }
    this.perSwitch = perSwitch;
    this.total = total;
    this.share = shareFor(0);
  }

  public static InboundBudget of(OpenFlowLimits limits) {
    return new InboundBudget(limits.inboundQueue(), limits.inboundTotal());
  }

  /** A budget for one switch alone: always {@code capacity}. */
  static InboundBudget fixed(int capacity) {
    return new InboundBudget(capacity, Integer.MAX_VALUE);
  }

  /** What one switch's inbox may hold now. */
  public int share() {
    return share;
  }

  /** A switch's session has started taking messages. */
  public synchronized void join() {
    switches++;
    share = shareFor(switches);
  }

  /** A switch's session has ended. */
  public synchronized void leave() {
    if (switches > 0) {
      switches--;
    }
    share = shareFor(switches);
  }

  public int switches() {
    return switches;
  }

  /** Messages read from all switches and not handled yet. */
  public long queued() {
    return queued.sum();
  }

  void added(int n) {
    queued.add(n);
  }

  private int shareFor(int n) {
    int even = total / Math.max(1, n);
    return Math.max(Math.min(MIN, perSwitch), Math.min(perSwitch, even));
  }

  /** For log lines: where the share comes from. */
  String describe() {
    int s = share;
    if (s >= perSwitch) {
      return s + " messages behind (openflow.limits.inbound-queue)";
    }
    return s + " messages behind (its share of openflow.limits.inbound-total, " + total + ", among " + switches()
        + " switches)";
  }
}
