package io.switchboard.config;

/** IPv4 addresses as {@code int}s (network byte order: 10.0.0.1 is 0x0a000001). */
public final class Ipv4 {

  public static final String EXPECTED = "an IPv4 address like 192.168.1.2";

  private Ipv4() {}

  /** Four decimal octets 0-255, no leading zeros. */
  public static int parse(String text) {
    String t = text.trim();
    String[] parts = t.split("\\.", -1);
    if (parts.length != 4) {
      throw Values.expected(EXPECTED, text);
    }
    int addr = 0;
    for (String p : parts) {
      if (!p.matches("\\d{1,3}") || (p.length() > 1 && p.charAt(0) == '0')) {
        throw Values.expected(EXPECTED, text);
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        throw Values.expected(EXPECTED, text, "octet " + octet + " is over 255");
      }
      addr = (addr << 8) | octet;
    }
    return addr;
  }

  public static String format(int address) {
    return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "."
        + ((address >>> 8) & 0xff) + "." + (address & 0xff);
  }
}
