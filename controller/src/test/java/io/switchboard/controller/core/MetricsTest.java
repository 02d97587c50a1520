package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Removing a departed switch's series: every kind, only its own. */
class MetricsTest {
  static final String GONE = "00:00:00:00:00:00:00:01";
  static final String STAYS = "00:00:00:00:00:00:00:02";

  @Test
  void removeSeriesTakesEverySeriesWithTheLabelAndNoOther() {
    Metrics m = new Metrics();
    m.inc("switchboard_app_events_total", "app", "l2-learning", "event", "host_learned", "dpid", GONE);
    m.inc("switchboard_app_events_total", "app", "l2-learning", "event", "host_learned", "dpid", STAYS);
    m.add("switchboard_flow_mods_total", 5, "dpid", GONE);
    m.gauge("switchboard_echo_rtt_seconds", () -> 0.001, "dpid", GONE);
    m.observeSeconds("switchboard_something_seconds", 0.2, "dpid", GONE, "kind", "x");
    m.inc("switchboard_switch_connects_total");
    m.inc("switchboard_odd_total", "note", "dpid=\"" + GONE + "\"", "dpid", STAYS); // the pair inside a value

    assertEquals(4, m.removeSeries("dpid", GONE));

    String text = m.render();
    assertFalse(text.contains(GONE + "\"}") || text.contains(GONE + "\","), text);
    assertEquals(1, m.counter("switchboard_app_events_total", "app", "l2-learning", "event", "host_learned",
        "dpid", STAYS));
    assertEquals(1, m.counter("switchboard_switch_connects_total"));
    assertEquals(1, m.counter("switchboard_odd_total", "note", "dpid=\"" + GONE + "\"", "dpid", STAYS));
    assertEquals(0, m.counter("switchboard_flow_mods_total", "dpid", GONE));
    assertTrue(text.contains("switchboard_switch_connects_total 1"), text);
    assertEquals(0, m.removeSeries("dpid", GONE), "nothing left to remove");
  }

  @Test
  void aCounterRemovedStartsAgainFromZero() {
    Metrics m = new Metrics();
    m.add("switchboard_flow_mods_total", 7, "dpid", GONE);
    m.removeSeries("dpid", GONE);
    m.inc("switchboard_flow_mods_total", "dpid", GONE);
    assertEquals(1, m.counter("switchboard_flow_mods_total", "dpid", GONE));
  }

  @Test
  void aHistogramsBucketsComeInOrderWithNothingOfTheirSortKeyLeft() {
    Metrics m = new Metrics();
    m.observeSeconds("switchboard_something_seconds", 0.2, "dpid", GONE);
    m.observeSeconds("switchboard_something_seconds", 100, "dpid", GONE);
    String text = m.render();
    List<String> buckets = text.lines().filter(l -> l.startsWith("switchboard_something_seconds_bucket"))
        .toList();
    assertEquals(List.of("5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
        "2.5", "5", "10", "+Inf"), buckets.stream().map(b -> b.substring(b.indexOf("le=\"") + 4, b.indexOf("\"}")))
        .toList(), text);
    assertFalse(text.contains("~"), text);
    assertTrue(buckets.get(buckets.size() - 1).startsWith("switchboard_something_seconds_bucket{dpid=\"" + GONE
        + "\",le=\"+Inf\"} 2"), text);
    long last = -1;
    for (String b : buckets) {
      long n = Long.parseLong(b.substring(b.lastIndexOf(' ') + 1));
      assertTrue(n >= last, "cumulative, in bucket order: " + text);
      last = n;
    }
    assertTrue(text.contains("switchboard_something_seconds_count{dpid=\"" + GONE + "\"} 2"), text);
  }
}
