package io.switchboard.bench.overlay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the churn measured: each change's latency from its request to the last flow-mod about it on any bridge
 * (whole run, and per 10 s window of sending, so that a growing backlog shows as growing latency), and how long the
 * REST answers took.
 */
final class ChurnReport {
  /** Flow-mod arrival times (ns) by churned MAC, as the emulated bridges saw them. */
  private final Map<Long, long[]> macTimes;
  private final AtomicLong churnFlowMods;

  ChurnReport(Map<Long, long[]> macTimes, AtomicLong churnFlowMods) {
    this.macTimes = macTimes;
    this.churnFlowMods = churnFlowMods;
  }

  /** One churned endpoint: what was sent and when. */
  static final class Change {
    final String name;
    final long mac;
    final int host;
    final String port;
    final String body;
    long addSent;
    long addAnswered;
    int addStatus;
    long deleteSent;
    long deleteAnswered;
    int deleteStatus;

    Change(String name, long mac, int host, String port, String body) {
      this.name = name;
      this.mac = mac;
      this.host = host;
      this.port = port;
      this.body = body;
    }
  }

  void report(List<Change> all, long churnStart, long measureFrom, long end, List<int[]> outstandingByWindow,
      int maxOutstanding, int errors, int rate, int seconds, int planned) {
    List<long[]> byWindow = new ArrayList<>(); // per 10 s window of sending: latencies (ns) of changes
    List<Long> allLatencies = new ArrayList<>();
    List<Long> restLatencies = new ArrayList<>();
    int adds = 0;
    int deletes = 0;
    int missing = 0;
    for (Change c : all) {
      long[] times = macTimes.getOrDefault(c.mac, new long[0]);
      Arrays.sort(times);
      if (c.addSent >= measureFrom && c.addSent < end && ok(c.addStatus)) {
        adds++;
        long limit = c.deleteSent > 0 ? c.deleteSent : Long.MAX_VALUE;
        long last = 0;
        for (long t : times) {
          if (t >= c.addSent && t < limit) {
            last = t;
          }
        }
        missing += record(last == 0 ? -1 : last - c.addSent, c.addSent, churnStart, byWindow, allLatencies);
        restLatencies.add(c.addAnswered - c.addSent);
      }
      if (c.deleteSent >= measureFrom && c.deleteSent < end && ok(c.deleteStatus)) {
        deletes++;
        long last = 0;
        for (long t : times) {
          if (t >= c.deleteSent) {
            last = t;
          }
        }
        missing += record(last == 0 ? -1 : last - c.deleteSent, c.deleteSent, churnStart, byWindow, allLatencies);
        restLatencies.add(c.deleteAnswered - c.deleteSent);
      }
    }
    System.out.printf(Locale.ROOT, "churn: %d s at %d adds + %d deletes a second (after %d s of adds only): %d adds "
        + "and %d deletes answered OK, %d errors; %d flow-mods about churned endpoints%n", seconds, rate, rate,
        (measureFrom - churnStart) / 1_000_000_000L, adds, deletes, errors, churnFlowMods.get());
    System.out.printf(Locale.ROOT, "change to switch (request sent -> last flow-mod about it on any bridge): %s; "
        + "changes with no flow-mod seen: %d%n", percentiles(allLatencies), missing);
    System.out.printf(Locale.ROOT, "REST answer: %s; outstanding requests at most %d%n",
        percentiles(restLatencies), maxOutstanding);
    for (int w = 0; w < byWindow.size(); w++) {
      List<Long> l = new ArrayList<>();
      for (long x : byWindow.get(w)) {
        if (x > 0) {
          l.add(x);
        }
      }
      int out = w < outstandingByWindow.size() ? outstandingByWindow.get(w)[0] : 0;
      if (!l.isEmpty()) {
        System.out.printf(Locale.ROOT, "  window %3d-%3d s: %5d changes, %s, outstanding REST at most %d%n", w * 10,
            w * 10 + 10, l.size(), percentiles(l), out);
      }
    }
  }


  static int countDeletes(List<Change> all) {
    int n = 0;
    for (Change c : all) {
      n += c.deleteSent > 0 ? 1 : 0;
    }
    return n;
  }

  static long[] append(long[] times, long t) {
    if (times == null) {
      return new long[] {t};
    }
    long[] out = Arrays.copyOf(times, times.length + 1);
    out[times.length] = t;
    return out;
  }

  static boolean ok(int status) {
    return status / 100 == 2;
  }

  private static int record(long latency, long sent, long start, List<long[]> byWindow, List<Long> all) {
    if (latency < 0) {
      return 1;
    }
    int w = (int) ((sent - start) / 10_000_000_000L);
    while (byWindow.size() <= w) {
      byWindow.add(new long[0]);
    }
    byWindow.set(w, append(byWindow.get(w), latency));
    all.add(latency);
    return 0;
  }

  private static String percentiles(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return "none";
    }
    long[] a = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", a[a.length / 2] / 1e6,
        a[Math.min(a.length - 1, (int) Math.ceil(a.length * 0.99) - 1)] / 1e6, a[a.length - 1] / 1e6, a.length);
  }
}
