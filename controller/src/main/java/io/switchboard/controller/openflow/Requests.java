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
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * Requests to one switch waiting for their replies, matched by xid and type: a reply completes its request (all
 * parts of a multipart reply, bounded in parts and bytes), an error fails it, a timeout or the connection's end
 * fails it too. The type matters: a switch picks the xids of what it sends on its own (packet-ins, flow-removed,
 * port status) as it likes, and one that happens to carry a waiting request's xid is not its answer; taken for one,
 * it would end the request early and never reach the apps.
 */
final class Requests {
  static final long TIMEOUT_SECONDS = 30;

  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final OpenFlowLimits limits;
  private final Consumer<String> overflow;

  private static final class Pending {
    /** The type of the reply waited for; an ERROR answers any request. */
    final OFType reply;
    final CompletableFuture<List<OFMessage>> future = new CompletableFuture<>();
    final List<OFMessage> parts = new ArrayList<>();
    long bytes;

    Pending(OFType reply) {
      this.reply = reply;
    }

    boolean answeredBy(OFType type) {
      return type == reply || type == OFType.ERROR;
    }
  }

  /** @param overflow called with the reason when a multipart reply streams past its bounds */
  Requests(OpenFlowLimits limits, Consumer<String> overflow) {
    this.limits = limits;
    this.overflow = overflow;
  }

  /**
   * Waits for the reply to the request {@code xid} of type {@code request}; register before sending, so that no
   * reply can come first.
   */
  CompletableFuture<List<OFMessage>> expect(long xid, OFType request) {
    Pending p = new Pending(replyTo(request));
    pending.put(xid, p);
    p.future.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((r, e) -> pending.remove(xid));
    return p.future;
  }

  /**
   * A message from the switch, with its length on the wire: true when it answered a pending request. A multipart
   * reply is bounded in parts and bytes; one that streams past either fails and calls the overflow callback.
   */
  boolean reply(OFMessage m, int wireLength) {
    if (pending.isEmpty()) {
      return false; // every packet-in asks this: no boxed xid and no lookup when nothing is awaited
    }
    Pending p = pending.get(m.getXid());
    if (p == null || !p.answeredBy(m.getType())) {
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

  /**
   * Fails one request at once, rather than at the timeout: a message of {@code wireType} (as the switch's
   * {@code version} numbers types) with its xid could not be parsed, and it was the reply waited for, or an error.
   */
  void fail(long xid, int wireType, OFVersion version, String why) {
    Pending p = pending.get(xid);
    if (p != null && p.answeredBy(VersionNegotiation.typeOf(version, wireType))) {
      p.future.completeExceptionally(new IllegalStateException(why));
    }
  }

  /** The connection closed: every request fails. */
  void failAll(String why) {
    pending.values().forEach(p -> p.future.completeExceptionally(new IllegalStateException(why)));
    pending.clear();
  }

  /** The type of the reply that answers a request of type {@code request}. */
  static OFType replyTo(OFType request) {
    return switch (request) {
      case ECHO_REQUEST -> OFType.ECHO_REPLY;
      case FEATURES_REQUEST -> OFType.FEATURES_REPLY;
      case GET_CONFIG_REQUEST -> OFType.GET_CONFIG_REPLY;
      case STATS_REQUEST -> OFType.STATS_REPLY;
      case BARRIER_REQUEST -> OFType.BARRIER_REPLY;
      case QUEUE_GET_CONFIG_REQUEST -> OFType.QUEUE_GET_CONFIG_REPLY;
      case ROLE_REQUEST -> OFType.ROLE_REPLY;
      case GET_ASYNC_REQUEST -> OFType.GET_ASYNC_REPLY;
      case BUNDLE_CONTROL -> OFType.BUNDLE_CONTROL;
      case EXPERIMENTER -> OFType.EXPERIMENTER; // OpenFlow 1.0's Nicira role request and its reply
      default -> throw new IllegalArgumentException("a " + request + " gets no reply to wait for");
    };
  }

  int size() {
    return pending.size();
  }
}
