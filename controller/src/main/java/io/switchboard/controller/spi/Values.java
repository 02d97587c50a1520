package io.switchboard.controller.spi;

/**
 * Formatting and parsing of field values in the forms ovs-ofctl and the REST API use. Addresses and dpids are
 * parsed and written by the config module's value types, so config, REST and flows agree on one spelling.
 */
public final class Values {
  private Values() {}

  public static String format(Field f, FlowMatch.Masked m) {
    if (f == Field.CT_STATE) {
      return ctState(m.value(), m.mask());
    }
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
      case CT_STATE -> ctState(v, v);
      default -> Long.toString(v);
    };
  }

  private static final String[] CT_FLAGS = {"new", "est", "rel", "rpl", "inv", "trk"};

  /**
   * ct_state flags as ovs-ofctl writes them: {@code +trk+new} for bits that must be set, {@code -trk} for bits that
   * must be clear (a bit in the mask but not in the value); "trk" first, then the others in OVS's bit order.
   */
  public static String ctState(long value, long mask) {
    StringBuilder sb = new StringBuilder();
    int[] order = {5, 0, 1, 2, 3, 4};
    for (int bit : order) {
      if ((mask & (1L << bit)) != 0) {
        sb.append((value & (1L << bit)) != 0 ? '+' : '-').append(CT_FLAGS[bit]);
      }
    }
    return sb.isEmpty() ? "0" : sb.toString();
  }

  public static String mac(long v) {
    return new io.switchboard.config.MacAddress(v & 0xffff_ffff_ffffL).toString();
  }


  public static long parseMac(String s) {
    return io.switchboard.config.MacAddress.parse(s).value();
  }


  public static String ipv4(long v) {
    return io.switchboard.config.Ipv4.format((int) v);
  }


  public static long parseIpv4(String s) {
    return io.switchboard.config.Ipv4.parse(s) & 0xffffffffL;
  }


  /** A dpid as 16 hex digits with colons, as OVS prints it in logs: 00:00:aa:bb:cc:dd:ee:ff. */
  public static String dpid(long dpid) {
    return io.switchboard.config.Dpid.format(dpid);
  }


  /** Parses a dpid as operators write it (see {@link io.switchboard.config.Dpid}); -1 when it is not one. */
  public static long parseDpid(String s) {
    java.util.OptionalLong d = io.switchboard.config.Dpid.parse(s);
    return d.isPresent() ? d.getAsLong() : -1;
  }

}
