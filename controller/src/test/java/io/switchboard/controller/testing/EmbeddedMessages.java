package io.switchboard.controller.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** OpenFlow messages an {@link EmbeddedChannel}'s handler wrote, read back for tests. */
public final class EmbeddedMessages {
  private EmbeddedMessages() {}

  /**
   * The next message written (tasks due run first), decoded from its bytes whether the handler wrote bytes or an
   * openflowj message; null when there is none.
   */
  public static OFMessage next(EmbeddedChannel ch) throws Exception {
    ch.runPendingTasks();
    Object o = ch.readOutbound();
    if (o == null) {
      return null;
    }
    ByteBuf b = o instanceof ByteBuf bb ? bb : null;
    if (b == null) {
      b = Unpooled.buffer();
      ((OFMessage) o).writeTo(b);
    }
    try {
      return OFFactories.getGenericReader().readFrom(b);
    } finally {
      b.release();
    }
  }
}
