package io.switchboard.bench;

/**
 * The packet-ins one switch has sent and not yet seen answered, by sequence number, in a ring. A packet-in is
 * answered at most once; one that stays unanswered longer than the timeout (or is pushed out of the ring) is
 * lost, which reopens its place in the window. Packet-ins from the same source host are also chained in the
 * order sent, so that a flow-mod naming a host's MAC answers that host's oldest open packet-in (controllers
 * answer in order). Confined to the switch's event loop.
 */
public final class Outstanding {
  private final long[] seqs;
  private final boolean[] open;
  private final long[] sentAt;
  private final int[] sources;
  /** The next packet-in sent from the same source host, or 0. */
  private final long[] nextFromSource;
  private final int mask;
  /** Per source host: the oldest packet-in not yet retired from the ring (open or not), or 0. */
  private final long[] oldestBySource;
  private final long[] newestBySource;
  private long next = 1;
  private long oldest = 1;
  private int inFlight;

  public Outstanding(int capacity, int hosts) {
    int size = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
    seqs = new long[size];
    open = new boolean[size];
    sentAt = new long[size];
    sources = new int[size];
    nextFromSource = new long[size];
    mask = size - 1;
    oldestBySource = new long[hosts];
    newestBySource = new long[hosts];
  }

  public int capacity() {
    return seqs.length;
  }

  public int inFlight() {
    return inFlight;
  }

  /** The sequence number the next packet-in gets (tags are 32 bits; a run never sends 2^32 per switch). */
  public long peekNext() {
    return next;
  }

  /**
   * Records packet-in {@code seq} (which must be {@link #peekNext()}) being sent. Returns how many older
   * unanswered ones were pushed out of the ring to make room (lost).
   */
  public int sent(long seq, int sourceHost, long now) {
    if (seq != next) {
      throw new IllegalArgumentException("expected sequence " + next + ", got " + seq);
    }
    int lost = 0;
    while (next - oldest >= seqs.length) {
      lost += retireOldest() ? 1 : 0;
    }
    int i = (int) (seq & mask);
    seqs[i] = seq;
    open[i] = true;
    sentAt[i] = now;
    sources[i] = sourceHost;
    nextFromSource[i] = 0;
    long prev = newestBySource[sourceHost];
    if (prev >= oldest && prev != 0) {
      nextFromSource[(int) (prev & mask)] = seq;
    }
    if (oldestBySource[sourceHost] == 0) {
      oldestBySource[sourceHost] = seq;
    }
    newestBySource[sourceHost] = seq;
    next = seq + 1;
    inFlight++;
    return lost;
  }

  /** True when {@code seq} was ever sent by this switch (an answer to it is genuine, if perhaps late). */
  public boolean wasSent(long seq) {
    return seq >= 1 && seq < next;
  }

  /** Marks a packet-in answered; returns its round-trip time in ns, or -1 when it was not open. */
  public long answer(long seq, long now) {
    if (seq < oldest || seq >= next) {
      return -1;
    }
    int i = (int) (seq & mask);
    if (seqs[i] != seq || !open[i]) {
      return -1;
    }
    open[i] = false;
    inFlight--;
    return now - sentAt[i];
  }

  /** Answers the oldest open packet-in from a source host; its round trip in ns, or -1 when none is open. */
  public long answerFromSource(int sourceHost, long now) {
    if (sourceHost < 0 || sourceHost >= oldestBySource.length) {
      return -1;
    }
    long s = oldestBySource[sourceHost];
    while (s != 0) {
      int i = (int) (s & mask);
      long after = nextFromSource[i];
      if (open[i]) {
        oldestBySource[sourceHost] = after;
        return answer(s, now);
      }
      s = after;
      oldestBySource[sourceHost] = s;
    }
    return -1;
  }

  /** Retires packet-ins older than {@code timeoutNanos}; returns how many of them were never answered. */
  public int expire(long now, long timeoutNanos) {
    int lost = 0;
    while (oldest < next) {
      int i = (int) (oldest & mask);
      if (open[i] && now - sentAt[i] < timeoutNanos) {
        break;
      }
      lost += retireOldest() ? 1 : 0;
    }
    return lost;
  }

  /** Forgets every outstanding packet-in (end of a phase); returns how many were unanswered. */
  public int clear() {
    int lost = 0;
    while (oldest < next) {
      lost += retireOldest() ? 1 : 0;
    }
    return lost;
  }

  private boolean retireOldest() {
    int i = (int) (oldest & mask);
    boolean unanswered = open[i];
    if (unanswered) {
      open[i] = false;
      inFlight--;
    }
    int src = sources[i];
    if (oldestBySource[src] == oldest) {
      oldestBySource[src] = nextFromSource[i];
    }
    oldest++;
    return unanswered;
  }
}
