package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits the byte stream into OpenFlow messages by the header's length field. Broken framing (a length shorter
 * than the header, or a version byte no OpenFlow uses) cannot be recovered from: it fails the channel, which
 * closes that one switch's connection.
 */
public final class OFFrameDecoder extends ByteToMessageDecoder {
  public static final int HEADER = 8;
  /** The header's 16-bit length caps a message at 64 KiB. */
  public static final int MAX_LENGTH = 0xffff;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= HEADER) {
      int start = in.readerIndex();
      int version = in.getUnsignedByte(start);
      int length = in.getUnsignedShort(start + 2);
      if (version < 1 || version > 6) {
        in.skipBytes(in.readableBytes());
        throw new CorruptedFrameException("not OpenFlow: version byte 0x" + Integer.toHexString(version));
      }
      if (length < HEADER) {
        in.skipBytes(in.readableBytes());
        throw new CorruptedFrameException("broken framing: message length " + length + " < 8");
      }
      if (in.readableBytes() < length) {
        return;
      }
      out.add(in.readRetainedSlice(length));
    }
  }
}
