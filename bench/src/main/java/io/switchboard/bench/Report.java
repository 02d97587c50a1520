package io.switchboard.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Prints a run's results for people, and one {@code RESULT key=value ...} line for scripts. */
final class Report {
  private Report() {}

  static void print(BenchResult r, PrintStream out) {
    BenchOptions o = r.options();
    BenchResult.Handshake h = r.handshake();
    out.printf(Locale.ROOT, "%nhandshake: %d/%d switches connected in %s, %d programmed in %s (median switch %s)%n",
        h.connected(), h.switches(), ms(h.allConnectedMs()), h.programmed(), ms(h.allProgrammedMs()),
        ms(h.medianConnectedMs()));
    if (o.mode() != BenchOptions.Mode.CONNECT && !r.loops().isEmpty()) {
      double[] ans = r.answeredPerSecondByLoop();
      double[] resp = r.responsesPerSecondByLoop();
      SwitchCounters.Snapshot t = r.total();
      out.printf(Locale.ROOT, "answered packet-ins/s, all switches: min %s  median %s  max %s%n", n(ans[0]),
          n(BenchResult.median(ans)), n(ans[ans.length - 1]));
      out.printf(Locale.ROOT, "responses/s (packet-outs + flow-mods): min %s  median %s  max %s%n", n(resp[0]),
          n(BenchResult.median(resp)), n(resp[resp.length - 1]));
      out.printf(Locale.ROOT, "per switch (median loop): %s answered/s%n", n(r.medianPerSwitch()));
      out.printf(Locale.ROOT, "while measuring: %,d packet-ins, %,d answered, %,d packet-outs, %,d flow-mods, "
          + "%,d lost, %,d bogus, %,d errors%n", t.packetIns(), t.answered(), t.packetOuts(), t.flowMods(),
          t.lost(), t.bogus(), t.errors());
      LatencyHistogram lat = r.latency();
      if (lat.count() > 0) {
        out.printf(Locale.ROOT, "round trip: p50 %s  p99 %s  max %s  (%,d samples)%n", us(lat.percentile(50)),
            us(lat.percentile(99)), us(lat.max()), lat.count());
      }
    }
    if (r.memory() != null) {
      ControllerProbe.Memory m = r.memory();
      out.printf(Locale.ROOT, "controller pid %d: RSS %s, heap used %s (after full GC %s, committed %s)%n",
          o.controllerPid(), mb(m.rssKb()), mb(m.heapUsedKb()), mb(m.heapUsedAfterGcKb()), mb(m.heapCommittedKb()));
    }
    for (String f : r.failures()) {
      out.println("FAILED " + f);
    }
    out.println(resultLine(r));
  }

  static String resultLine(BenchResult r) {
    BenchOptions o = r.options();
    StringBuilder b = new StringBuilder("RESULT");
    kv(b, "label", o.label().replace(' ', '_'));
    kv(b, "mode", o.mode().name().toLowerCase(Locale.ROOT));
    kv(b, "of", o.versionText());
    kv(b, "switches", o.switches());
    kv(b, "macs", o.macs());
    kv(b, "connected", r.handshake().connected());
    kv(b, "programmed", r.handshake().programmed());
    kv(b, "all_connected_ms", Math.round(r.handshake().allConnectedMs()));
    kv(b, "all_programmed_ms", Math.round(r.handshake().allProgrammedMs()));
    if (!r.loops().isEmpty()) {
      double[] ans = r.answeredPerSecondByLoop();
      double[] resp = r.responsesPerSecondByLoop();
      kv(b, "answered_min", Math.round(ans[0]));
      kv(b, "answered_median", Math.round(BenchResult.median(ans)));
      kv(b, "answered_max", Math.round(ans[ans.length - 1]));
      kv(b, "responses_median", Math.round(BenchResult.median(resp)));
      kv(b, "per_switch_median", Math.round(r.medianPerSwitch()));
      kv(b, "first_loop", Math.round(r.loops().get(0).answeredPerSecond()));
      kv(b, "starved", r.starved());
      SwitchCounters.Snapshot t = r.total();
      kv(b, "lost", t.lost());
      kv(b, "bogus", t.bogus());
      kv(b, "errors", t.errors());
      kv(b, "p50_us", r.latency().count() == 0 ? -1 : r.latency().percentile(50) / 1000.0);
      kv(b, "p99_us", r.latency().count() == 0 ? -1 : r.latency().percentile(99) / 1000.0);
    }
    if (r.memory() != null) {
      kv(b, "rss_kb", r.memory().rssKb());
      kv(b, "heap_used_kb", r.memory().heapUsedKb());
      kv(b, "heap_after_gc_kb", r.memory().heapUsedAfterGcKb());
    }
    kv(b, "failures", r.failures().size());
    return b.toString();
  }

  private static void kv(StringBuilder b, String k, Object v) {
    b.append(' ').append(k).append('=');
    if (v instanceof Double d) {
      b.append(String.format(Locale.ROOT, "%.1f", d));
    } else {
      b.append(v);
    }
  }

  static String n(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  static String ms(double v) {
    return v < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f ms", v);
  }

  static String us(long nanos) {
    return String.format(Locale.ROOT, "%,.1f us", nanos / 1000.0);
  }

  static String mb(long kb) {
    return kb < 0 ? "n/a" : String.format(Locale.ROOT, "%,.1f MB", kb / 1024.0);
  }
}
