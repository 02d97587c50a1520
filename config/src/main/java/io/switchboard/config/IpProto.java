package io.switchboard.config;

/** IP protocol numbers by name: icmp, tcp, udp; anything else as a number 0-255. */
public final class IpProto {

  public static final int ICMP = 1;
  public static final int TCP = 6;
  public static final int UDP = 17;

  public static final String EXPECTED = "an IP protocol: icmp, tcp, udp or a number 0-255";

  private IpProto() {}

  public static int parse(String text) {
    switch (text.trim().toLowerCase()) {
      case "icmp":
        return ICMP;
      case "tcp":
        return TCP;
      case "udp":
        return UDP;
      default:
        try {
          return (int) Values.integer(text, 0, 255, EXPECTED);
        } catch (IllegalArgumentException e) {
          throw Values.expected(EXPECTED, text);
        }
    }
  }

  public static String format(int proto) {
    return switch (proto) {
      case ICMP -> "icmp";
      case TCP -> "tcp";
      case UDP -> "udp";
      default -> Integer.toString(proto);
    };
  }
}
