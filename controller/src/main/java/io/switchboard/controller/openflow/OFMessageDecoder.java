package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;

/** One framed message -> an openflowj message, or an {@link Undecodable} when it cannot be parsed. */
public final class OFMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
  private static final OFMessageReader<OFMessage> READER = OFFactories.getGenericReader();

  private int lastLength;

  /** The length on the wire of the message decoded last (the next handler runs right after each decode). */
  public int lastLength() {
    return lastLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    int start = frame.readerIndex();
    lastLength = frame.readableBytes();
    try {
      OFMessage msg;
      if (Of15FlowStats.applies(frame)) {
        ByteBuf as14 = Of15FlowStats.to14(frame, ctx.alloc());
        try {
          msg = READER.readFrom(as14);
        } finally {
          as14.release();
        }
        frame.skipBytes(frame.readableBytes());
      } else {
        msg = READER.readFrom(frame);
      }
      if (msg == null) {
        out.add(undecodable(frame, start, "incomplete message"));
      } else {
        out.add(msg);
      }
    } catch (Exception | AssertionError e) {
      out.add(undecodable(frame, start, String.valueOf(e.getMessage())));
    }
  }

  private static Undecodable undecodable(ByteBuf frame, int start, String reason) {
    int len = frame.writerIndex() - start;
    byte[] head = ByteBufUtil.getBytes(frame, start, Math.min(len, 64));
    return new Undecodable(frame.getUnsignedByte(start), frame.getUnsignedByte(start + 1),
        frame.getUnsignedInt(start + 4), head, reason);
  }
}
