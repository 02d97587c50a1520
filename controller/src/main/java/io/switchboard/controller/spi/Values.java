package io.switchboard.controller.spi;

/** Formatting and parsing of field values in the forms ovs-ofctl and the REST API use. */
public final class Values {
  private Values() {}

  public static String format(Field f, FlowMatch.Masked m) {
    String v = format(f, m.value());
    if (m.exact(f)) {
      return v;
    }
    if ((f == Field.IPV4_SRC || f == Field.IPV4_DST || f == Field.ARP_SPA || f == Field.ARP_TPA)
        && Long.bitCount(m.mask()) == Long.numberOfLeadingZeros(~(m.mask() << 32))) {
      return v + "/" + Long.bitCount(m.mask());
    }
    return v + "/" + format(f, m.mask());
  }

  public static String format(Field f, long v) {
    return switch (f) {
      case ETH_DST, ETH_SRC, ARP_SHA, ARP_THA -> mac(v);
      case IPV4_SRC, IPV4_DST, ARP_SPA, ARP_TPA, TUN_IPV4_DST, TUN_IPV4_SRC -> ipv4(v);
      case ETH_TYPE, VLAN_VID, METADATA, TUNNEL_ID -> "0x" + Long.toHexString(v);
      default -> Long.toString(v);
    };
  }

  public static String mac(long v) {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 5; i >= 0; i--) {
      int b = (int) (v >>> (i * 8)) & 0xff;
      sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
      if (i > 0) {
        sb.append(':');
      }
    }
    return sb.toString();
  }

  public static long parseMac(String s) {
    String[] parts = s.trim().split("[:-]");
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a MAC address: " + s);
    }
    long v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 2) {
        throw new IllegalArgumentException("not a MAC address: " + s);
      }
      v = (v << 8) | Integer.parseInt(p, 16);
    }
    return v;
  }

  public static String ipv4(long v) {
    return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
  }

  public static long parseIpv4(String s) {
    String[] parts = s.trim().split("\\.");
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + s);
    }
    long v = 0;
    for (String p : parts) {
      int o = Integer.parseInt(p);
      if (o < 0 || o > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + s);
      }
      v = (v << 8) | o;
    }
    return v;
  }

  /** A dpid as 16 hex digits with colons, as OVS prints it in logs: 00:00:aa:bb:cc:dd:ee:ff. */
  public static String dpid(long dpid) {
    StringBuilder sb = new StringBuilder(23);
    for (int i = 7; i >= 0; i--) {
      int b = (int) (dpid >>> (i * 8)) & 0xff;
      sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
      if (i > 0) {
        sb.append(':');
      }
    }
    return sb.toString();
  }

  /** Parses a dpid as operators write it (see {@link io.switchboard.config.Dpid}); -1 when it is not one. */
  public static long parseDpid(String s) {
    java.util.OptionalLong d = io.switchboard.config.Dpid.parse(s);
    return d.isPresent() ? d.getAsLong() : -1;
  }

}
