package io.switchboard.bench;

/**
 * Round-trip times in nanoseconds, in log-linear buckets (64 per power of two: under 1.6% error), so that
 * millions of samples take a few kilobytes. Written by one thread; merged and read after the run.
 */
public final class LatencyHistogram {
  private static final int SUB = 64;
  private static final int LINEAR = 2 * SUB;
  private final long[] counts = new long[LINEAR + 58 * SUB];
  private long total;
  private long max;

  public void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  public void add(LatencyHistogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  public long count() {
    return total;
  }

  public long max() {
    return max;
  }

  /** The value below which {@code percent} of the samples fall (an upper bound within the bucket's width). */
  public long percentile(double percent) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(total * percent / 100.0);
    rank = Math.max(1, Math.min(total, rank));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, upperBound(i));
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int shift = 63 - Long.numberOfLeadingZeros(v) - 6;   // keeps the top 7 bits: 64..127
    return LINEAR + (shift - 1) * SUB + (int) ((v >>> shift) - SUB);
  }

  static long upperBound(int index) {
    if (index < LINEAR) {
      return index;
    }
    int shift = (index - LINEAR) / SUB + 1;
    long sub = (index - LINEAR) % SUB + SUB;
    return ((sub + 1) << shift) - 1;
  }
}
