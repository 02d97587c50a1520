package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * OpenFlow 1.5 flow statistics, rewritten as the same reply in 1.4's layout so openflowj can read it: openflowj
 * 3.2.1 cannot parse the OXS statistics OVS sends in 1.5 ({@code ofp_flow_desc}). Match and instructions are
 * encoded alike in both versions; only the header of each entry differs:
 *
 * <pre>
 * 1.5 ofp_flow_desc:  length(2) pad(2) table_id(1) pad(1) priority(2) idle(2) hard(2) flags(2) importance(2)
 *                     cookie(8) match(padded to 8) stats: reserved(2) length(2) OXS fields (padded to 8) instructions
 * 1.4 ofp_flow_stats: length(2) table_id(1) pad(1) duration_sec(4) duration_nsec(4) priority(2) idle(2) hard(2)
 *                     flags(2) importance(2) pad(2) cookie(8) packet_count(8) byte_count(8) match instructions
 * </pre>
 */
final class Of15FlowStats {
  static final int VERSION_15 = 6;
  static final int VERSION_14 = 5;
  static final int MULTIPART_REPLY = 19;
  static final int FLOW_DESC = 1;
  private static final int OXS_CLASS = 0x8002;

  private Of15FlowStats() {}

  static final int FLOW_REMOVED = 11;

  /** Whether the frame is a 1.5 flow-stats (flow-desc) multipart reply or flow-removed message. */
  static boolean applies(ByteBuf frame) {
    int start = frame.readerIndex();
    if (frame.readableBytes() < 16 || frame.getUnsignedByte(start) != VERSION_15) {
      return false;
    }
    int type = frame.getUnsignedByte(start + 1);
    return type == FLOW_REMOVED || type == MULTIPART_REPLY && frame.getUnsignedShort(start + 8) == FLOW_DESC;
  }

  /** The message rewritten in 1.4's layout (a new buffer the caller releases). */
  static ByteBuf to14(ByteBuf frame, ByteBufAllocator alloc) {
    return frame.getUnsignedByte(frame.readerIndex() + 1) == FLOW_REMOVED ? removedTo14(frame, alloc)
        : statsTo14(frame, alloc);
  }

  /**
   * 1.5: header table_id(1) reason(1) priority(2) idle(2) hard(2) cookie(8) match stats.
   * 1.4: header cookie(8) priority(2) reason(1) table_id(1) duration(4+4) idle(2) hard(2) packets(8) bytes(8) match.
   */
  private static ByteBuf removedTo14(ByteBuf frame, ByteBufAllocator alloc) {
    int start = frame.readerIndex();
    int matchStart = start + 24;
    int matchPadded = (frame.getUnsignedShort(matchStart + 2) + 7) / 8 * 8;
    long[] stats = oxs(frame, matchStart + matchPadded);
    ByteBuf out = alloc.buffer(frame.readableBytes() + 32);
    out.writeBytes(frame, start, 8);
    out.setByte(0, VERSION_14);
    out.writeLong(frame.getLong(start + 16));
    out.writeShort(frame.getUnsignedShort(start + 10));
    out.writeByte(frame.getUnsignedByte(start + 9));
    out.writeByte(frame.getUnsignedByte(start + 8));
    out.writeInt((int) (stats[0] >>> 32));
    out.writeInt((int) stats[0]);
    out.writeShort(frame.getUnsignedShort(start + 12));
    out.writeShort(frame.getUnsignedShort(start + 14));
    out.writeLong(stats[1]);
    out.writeLong(stats[2]);
    out.writeBytes(frame, matchStart, matchPadded);
    out.setShort(2, out.writerIndex());
    return out;
  }

  /**
   * Duration, packet count and byte count from an ofp_stats block at {@code statsStart} (OXS fields of class
   * OPENFLOW_BASIC: duration 0, idle_time 1, flow_count 3, packet_count 4, byte_count 5).
   */
  private static long[] oxs(ByteBuf frame, int statsStart) {
    int statsLen = frame.getUnsignedShort(statsStart + 2);
    long[] v = new long[3];
    for (int o = statsStart + 4; o + 4 <= statsStart + statsLen; ) {
      int header = frame.getInt(o);
      int field = (header >>> 9) & 0x7f;
      int flen = header & 0xff;
      if (header >>> 16 == OXS_CLASS && flen == 8) {
        long x = frame.getLong(o + 4);
        if (field == 0) {
          v[0] = x;
        } else if (field == 4) {
          v[1] = x;
        } else if (field == 5) {
          v[2] = x;
        }
      }
      o += 4 + flen;
    }
    return v;
  }

  private static ByteBuf statsTo14(ByteBuf frame, ByteBufAllocator alloc) {
    int start = frame.readerIndex();
    int end = start + frame.getUnsignedShort(start + 2);
    ByteBuf out = alloc.buffer(frame.readableBytes() + 64);
    out.writeBytes(frame, start, 16); // header + multipart type, flags, pad
    out.setByte(0, VERSION_14);
    int pos = start + 16;
    while (pos + 4 <= end) {
      int len = frame.getUnsignedShort(pos);
      if (len < 32 || pos + len > end) {
        throw new IllegalArgumentException("bad flow-desc length " + len);
      }
      int tableId = frame.getUnsignedByte(pos + 4);
      int priority = frame.getUnsignedShort(pos + 6);
      int idle = frame.getUnsignedShort(pos + 8);
      int hard = frame.getUnsignedShort(pos + 10);
      int flags = frame.getUnsignedShort(pos + 12);
      int importance = frame.getUnsignedShort(pos + 14);
      long cookie = frame.getLong(pos + 16);
      int matchStart = pos + 24;
      int matchLen = frame.getUnsignedShort(matchStart + 2);
      int matchPadded = (matchLen + 7) / 8 * 8;
      int statsStart = matchStart + matchPadded;
      int statsLen = frame.getUnsignedShort(statsStart + 2);
      int statsPadded = (statsLen + 7) / 8 * 8;
      long[] stats = oxs(frame, statsStart);
      long duration = stats[0];
      long packets = stats[1];
      long bytes = stats[2];
      int insStart = statsStart + statsPadded;
      int insLen = pos + len - insStart;
      int entryStart = out.writerIndex();
      out.writeShort(0); // length, set below
      out.writeByte(tableId);
      out.writeByte(0);
      out.writeInt((int) (duration >>> 32));
      out.writeInt((int) duration);
      out.writeShort(priority);
      out.writeShort(idle);
      out.writeShort(hard);
      out.writeShort(flags);
      out.writeShort(importance);
      out.writeShort(0);
      out.writeLong(cookie);
      out.writeLong(packets);
      out.writeLong(bytes);
      out.writeBytes(frame, matchStart, matchPadded);
      out.writeBytes(frame, insStart, insLen);
      out.setShort(entryStart, out.writerIndex() - entryStart);
      pos += len;
    }
    out.setShort(2, out.writerIndex());
    return out;
  }
}
