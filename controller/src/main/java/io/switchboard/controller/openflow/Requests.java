package io.switchboard.controller.openflow;

import io.switchboard.config.OpenFlowLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;

/**
 * Requests to one switch waiting for their replies, matched by xid: a reply completes its request (all parts of a
 * multipart reply, bounded in parts and bytes), an error fails it, a timeout or the connection's end fails it too.
 */
final class Requests {
  static final long TIMEOUT_SECONDS = 30;

  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final OpenFlowLimits limits;
  private final Consumer<String> overflow;

  private static final class Pending {
    final CompletableFuture<List<OFMessage>> future = new CompletableFuture<>();
    final List<OFMessage> parts = new ArrayList<>();
    long bytes;
  }

  /** @param overflow called with the reason when a multipart reply streams past its bounds */
  Requests(OpenFlowLimits limits, Consumer<String> overflow) {
    this.limits = limits;
    this.overflow = overflow;
  }

  /** Waits for the reply to {@code xid}; register before sending, so that no reply can come first. */
  CompletableFuture<List<OFMessage>> expect(long xid) {
    Pending p = new Pending();
    pending.put(xid, p);
    p.future.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((r, e) -> pending.remove(xid));
    return p.future;
  }

  /**
   * A message from the switch, with its length on the wire: true when it answered a pending request. A multipart
   * reply is bounded in parts and bytes; one that streams past either fails and calls the overflow callback.
   */
  boolean reply(OFMessage m, int wireLength) {
    Pending p = pending.get(m.getXid());
    if (p == null) {
      return false;
    }
    if (m instanceof OFErrorMsg err) {
      p.future.completeExceptionally(new OpenFlowErrorException(err));
      return true;
    }
    p.parts.add(m);
    p.bytes += wireLength;
    if (m instanceof OFStatsReply sr && sr.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
      if (p.parts.size() > limits.maxMultipartParts() || p.bytes > limits.maxMultipartBytes()) {
        String why = "a multipart reply of " + p.parts.size() + " parts and " + p.bytes + " bytes is still going on"
            + " (limits " + limits.maxMultipartParts() + " parts, openflow.limits.max-multipart-parts, and "
            + limits.maxMultipartBytes() + " bytes, openflow.limits.max-multipart-bytes)";
        pending.remove(m.getXid());
        p.parts.clear();
        p.future.completeExceptionally(new IllegalStateException(why));
        overflow.accept(why);
      }
      return true;
    }
    p.future.complete(List.copyOf(p.parts));
    return true;
  }

  /** Fails one request at once (its reply could not be parsed), rather than at the timeout. */
  void fail(long xid, String why) {
    Pending p = pending.get(xid);
    if (p != null) {
      p.future.completeExceptionally(new IllegalStateException(why));
    }
  }

  /** The connection closed: every request fails. */
  void failAll(String why) {
    pending.values().forEach(p -> p.future.completeExceptionally(new IllegalStateException(why)));
    pending.clear();
  }

  int size() {
    return pending.size();
  }
}
