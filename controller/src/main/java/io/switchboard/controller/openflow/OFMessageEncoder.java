package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.projectfloodlight.openflow.protocol.OFMessage;

@ChannelHandler.Sharable
public final class OFMessageEncoder extends MessageToByteEncoder<OFMessage> {
  public static final OFMessageEncoder INSTANCE = new OFMessageEncoder();

  @Override
  protected void encode(ChannelHandlerContext ctx, OFMessage msg, ByteBuf out) {
    msg.writeTo(out);
  }
}
