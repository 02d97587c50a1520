package io.switchboard.controller.openflow;

import io.switchboard.controller.spi.Field;

/**
 * Nicira NXM header numbers, for reg_move and the ct action's zone source. Header = class << 16 | field << 9 |
 * length in bytes.
 */
final class Nxm {
  private Nxm() {}

  static long header(Field f) {
    long h = headerOrZero(f);
    if (h == 0) {
      throw new IllegalArgumentException("no NXM header for " + f);
    }
    return h;
  }

  /** 0 for a field with no NXM header (not movable). */
  private static long headerOrZero(Field f) {
    return switch (f) {
      case ETH_DST -> nxm(0, 1, 6);
      case ETH_SRC -> nxm(0, 2, 6);
      case ETH_TYPE -> nxm(0, 3, 2);
      case IP_PROTO -> nxm(0, 6, 1);
      case IPV4_SRC -> nxm(0, 7, 4);
      case IPV4_DST -> nxm(0, 8, 4);
      case ARP_OP -> nxm(0, 15, 2);
      case ARP_SPA -> nxm(0, 16, 4);
      case ARP_TPA -> nxm(0, 17, 4);
      case ARP_SHA -> nxm(1, 17, 6);
      case ARP_THA -> nxm(1, 18, 6);
      case TUNNEL_ID -> nxm(1, 16, 8);
      case TUN_IPV4_SRC -> nxm(1, 31, 4);
      case TUN_IPV4_DST -> nxm(1, 32, 4);
      case CT_STATE -> nxm(1, 105, 4);
      case CT_ZONE -> nxm(1, 106, 2);
      default -> 0;
    };
  }

  /** Field by header, built once: an audit parses every reg_move of every entry through here. */
  private static final java.util.Map<Long, Field> BY_HEADER;

  static {
    java.util.Map<Long, Field> m = new java.util.HashMap<>();
    for (Field f : Field.values()) {
      long h = headerOrZero(f);
      if (h != 0) {
        m.putIfAbsent(h, f);
      }
    }
    BY_HEADER = m;
  }

  static Field field(long header) {
    return BY_HEADER.get(header);
  }

  private static long nxm(int cls, int field, int len) {
    return ((long) cls << 16) | ((long) field << 9) | len;
  }
}
