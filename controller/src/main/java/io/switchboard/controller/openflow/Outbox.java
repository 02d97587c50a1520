package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.switchboard.config.OpenFlowLimits;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * Messages to one switch: encoded on the calling thread (a worker, usually) into buffers, queued, and handed to the
 * event loop by one task that writes them all and flushes once, so a burst of answers costs one flush, not one
 * each. Bounded: when what is queued here and in the channel passes {@code openflow.limits.max-outbound-bytes}, the
 * overflow callback runs (the session closes the connection).
 */
final class Outbox {
  /** The largest message the 16-bit length field can describe. */
  static final int MAX_MESSAGE = 0xffff;

  private final Channel channel;
  private final OpenFlowLimits limits;
  private final SwitchListener listener;
  private final LongConsumer overflow;
  private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicBoolean writeScheduled = new AtomicBoolean();
  private final Runnable writeTask = () -> {
    writeScheduled.set(false);
    writeAll();
  };
  private volatile boolean shut;

  /**
   * @param listener counts each message sent, by type
   * @param overflow called with the bytes queued when they pass the limit
   */
  Outbox(Channel channel, OpenFlowLimits limits, SwitchListener listener, LongConsumer overflow) {
    this.channel = channel;
    this.limits = limits;
    this.listener = listener;
    this.overflow = overflow;
  }

  /** Encodes a message and queues it; a message too large for OpenFlow is refused. */
  void write(OFMessage m) {
    ByteBuf buf = channel.alloc().buffer(256);
    try {
      m.writeTo(buf);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
    checkFits(buf, buf.readableBytes(), m.getType().toString());
    listener.counted(false, m.getType().name());
    enqueue(buf);
  }

  /**
   * OFPT_BUNDLE_ADD_MESSAGE, encoded here: openflowj 3.2.1 writes the 1.5 form with a one-byte flags field (a
   * malformed message OVS rejects). The layout is the same in 1.4 and 1.5: header, bundle_id, pad(2),
   * flags(2), the inner message; flow-mods are multiples of 8 bytes, so no padding follows.
   */
  void writeBundleAdd(int wireVersion, long xid, int bundleId, OFMessage inner) {
    ByteBuf buf = channel.alloc().buffer(128);
    int start = buf.writerIndex();
    buf.writeByte(wireVersion);
    buf.writeByte(34);
    buf.writeShort(0);
    buf.writeInt((int) xid);
    buf.writeInt(bundleId);
    buf.writeShort(0);
    buf.writeShort(0x3); // ATOMIC | ORDERED
    inner.writeTo(buf);
    int len = buf.writerIndex() - start;
    checkFits(buf, len, "a bundled " + inner.getType());
    buf.setShort(start + 2, len);
    listener.counted(false, "BUNDLE_ADD_MESSAGE");
    enqueue(buf);
  }

  /** A message longer than the 16-bit length field can say is released and refused, never sent wrapped. */
  private static void checkFits(ByteBuf buf, int length, String what) {
    if (length > MAX_MESSAGE) {
      buf.release();
      throw new MessageTooLargeException(what + " of " + length + " bytes does not fit OpenFlow's 16-bit length"
          + " (at most " + MAX_MESSAGE + ")");
    }
  }

  private void enqueue(ByteBuf buf) {
    if (shut) {
      buf.release();
      return;
    }
    long queued = bytes.addAndGet(buf.readableBytes());
    queue.add(buf);
    var ob = channel.unsafe().outboundBuffer();
    long total = queued + (ob == null ? 0 : ob.totalPendingWriteBytes());
    if (total > limits.maxOutboundBytes()) {
      overflow.accept(total);
    }
  }

  /** Hands the queue to the event loop, which writes it and flushes once. */
  void flush() {
    if (!queue.isEmpty() && writeScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(writeTask);
    }
  }

  /**
   * Writes and flushes the queue now when called on the channel's event loop (the end of a batch the worker handled
   * there: one flush per read batch, no task); elsewhere the same as {@link #flush}.
   */
  void flushNow() {
    if (channel.eventLoop().inEventLoop()) {
      if (!queue.isEmpty()) {
        writeAll();
      }
    } else {
      flush();
    }
  }

  /** On the event loop. */
  private void writeAll() {
    ByteBuf b;
    boolean wrote = false;
    while ((b = queue.poll()) != null) {
      bytes.addAndGet(-b.readableBytes());
      if (shut || !channel.isActive()) {
        b.release();
        continue;
      }
      channel.write(b, channel.voidPromise());
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  /** Bytes encoded and not yet handed to the socket. */
  long bytes() {
    return bytes.get();
  }

  /** The connection is closing: nothing more is queued or written. */
  void shut() {
    shut = true;
  }

  /** The connection closed: what is still queued is released. */
  void release() {
    shut = true;
    ByteBuf b;
    while ((b = queue.poll()) != null) {
      bytes.addAndGet(-b.readableBytes());
      b.release();
    }
  }
}
