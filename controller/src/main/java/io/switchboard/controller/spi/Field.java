package io.switchboard.controller.spi;

/**
 * Header fields a flow may match on or set. Values are carried as unsigned longs of {@link #bits} width;
 * the controller's translator maps them to OpenFlow OXM / NXM fields.
 */
public enum Field {
  IN_PORT("in_port", "in-port", 32),
  METADATA("metadata", "metadata", 64),
  ETH_DST("eth_dst", "eth-dst", 48),
  ETH_SRC("eth_src", "eth-src", 48),
  ETH_TYPE("eth_type", "eth-type", 16),
  /** 802.1Q VID with the OFPVID_PRESENT bit (0x1000) set for tagged frames; 0 matches untagged frames. */
  VLAN_VID("vlan_vid", "vlan", 13),
  IP_PROTO("ip_proto", "ip-proto", 8),
  IPV4_SRC("ipv4_src", "ipv4-src", 32),
  IPV4_DST("ipv4_dst", "ipv4-dst", 32),
  TCP_SRC("tcp_src", "tcp-src", 16),
  TCP_DST("tcp_dst", "tcp-dst", 16),
  UDP_SRC("udp_src", "udp-src", 16),
  UDP_DST("udp_dst", "udp-dst", 16),
  ICMPV4_TYPE("icmp_type", "icmp-type", 8),
  ICMPV4_CODE("icmp_code", "icmp-code", 8),
  ARP_OP("arp_op", "arp-op", 16),
  ARP_SPA("arp_spa", "arp-spa", 32),
  ARP_TPA("arp_tpa", "arp-tpa", 32),
  ARP_SHA("arp_sha", "arp-sha", 48),
  ARP_THA("arp_tha", "arp-tha", 48),
  TUNNEL_ID("tun_id", "tun-id", 64),
  TUN_IPV4_SRC("tun_src", "tun-src", 32),
  TUN_IPV4_DST("tun_dst", "tun-dst", 32),
  /** Connection-tracking state (Nicira ct_state): the {@code CT_*} bits below; 0 = not yet through conntrack. */
  CT_STATE("ct_state", "ct-state", 32),
  /** The conntrack zone the packet was last tracked in (Nicira ct_zone); read-only, set by a ct action. */
  CT_ZONE("ct_zone", "ct-zone", 16);

  /** The VLAN_VID bit that says "a tag is present" (OFPVID_PRESENT). */
  public static final long VID_PRESENT = 0x1000;

  /** ct_state bits, as OVS numbers them: new, established, related, reply direction, invalid, tracked. */
  public static final long CT_NEW = 0x01;
  public static final long CT_EST = 0x02;
  public static final long CT_REL = 0x04;
  public static final long CT_RPL = 0x08;
  public static final long CT_INV = 0x10;
  public static final long CT_TRK = 0x20;

  private final String ovsName;
  private final String apiName;
  private final int bits;

  Field(String ovsName, String apiName, int bits) {
    this.ovsName = ovsName;
    this.apiName = apiName;
    this.bits = bits;
  }

  /** The field's name in config, REST and traces (docs/configuration.md, packet fields), e.g. {@code eth-dst}. */
  public String apiName() {
    return apiName;
  }

  /** The field's name as ovs-ofctl prints it. */
  public String ovsName() {
    return ovsName;
  }

  public int bits() {
    return bits;
  }

  public long fullMask() {
    return bits == 64 ? -1L : (1L << bits) - 1;
  }
}
