package io.switchboard.apps.overlay;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * DHCP requests laid out as the two clients of the end-to-end test send them (ISC dhclient 4.4 and busybox
 * udhcpc 1.35; {@code DhcpCapturedTest} has real captures of both): the option sets and their order differ —
 * dhclient sends the host name and a long parameter list; udhcpc a maximum message size, a vendor class and a
 * client id, and its own parameter list. Both pad the BOOTP message to 300 bytes.
 */
final class DhcpClients {
  static final long MAC = 0x0200_0000_0102L;

  private DhcpClients() {}

  static byte[] dhclientDiscover(int xid) {
    return frame(0, 0xffff_ffff, bootp(xid, 0, 0, MAC,
        opt(53, 1), opt(12, "con6".getBytes(StandardCharsets.US_ASCII)),
        opt(55, 1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42)), true);
  }

  static byte[] dhclientRequest(int xid, int requested, int server) {
    return frame(0, 0xffff_ffff, bootp(xid, 0, 0, MAC,
        opt(53, 3), opt(54, ip(server)), opt(50, ip(requested)), opt(12, "con6".getBytes(StandardCharsets.US_ASCII)),
        opt(55, 1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42)), true);
  }

  /** A renewal: unicast from the client's address, ciaddr set, neither requested address nor server id. */
  static byte[] dhclientRenew(int xid, int ciaddr, int server) {
    return frame(ciaddr, server, bootp(xid, 0, ciaddr, MAC,
        opt(53, 3), opt(12, "con6".getBytes(StandardCharsets.US_ASCII)),
        opt(55, 1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42)), true);
  }

  static byte[] udhcpcDiscover(int xid) {
    return frame(0, 0xffff_ffff, bootp(xid, 0, 0, MAC,
        opt(53, 1), opt(57, 2, 64), opt(55, 1, 3, 6, 12, 15, 28, 42),
        opt(60, "udhcp 1.35.0".getBytes(StandardCharsets.US_ASCII)), opt(61, 1, 2, 0, 0, 0, 1, 2)), true);
  }

  static byte[] udhcpcRequest(int xid, int requested, int server) {
    return frame(0, 0xffff_ffff, bootp(xid, 0, 0, MAC,
        opt(53, 3), opt(50, ip(requested)), opt(54, ip(server)), opt(57, 2, 64), opt(55, 1, 3, 6, 12, 15, 28, 42),
        opt(60, "udhcp 1.35.0".getBytes(StandardCharsets.US_ASCII)), opt(61, 1, 2, 0, 0, 0, 1, 2)), true);
  }

  static byte[] udhcpcRelease(int xid, int ciaddr, int server) {
    return frame(ciaddr, server, bootp(xid, 0, ciaddr, MAC,
        opt(53, 7), opt(54, ip(server)), opt(61, 1, 2, 0, 0, 0, 1, 2)), true);
  }

  // ---- building blocks

  static byte[] opt(int code, int... value) {
    byte[] b = new byte[value.length + 2];
    b[0] = (byte) code;
    b[1] = (byte) value.length;
    for (int i = 0; i < value.length; i++) {
      b[i + 2] = (byte) value[i];
    }
    return b;
  }

  static byte[] opt(int code, byte[] value) {
    byte[] b = new byte[value.length + 2];
    b[0] = (byte) code;
    b[1] = (byte) value.length;
    System.arraycopy(value, 0, b, 2, value.length);
    return b;
  }

  static byte[] ip(int a) {
    return ByteBuffer.allocate(4).putInt(a).array();
  }

  /** A BOOTREQUEST with the magic cookie and the options, END. */
  static byte[] bootp(int xid, int flags, int ciaddr, long chaddr, byte[]... options) {
    ByteBuffer h = ByteBuffer.allocate(240);
    h.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 3)
        .putShort((short) flags).putInt(ciaddr).putInt(0).putInt(0).putInt(0)
        .putShort((short) (chaddr >>> 32)).putInt((int) chaddr);
    h.putInt(236, 0x6382_5363);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.array());
    for (byte[] o : options) {
      out.writeBytes(o);
    }
    out.write(255);
    return out.toByteArray();
  }

  /** Ethernet (broadcast or to the gateway), IPv4, UDP 68 -> 67; {@code pad300} pads the BOOTP part as both do. */
  static byte[] frame(int src, int dst, byte[] bootp, boolean pad300) {
    byte[] payload = bootp;
    if (pad300 && payload.length < 300) {
      payload = java.util.Arrays.copyOf(payload, 300);
    }
    long ethDst = dst == 0xffff_ffff ? 0xffff_ffff_ffffL : GatewayMac.of(dst);
    ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
    b.putShort((short) (ethDst >>> 32)).putInt((int) ethDst).putShort((short) (MAC >>> 32)).putInt((int) MAC)
        .putShort((short) 0x0800);
    b.put((byte) 0x45).put((byte) 0x10).putShort((short) (28 + payload.length)).putShort((short) 0)
        .putShort((short) 0).put((byte) 128).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
    b.putShort((short) 68).putShort((short) 67).putShort((short) (8 + payload.length)).putShort((short) 0);
    b.put(payload);
    return b.array();
  }
}
