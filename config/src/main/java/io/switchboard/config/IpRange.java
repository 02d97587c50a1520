package io.switchboard.config;

/**
 * A range of IPv4 addresses, both ends included: {@code 192.168.1.10}, {@code 192.168.1.10..192.168.1.20} (OVN's
 * {@code exclude_ips} syntax) or a prefix {@code 192.168.1.64/28}.
 */
public record IpRange(int first, int last) {

  public static final String EXPECTED = "an IPv4 address, a range like 192.168.1.10..192.168.1.20, or a prefix";

  public IpRange {
    if (Integer.compareUnsigned(first, last) > 0) {
      throw new IllegalArgumentException("range ends before it starts: " + Ipv4.format(first) + ".."
          + Ipv4.format(last));
    }
  }

  public static IpRange parse(String text) {
    String t = text.trim();
    int dots = t.indexOf("..");
    if (dots >= 0) {
      int a = Ipv4.parse(t.substring(0, dots));
      int b = Ipv4.parse(t.substring(dots + 2));
      if (Integer.compareUnsigned(a, b) > 0) {
        throw Values.expected(EXPECTED, text, "the range ends before it starts");
      }
      return new IpRange(a, b);
    }
    if (t.contains("/")) {
      Ipv4Prefix p = Ipv4Prefix.parse(t);
      return new IpRange(p.address(), p.lastAddress());
    }
    int a = Ipv4.parse(t);
    return new IpRange(a, a);
  }

  public boolean contains(int addr) {
    return Integer.compareUnsigned(addr, first) >= 0 && Integer.compareUnsigned(addr, last) <= 0;
  }

  @Override
  public String toString() {
    return first == last ? Ipv4.format(first) : Ipv4.format(first) + ".." + Ipv4.format(last);
  }
}
