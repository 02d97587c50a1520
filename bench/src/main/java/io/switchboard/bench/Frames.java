package io.switchboard.bench;

import io.netty.buffer.ByteBuf;

/**
 * The Ethernet frames the emulated switches send up: 64 bytes each (the minimum frame without FCS, plus room for
 * the tag), ending in an 8-byte tag — a magic number and the packet-in's sequence number — so that a packet-out
 * carrying the frame back can be matched to the packet-in it answers.
 */
public final class Frames {
  public static final int LENGTH = 64;
  public static final int TAG_LENGTH = 8;
  /** "SBLG": marks the tag. */
  public static final int MAGIC = 0x53424c47;
  public static final long BROADCAST = 0xffff_ffff_ffffL;
  public static final int ETH_ARP = 0x0806;
  public static final int ETH_IPV4 = 0x0800;

  /** What kind of frame. */
  public enum Kind {
    /** Gratuitous ARP request (broadcast): announces a host, as a host does when it comes up. */
    ARP_ANNOUNCE,
    /** ARP reply, unicast from one host to another. */
    ARP_REPLY,
    /** IPv4/UDP, unicast from one host to another. */
    IPV4_UDP
  }

  private Frames() {}

  /** Writes one frame of {@link #LENGTH} bytes. */
  public static void write(ByteBuf out, Kind kind, long srcMac, int srcIp, long dstMac, int dstIp, int seq) {
    int start = out.writerIndex();
    long ethDst = kind == Kind.ARP_ANNOUNCE ? BROADCAST : dstMac;
    writeMac(out, ethDst);
    writeMac(out, srcMac);
    if (kind == Kind.IPV4_UDP) {
      out.writeShort(ETH_IPV4);
      int ipStart = out.writerIndex();
      int ipLength = LENGTH - 14;
      out.writeByte(0x45);            // version 4, IHL 5
      out.writeByte(0);               // DSCP/ECN
      out.writeShort(ipLength);
      out.writeShort(seq & 0xffff);   // identification
      out.writeShort(0x4000);         // don't fragment
      out.writeByte(64);              // TTL
      out.writeByte(17);              // UDP
      out.writeShort(0);              // checksum, set below
      out.writeInt(srcIp);
      out.writeInt(dstIp);
      out.setShort(ipStart + 10, ipv4Checksum(out, ipStart));
      out.writeShort(40000 + (seq & 0xfff));  // UDP source port
      out.writeShort(9);                      // discard
      out.writeShort(ipLength - 20);          // UDP length
      out.writeShort(0);                      // no checksum
    } else {
      out.writeShort(ETH_ARP);
      out.writeShort(1);       // Ethernet
      out.writeShort(ETH_IPV4);
      out.writeByte(6);
      out.writeByte(4);
      boolean announce = kind == Kind.ARP_ANNOUNCE;
      out.writeShort(announce ? 1 : 2);
      writeMac(out, srcMac);
      out.writeInt(srcIp);
      writeMac(out, announce ? 0 : dstMac);
      out.writeInt(announce ? srcIp : dstIp);
    }
    out.writeZero(start + LENGTH - TAG_LENGTH - out.writerIndex());
    out.writeInt(MAGIC);
    out.writeInt(seq);
  }

  /** The sequence number tagged into a frame that ends at {@code end}, or -1 when there is no tag. */
  public static long tagOf(ByteBuf buf, int dataStart, int end) {
    if (end - dataStart < TAG_LENGTH || buf.getInt(end - TAG_LENGTH) != MAGIC) {
      return -1;
    }
    return buf.getUnsignedInt(end - 4);
  }

  /** The tag of a frame held in a byte array, or -1. */
  public static long tagOf(byte[] frame) {
    int n = frame.length;
    if (n < TAG_LENGTH) {
      return -1;
    }
    int magic = ((frame[n - 8] & 0xff) << 24) | ((frame[n - 7] & 0xff) << 16) | ((frame[n - 6] & 0xff) << 8)
        | (frame[n - 5] & 0xff);
    if (magic != MAGIC) {
      return -1;
    }
    return ((long) (frame[n - 4] & 0xff) << 24) | ((frame[n - 3] & 0xff) << 16) | ((frame[n - 2] & 0xff) << 8)
        | (frame[n - 1] & 0xff);
  }

  static void writeMac(ByteBuf out, long mac) {
    out.writeShort((int) (mac >>> 32));
    out.writeInt((int) mac);
  }

  static int ipv4Checksum(ByteBuf buf, int start) {
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += buf.getUnsignedShort(start + i);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return ~sum & 0xffff;
  }
}
