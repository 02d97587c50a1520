package io.switchboard.controller.openflow;

import io.switchboard.controller.spi.Field;

/**
 * Nicira NXM header numbers, for reg_move and the ct action's zone source. Header = class << 16 | field << 9 |
 * length in bytes.
 */
final class Nxm {
  private Nxm() {}

  static long header(Field f) {
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
      default -> throw new IllegalArgumentException("no NXM header for " + f);
    };
  }

  static Field field(long header) {
    for (Field f : Field.values()) {
      try {
        if (header(f) == header) {
          return f;
        }
      } catch (IllegalArgumentException e) {
        // not movable
      }
    }
    return null;
  }

  private static long nxm(int cls, int field, int len) {
    return ((long) cls << 16) | ((long) field << 9) | len;
  }
}
