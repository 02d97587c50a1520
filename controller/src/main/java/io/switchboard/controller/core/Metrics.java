package io.switchboard.controller.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text format.
 * Names are snake_case with the {@code switchboard_} prefix.
 */
public final class Metrics {
  private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
      5, 10};

  private record Key(String name, String labels) {}

  private final Map<Key, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<Key, Supplier<Double>> gauges = new ConcurrentHashMap<>();
  private final Map<Key, Histogram> histograms = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();

  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
    final LongAdder count = new LongAdder();
    final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double v) {
      int i = 0;
      while (i < BUCKETS.length && v > BUCKETS[i]) {
        i++;
      }
      counts[i].increment();
      count.increment();
      sum.add(v);
    }
  }

  public void describe(String name, String text) {
    help.put(name, text);
  }

  /** labels: alternating key, value. */
  public void inc(String name, String... labels) {
    add(name, 1, labels);
  }

  public void add(String name, long n, String... labels) {
    counters.computeIfAbsent(new Key(name, labels(labels)), k -> new LongAdder()).add(n);
  }

  /**
   * The counter itself, for hot paths that count often with the same labels: look it up once, keep it, and
   * {@code increment()} it (no label string is built per event).
   */
  public LongAdder counterRef(String name, String... labels) {
    return counters.computeIfAbsent(new Key(name, labels(labels)), k -> new LongAdder());
  }

  public long counter(String name, String... labels) {
    LongAdder a = counters.get(new Key(name, labels(labels)));
    return a == null ? 0 : a.sum();
  }

  public void gauge(String name, Supplier<Double> value, String... labels) {
    gauges.put(new Key(name, labels(labels)), value);
  }

  public void removeGauge(String name, String... labels) {
    gauges.remove(new Key(name, labels(labels)));
  }

  /**
   * Removes every counter, gauge and histogram series that carries the label {@code key="value"} (e.g. all of
   * a departed switch's series: {@code removeSeries("dpid", ...)}), so that series do not pile up for switches
   * that are gone.
   *
   * @return how many series were removed
   */
  public int removeSeries(String key, String value) {
    String label = labels(key, value);
    String pair = label.substring(1, label.length() - 1); // key="value", escaped as rendered
    int[] removed = new int[1];
    for (Map<Key, ?> m : List.of(counters, gauges, histograms)) {
      m.keySet().removeIf(k -> {
        boolean has = hasLabel(k.labels(), pair);
        removed[0] += has ? 1 : 0;
        return has;
      });
    }
    return removed[0];
  }

  /** Whether rendered labels ({a="1",b="2"}) hold the pair; a value that merely contains it does not count. */
  private static boolean hasLabel(String labels, String pair) {
    for (int i = labels.indexOf(pair); i >= 0; i = labels.indexOf(pair, i + 1)) {
      char before = labels.charAt(i - 1 < 0 ? 0 : i - 1);
      int end = i + pair.length();
      if ((before == '{' || before == ',') && end < labels.length()
          && (labels.charAt(end) == ',' || labels.charAt(end) == '}') && !escapedQuoteAt(labels, end - 1)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the quote at {@code i} is escaped (preceded by an odd number of backslashes). */
  private static boolean escapedQuoteAt(String s, int i) {
    int n = 0;
    for (int j = i - 1; j >= 0 && s.charAt(j) == '\\'; j--) {
      n++;
    }
    return n % 2 == 1;
  }

  public void observeSeconds(String name, double seconds, String... labels) {
    histograms.computeIfAbsent(new Key(name, labels(labels)), k -> new Histogram()).observe(seconds);
  }

  private static String labels(String... kv) {
    if (kv.length == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(kv[i]).append("=\"").append(kv[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return sb.append('}').toString();
  }

  /** The Prometheus text exposition format. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    Map<String, Map<String, String>> byName = new TreeMap<>();
    Map<String, String> types = new TreeMap<>();
    counters.forEach((k, v) -> {
      byName.computeIfAbsent(k.name(), n -> new TreeMap<>()).put(k.name() + k.labels(), Long.toString(v.sum()));
      types.put(k.name(), "counter");
    });
    gauges.forEach((k, v) -> {
      Double d = v.get();
      byName.computeIfAbsent(k.name(), n -> new TreeMap<>()).put(k.name() + k.labels(), fmt(d == null ? 0 : d));
      types.put(k.name(), "gauge");
    });
    histograms.forEach((k, h) -> {
      Map<String, String> lines = byName.computeIfAbsent(k.name(), n -> new TreeMap<>());
      types.put(k.name(), "histogram");
      String inner = k.labels().isEmpty() ? "" : k.labels().substring(1, k.labels().length() - 1) + ",";
      long cum = 0;
      for (int i = 0; i <= BUCKETS.length; i++) {
        cum += h.counts[i].sum();
        String le = i < BUCKETS.length ? fmt(BUCKETS[i]) : "+Inf";
        lines.put(String.format("%s_bucket{%s%sle=\"%s\"}", k.name(), inner, pad(i), le), Long.toString(cum));
      }
      lines.put(k.name() + "_count" + k.labels(), Long.toString(h.count.sum()));
      lines.put(k.name() + "_sum" + k.labels(), fmt(h.sum.sum()));
    });
    byName.forEach((name, lines) -> {
      sb.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name.replace('_', ' ')))
          .append('\n');
      sb.append("# TYPE ").append(name).append(' ').append(types.get(name)).append('\n');
      String buckets = name + "_bucket{";
      lines.forEach((series, value) -> (series.startsWith(buckets) ? appendUnpadded(sb, series) : sb.append(series))
          .append(' ').append(value).append('\n'));
    });
    return sb.toString();
  }

  /** A bucket line {@code series} without the {@link #pad} before its {@code le} label (always its last). */
  private static StringBuilder appendUnpadded(StringBuilder sb, String series) {
    int le = series.lastIndexOf("le=\"");
    if (le >= PAD_LENGTH && series.charAt(le - PAD_LENGTH) == '~') {
      return sb.append(series, 0, le - PAD_LENGTH).append(series, le, series.length());
    }
    return sb.append(series);
  }

  private static final int PAD_LENGTH = pad(0).length();

  /**
   * Keeps a histogram's bucket lines in bucket order in the sorted map (just before {@code le}, so that "+Inf" does
   * not sort first); stripped on output.
   */
  private static String pad(int i) {
    return "~" + (100 + i);
  }

  private static String fmt(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
