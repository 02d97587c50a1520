package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.config.OpenFlowLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;

class OutboxTest {
  private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final List<String> counted = new ArrayList<>();
  private final AtomicLong overflowedAt = new AtomicLong(-1);
  private final SwitchListener listener = new SwitchListener() {
    @Override public void switchUp(SwitchSession session) { }
    @Override public void switchDown(SwitchSession session) { }
    @Override public void message(SwitchSession session, OFMessage msg) { }
    @Override public void undecodable(SwitchSession session, Undecodable u) { }
    @Override public void counted(boolean in, String type) {
      counted.add(type);
    }
  };
  private final Outbox outbox = new Outbox(channel, OpenFlowLimits.DEFAULTS, listener, overflowedAt::set);

  private OFMessage echo(long xid) {
    return f.buildEchoRequest().setXid(xid).setData(new byte[0]).build();
  }

  /** Every message the channel was handed, decoded in order, and how many buffers carried them. */
  private List<OFMessage> written(int[] buffers) throws Exception {
    List<OFMessage> out = new ArrayList<>();
    OFMessageReader<OFMessage> reader = OFFactories.getGenericReader();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      buffers[0]++;
      while (b.isReadable()) {
        out.add(reader.readFrom(b));
      }
      b.release();
    }
    return out;
  }

  @Test
  void aBurstIsOneBufferInOrderAndOneFlush() throws Exception {
    for (long x = 1; x <= 50; x++) {
      outbox.write(echo(x));
    }
    assertEquals(50L * 8, outbox.bytes(), "encoded, not yet handed on");
    assertNull(channel.readOutbound(), "nothing reaches the channel before the flush");
    outbox.flushNow();
    assertEquals(0, outbox.bytes());
    int[] buffers = {0};
    List<OFMessage> got = written(buffers);
    assertEquals(1, buffers[0], "one buffer for the burst");
    assertEquals(50, got.size());
    for (int i = 0; i < 50; i++) {
      assertEquals(i + 1, got.get(i).getXid());
    }
    assertEquals(50, counted.size());
  }

  @Test
  void aLongBurstIsCutIntoChunksThatKeepItsOrder() throws Exception {
    int n = 3 * Outbox.CHUNK / 8 + 5; // echo requests are 8 bytes: a little over three chunks
    for (long x = 0; x < n; x++) {
      outbox.write(echo(x));
    }
    outbox.flushNow();
    int[] buffers = {0};
    List<OFMessage> got = written(buffers);
    assertEquals(4, buffers[0]);
    assertEquals(n, got.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, got.get(i).getXid(), "message " + i);
    }
  }

  @Test
  void aMessageTooLongForOpenFlowIsRefusedAndLeavesNothingBehind() throws Exception {
    outbox.write(echo(1));
    List<OFAction> many = new ArrayList<>();
    for (int i = 0; i < 5000; i++) { // 16 bytes each: 80,000 bytes of actions
      many.add(f.actions().output(org.projectfloodlight.openflow.types.OFPort.of(i + 1), 0));
    }
    OFMessage huge = f.buildFlowAdd().setXid(2).setActions(many).build();
    assertThrows(MessageTooLargeException.class, () -> outbox.write(huge));
    outbox.write(echo(3));
    assertEquals(16, outbox.bytes());
    outbox.flushNow();
    int[] buffers = {0};
    List<OFMessage> got = written(buffers);
    assertEquals(List.of(1L, 3L), got.stream().map(OFMessage::getXid).toList(), "the refused message left no bytes");
  }

  @Test
  void anEncodingThatFailsHalfWayLeavesNoBytesEvenOnAnError() throws Exception {
    outbox.write(echo(1));
    OFMessage broken = (OFMessage) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {OFMessage.class}, (proxy, method, args) -> switch (method.getName()) {
          case "writeTo" -> {
            ((ByteBuf) args[0]).writeBytes(new byte[5]);
            throw new OutOfMemoryError("direct buffer memory (a test)");
          }
          case "getType" -> org.projectfloodlight.openflow.protocol.OFType.ECHO_REQUEST;
          default -> throw new UnsupportedOperationException(method.getName());
        });
    assertThrows(OutOfMemoryError.class, () -> outbox.write(broken));
    outbox.write(echo(2));
    assertEquals(16, outbox.bytes(), "the count matches what is queued");
    outbox.flushNow();
    int[] buffers = {0};
    assertEquals(List.of(1L, 2L), written(buffers).stream().map(OFMessage::getXid).toList());
  }

  @Test
  void aBundledFlowModCarriesItsOwnLength() throws Exception {
    OFMessage inner = f.buildFlowAdd().setXid(7).build();
    outbox.writeBundleAdd(OFVersion.OF_14.getWireVersion(), 9, 42, inner);
    outbox.write(echo(10));
    outbox.flushNow();
    ByteBuf b = channel.readOutbound();
    int innerLength = lengthOf(inner);
    assertEquals(16 + innerLength, b.getUnsignedShort(2), "the bundle message's length");
    assertEquals(34, b.getByte(1));
    assertEquals(42, b.getInt(8));
    assertEquals(OFVersion.OF_13.getWireVersion(), b.getByte(16 + innerLength), "the next message follows it");
    b.release();
  }

  private static int lengthOf(OFMessage m) {
    ByteBuf b = io.netty.buffer.Unpooled.buffer();
    m.writeTo(b);
    int n = b.readableBytes();
    b.release();
    return n;
  }

  @Test
  void whatIsQueuedPastTheLimitCallsTheOverflowOnce() {
    OpenFlowLimits small = new OpenFlowLimits(10_000, 512, 64, OpenFlowLimits.DEFAULTS.handshakeTimeout(), 1024,
        65_536, 65_536, OpenFlowLimits.DEFAULTS.writeStallTimeout(), OpenFlowLimits.DEFAULTS.maxMultipartBytes(),
        OpenFlowLimits.DEFAULTS.maxMultipartParts());
    Outbox tight = new Outbox(channel, small, listener, overflowedAt::set);
    for (long x = 0; x < 65_536 / 8; x++) {
      tight.write(echo(x));
    }
    assertEquals(-1, overflowedAt.get(), "at the limit, not past it");
    tight.write(echo(0));
    assertEquals(65_536 + 8, overflowedAt.get());
    tight.release();
  }

  @Test
  void afterReleaseNothingIsQueuedOrLeaked() {
    outbox.write(echo(1));
    outbox.release();
    assertEquals(0, outbox.bytes());
    outbox.write(echo(2));
    assertEquals(0, outbox.bytes(), "a closed connection queues nothing");
    outbox.flushNow();
    assertNull(channel.readOutbound());
    assertEquals(1, counted.size(), "only the message written before the close was counted");
  }
}
