package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.switchboard.config.OpenFlowLimits;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;

/**
 * Messages to one switch: encoded on the calling thread (a worker, or the event loop itself) back to back into
 * chunks of up to {@value #CHUNK} bytes, and handed to the event loop by one task that writes the chunks and flushes
 * once. A burst of answers costs one buffer, one channel write and one flush, not one each (the socket write is one
 * syscall either way). Bounded: when what is queued here and in the channel passes
 * {@code openflow.limits.max-outbound-bytes}, the overflow callback runs (the session closes the connection).
 */
final class Outbox {
  /** The largest message the 16-bit length field can describe. */
  static final int MAX_MESSAGE = 0xffff;
  /** A chunk is closed and queued once it holds this much; the next message starts a new one. */
  static final int CHUNK = 16 * 1024;
  /** The first capacity of a chunk: a latency-bound answer is one flow-mod of about 100 bytes. */
  private static final int INITIAL = 1024;

  private final Channel channel;
  private final OpenFlowLimits limits;
  private final SwitchListener listener;
  private final LongConsumer overflow;
  /** Full chunks, oldest first; guarded by {@code this}. */
  private final ArrayDeque<ByteBuf> full = new ArrayDeque<>();
  /** The chunk being filled, or null; guarded by {@code this}. */
  private ByteBuf open;
  /** Encoded and not yet handed to the channel (full and open chunks). */
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

  /** Encodes a message and queues it; a message too large for OpenFlow is refused (and nothing of it is queued). */
  void write(OFMessage m) {
    if (append(m, -1, 0, 0)) {
      listener.counted(false, m.getType().name());
      checkLimit();
    }
  }

  /**
   * OFPT_BUNDLE_ADD_MESSAGE, encoded here: openflowj 3.2.1 writes the 1.5 form with a one-byte flags field (a
   * malformed message OVS rejects). The layout is the same in 1.4 and 1.5: header, bundle_id, pad(2),
   * flags(2), the inner message; flow-mods are multiples of 8 bytes, so no padding follows.
   */
  void writeBundleAdd(int wireVersion, long xid, int bundleId, OFMessage inner) {
    if (append(inner, wireVersion, xid, bundleId)) {
      listener.counted(false, "BUNDLE_ADD_MESSAGE");
      checkLimit();
    }
  }

  /**
   * Appends {@code m} to the open chunk, inside a bundle-add message when {@code bundleVersion} is a wire version
   * (-1: as it is). False when the connection is closing (nothing is queued then).
   */
  private boolean append(OFMessage m, int bundleVersion, long xid, int bundleId) {
    if (shut) {
      return false;
    }
    synchronized (this) {
      if (shut) {
        return false; // checked again under the lock: release() may have drained the chunks meanwhile
      }
      ByteBuf buf = chunk();
      int start = buf.writerIndex();
      boolean bundled = bundleVersion >= 0;
      boolean encoded = false;
      try {
        if (bundled) {
          buf.writeByte(bundleVersion);
          buf.writeByte(34);
          buf.writeShort(0); // the length, set below
          buf.writeInt((int) xid);
          buf.writeInt(bundleId);
          buf.writeShort(0);
          buf.writeShort(0x3); // ATOMIC | ORDERED
        }
        m.writeTo(buf);
        encoded = true;
      } finally {
        if (!encoded) { // whatever failed (an error growing the buffer too), no half message stays in the chunk
          buf.writerIndex(start);
        }
      }
      appended(buf, start, m.getType(), bundled);
      if (bundled) {
        buf.setShort(start + 2, buf.writerIndex() - start);
      }
      return true;
    }
  }

  /** The chunk to append to; the caller holds the lock. */
  private ByteBuf chunk() {
    if (open == null) {
      open = channel.alloc().buffer(INITIAL);
    }
    return open;
  }

  /**
   * Accounts for the message just appended at {@code start}; one longer than the 16-bit length field can say is
   * cut off again and refused, never sent wrapped. The caller holds the lock.
   */
  private void appended(ByteBuf buf, int start, OFType type, boolean bundled) {
    int length = buf.writerIndex() - start;
    if (length > MAX_MESSAGE) {
      buf.writerIndex(start);
      if (buf.writerIndex() == 0 && buf.capacity() > 4 * CHUNK) { // the open chunk, grown by the refused message
        open = null;
        buf.release();
      }
      throw new MessageTooLargeException((bundled ? "a bundled " : "") + type + " of " + length
          + " bytes does not fit OpenFlow's 16-bit length (at most " + MAX_MESSAGE + ")");
    }
    bytes.addAndGet(length);
    if (buf.readableBytes() >= CHUNK) {
      full.add(buf);
      open = null;
    }
  }

  private void checkLimit() {
    var ob = channel.unsafe().outboundBuffer();
    long total = bytes.get() + (ob == null ? 0 : ob.totalPendingWriteBytes());
    if (total > limits.maxOutboundBytes()) {
      overflow.accept(total);
    }
  }

  /** Hands the queue to the event loop, which writes it and flushes once. */
  void flush() {
    if (bytes.get() > 0 && writeScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(writeTask);
    }
  }

  /**
   * Writes and flushes the queue now when called on the channel's event loop (the end of a batch the worker handled
   * there: one flush per read batch, no task); elsewhere the same as {@link #flush}.
   */
  void flushNow() {
    if (channel.eventLoop().inEventLoop()) {
      if (bytes.get() > 0) {
        writeAll();
      }
    } else {
      flush();
    }
  }

  /** The oldest chunk not yet handed on (the open one last), or null; it no longer counts in {@link #bytes}. */
  private synchronized ByteBuf take() {
    ByteBuf b = full.poll();
    if (b == null) {
      b = open;
      open = null;
    }
    if (b != null) {
      bytes.addAndGet(-b.readableBytes());
    }
    return b;
  }

  /** On the event loop. */
  private void writeAll() {
    ByteBuf b;
    boolean wrote = false;
    while ((b = take()) != null) {
      if (shut || !channel.isActive() || !b.isReadable()) {
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
    while ((b = take()) != null) {
      b.release();
    }
  }
}
