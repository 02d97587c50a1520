package io.switchboard.apps.overlay;

import java.nio.ByteBuffer;

/**
 * The Ethernet, IPv4 and UDP around a DHCP message: a request is checked to be an unfragmented UDP datagram from
 * port 68 to 67 whose lengths agree; a reply is built with correct IPv4 and UDP checksums.
 */
final class DhcpFrames {
  static final int CLIENT_PORT = 68;
  static final int SERVER_PORT = 67;
  static final long BROADCAST_MAC = 0xffff_ffff_ffffL;
  static final int BROADCAST_IP = 0xffff_ffff;

  /** A client's datagram: who sent it and the DHCP payload. */
  record Request(long ethSrc, int ipSrc, int ipDst, byte[] payload) {}

  private DhcpFrames() {}

  static Request parse(byte[] f) throws DhcpException {
    if (f == null || f.length < 14) {
      throw new DhcpException("truncated", "frame of " + (f == null ? 0 : f.length) + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(f);
    long src = ((long) (b.getShort(6) & 0xffff) << 32) | (b.getInt(8) & 0xffff_ffffL);
    int off = 12;
    int type = b.getShort(off) & 0xffff;
    if (type == 0x8100 && f.length >= 18) {
      off += 4;
      type = b.getShort(off) & 0xffff;
    }
    int ip = off + 2;
    if (type != 0x0800 || f.length < ip + 20) {
      throw new DhcpException("truncated", "not an IPv4 packet, or shorter than its header");
    }
    int vihl = f[ip] & 0xff;
    int ihl = (vihl & 0x0f) * 4;
    int total = b.getShort(ip + 2) & 0xffff;
    if (vihl >> 4 != 4 || ihl < 20 || total < ihl + 8 || ip + total > f.length) {
      throw new DhcpException("truncated", "IPv4 header length " + ihl + ", total length " + total + ", "
          + (f.length - ip) + " bytes there");
    }
    if ((b.getShort(ip + 6) & 0x3fff) != 0) {
      throw new DhcpException("fragment", "a fragment of a DHCP datagram");
    }
    if ((f[ip + 9] & 0xff) != 17) {
      throw new DhcpException("not-dhcp", "IP protocol " + (f[ip + 9] & 0xff) + ", not UDP");
    }
    int udp = ip + ihl;
    int sport = b.getShort(udp) & 0xffff;
    int dport = b.getShort(udp + 2) & 0xffff;
    int ulen = b.getShort(udp + 4) & 0xffff;
    if (sport != CLIENT_PORT || dport != SERVER_PORT) {
      throw new DhcpException("not-dhcp", "UDP " + sport + " -> " + dport + ", not 68 -> 67");
    }
    if (ulen < 8 || udp + ulen > ip + total) {
      throw new DhcpException("truncated", "UDP length " + ulen + " but " + (ip + total - udp) + " bytes there");
    }
    byte[] payload = new byte[ulen - 8];
    System.arraycopy(f, udp + 8, payload, 0, payload.length);
    return new Request(src, b.getInt(ip + 12), b.getInt(ip + 16), payload);
  }

  /** A frame from the server (port 67) to the client (port 68). */
  static byte[] build(long ethDst, long ethSrc, int ipSrc, int ipDst, byte[] payload) {
    int udpLen = 8 + payload.length;
    int ipLen = 20 + udpLen;
    ByteBuffer b = ByteBuffer.allocate(14 + ipLen);
    b.putShort((short) (ethDst >>> 32)).putInt((int) ethDst);
    b.putShort((short) (ethSrc >>> 32)).putInt((int) ethSrc);
    b.putShort((short) 0x0800);
    int ip = b.position();
    b.put((byte) 0x45).put((byte) 0x10).putShort((short) ipLen).putShort((short) 0).putShort((short) 0)
        .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(ipSrc).putInt(ipDst);
    b.putShort(ip + 10, (short) checksum(b.array(), ip, 20, 0));
    int udp = b.position();
    b.putShort((short) SERVER_PORT).putShort((short) CLIENT_PORT).putShort((short) udpLen).putShort((short) 0);
    b.put(payload);
    long pseudo = ((ipSrc >>> 16) & 0xffff) + (ipSrc & 0xffff) + ((ipDst >>> 16) & 0xffff) + (ipDst & 0xffff)
        + 17 + udpLen;
    int sum = checksum(b.array(), udp, udpLen, pseudo);
    b.putShort(udp + 6, (short) (sum == 0 ? 0xffff : sum));
    return b.array();
  }

  /** The Internet checksum (RFC 1071) of {@code len} bytes from {@code off}, plus an initial sum. */
  static int checksum(byte[] d, int off, int len, long initial) {
    long sum = initial;
    for (int i = 0; i + 1 < len; i += 2) {
      sum += ((d[off + i] & 0xff) << 8) | (d[off + i + 1] & 0xff);
    }
    if ((len & 1) != 0) {
      sum += (d[off + len - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
