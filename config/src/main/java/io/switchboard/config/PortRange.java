package io.switchboard.config;

import java.util.ArrayList;
import java.util.List;

/** A TCP/UDP port or an inclusive range of ports. */
public record PortRange(int lo, int hi) {

  public static final String EXPECTED = "a port (0-65535) or a range lo-hi";

  /** A port value and a mask, as an OpenFlow masked match: a packet matches when {@code (port & mask) == value}. */
  public record Masked(int value, int mask) {}

  public PortRange {
    if (lo < 0 || hi > 65535 || lo > hi) {
      throw new IllegalArgumentException("bad port range " + lo + "-" + hi);
    }
  }

  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  public static PortRange parse(String text) {
    String t = text.trim();
    int dash = t.indexOf('-');
    String a = dash < 0 ? t : t.substring(0, dash).trim();
    String b = dash < 0 ? t : t.substring(dash + 1).trim();
    if (!a.matches("\\d{1,5}") || !b.matches("\\d{1,5}")) {
      throw Values.expected(EXPECTED, text);
    }
    int lo = Integer.parseInt(a);
    int hi = Integer.parseInt(b);
    if (lo > 65535 || hi > 65535) {
      throw Values.expected(EXPECTED, text);
    }
    if (lo > hi) {
      throw Values.expected(EXPECTED, text, "lo is greater than hi");
    }
    return new PortRange(lo, hi);
  }

  public boolean isSingle() {
    return lo == hi;
  }

  public boolean contains(int port) {
    return port >= lo && port <= hi;
  }

  /** The fewest value/mask pairs that together match exactly this range (16-bit masks). */
  public List<Masked> toMasks() {
    List<Masked> out = new ArrayList<>();
    int start = lo;
    while (start <= hi) {
      int size = 1;
      while (size < 65536 && start % (size * 2) == 0 && start + size * 2 - 1 <= hi) {
        size *= 2;
      }
      out.add(new Masked(start, 0xffff & ~(size - 1)));
      start += size;
    }
    return List.copyOf(out);
  }

  /** "22" or "1000-2000". */
  @Override
  public String toString() {
    return isSingle() ? Integer.toString(lo) : lo + "-" + hi;
  }
}
