package io.switchboard.controller.spi;

/**
 * The headers of an Ethernet frame an app typically needs: addresses, VLAN, EtherType and, for IPv4 and ARP,
 * the network addresses. Parsed leniently: a short frame gives zeros.
 */
public record Frame(long ethDst, long ethSrc, int vlan, int ethType, long ipv4Src, long ipv4Dst, int ipProto,
                    int arpOp) {
  /** No 802.1Q tag. */
  public static final int NO_VLAN = -1;

  public static Frame parse(byte[] b) {
    if (b == null || b.length < 14) {
      return new Frame(0, 0, NO_VLAN, 0, 0, 0, 0, 0);
    }
    long dst = mac(b, 0);
    long src = mac(b, 6);
    int off = 12;
    int type = u16(b, off);
    int vlan = NO_VLAN;
    if (type == 0x8100 && b.length >= 18) {
      vlan = u16(b, 14) & 0x0fff;
      off = 16;
      type = u16(b, off);
    }
    int l3 = off + 2;
    long ipSrc = 0;
    long ipDst = 0;
    int proto = 0;
    int arpOp = 0;
    if (type == 0x0800 && b.length >= l3 + 20) {
      proto = b[l3 + 9] & 0xff;
      ipSrc = u32(b, l3 + 12);
      ipDst = u32(b, l3 + 16);
    } else if (type == 0x0806 && b.length >= l3 + 28) {
      arpOp = u16(b, l3 + 6);
      ipSrc = u32(b, l3 + 14);
      ipDst = u32(b, l3 + 24);
    }
    return new Frame(dst, src, vlan, type, ipSrc, ipDst, proto, arpOp);
  }

  public boolean isMulticast() {
    return (ethDst & 0x0100_0000_0000L) != 0;
  }

  public boolean isBroadcast() {
    return ethDst == 0xffff_ffff_ffffL;
  }

  private static long mac(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  private static long u32(byte[] b, int off) {
    return ((long) u16(b, off) << 16) | u16(b, off + 2);
  }
}
