package io.switchboard.config;

import java.util.Map;

/** Ethertypes by name: ipv4, arp, ipv6, vlan, lldp; anything else as a number. */
public final class EthType {

  public static final int IPV4 = 0x0800;
  public static final int ARP = 0x0806;
  public static final int IPV6 = 0x86dd;
  public static final int VLAN = 0x8100;
  public static final int LLDP = 0x88cc;

  public static final String EXPECTED =
      "an ethertype: ipv4, arp, ipv6, vlan, lldp or a number 0x0600-0xffff";

  private static final Map<String, Integer> NAMES =
      Map.of("ipv4", IPV4, "arp", ARP, "ipv6", IPV6, "vlan", VLAN, "lldp", LLDP);

  private EthType() {}

  public static int parse(String text) {
    Integer named = NAMES.get(text.trim().toLowerCase());
    if (named != null) {
      return named;
    }
    long v;
    try {
      v = Values.unsigned(text, 0xffff, EXPECTED);
    } catch (IllegalArgumentException e) {
      throw Values.expected(EXPECTED, text);
    }
    if (v < 0x0600) {
      throw Values.expected(EXPECTED, text, "values below 0x0600 are frame lengths, not ethertypes");
    }
    return (int) v;
  }

  /** The name when there is one, else 0x-hex with four digits. */
  public static String format(int ethType) {
    return switch (ethType) {
      case IPV4 -> "ipv4";
      case ARP -> "arp";
      case IPV6 -> "ipv6";
      case VLAN -> "vlan";
      case LLDP -> "lldp";
      default -> String.format("0x%04x", ethType);
    };
  }
}
