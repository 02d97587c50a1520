package io.switchboard.testbed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Packet and byte counters of one OpenFlow port, as {@code ovs-ofctl dump-ports} reports them (-1: unknown). */
public record PortCounters(
    long rxPackets, long rxBytes, long rxDropped, long txPackets, long txBytes, long txDropped) {

  private static final Pattern RX = Pattern.compile(
      "^\\s*port\\s+\"?([^\":]+?)\"?:\\s+rx pkts=(\\S+?), bytes=(\\S+?), drop=(\\S+?),");
  private static final Pattern TX =
      Pattern.compile("^\\s*tx pkts=(\\S+?), bytes=(\\S+?), drop=(\\S+?),");

  /** Parses {@code ovs-ofctl --names dump-ports} output into counters keyed by port name ("LOCAL" for the bridge port). */
  static Map<String, PortCounters> parse(String dump) {
    Map<String, PortCounters> result = new LinkedHashMap<>();
    String[] lines = dump.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher rx = RX.matcher(lines[i]);
      if (!rx.find()) {
        continue;
      }
      long txp = -1;
      long txb = -1;
      long txd = -1;
      if (i + 1 < lines.length) {
        Matcher tx = TX.matcher(lines[i + 1]);
        if (tx.find()) {
          txp = num(tx.group(1));
          txb = num(tx.group(2));
          txd = num(tx.group(3));
        }
      }
      result.put(rx.group(1).trim(),
          new PortCounters(num(rx.group(2)), num(rx.group(3)), num(rx.group(4)), txp, txb, txd));
    }
    return Collections.unmodifiableMap(result);
  }

  private static long num(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
