package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.switchboard.config.OpenFlowLimits;
import io.switchboard.controller.core.SerialExecutor;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlType;
import org.projectfloodlight.openflow.protocol.OFBundleFlags;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFNiciraControllerRole;
import org.projectfloodlight.openflow.protocol.OFNiciraControllerRoleReply;
import org.projectfloodlight.openflow.protocol.OFRoleReply;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.BundleId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected bridge: its channel, identity, ports, worker, and request/reply bookkeeping.
 *
 * <p>Messages from the switch reach the worker through a bounded inbox ({@link #deliver}); the worker handles them
 * in batches. Messages to the switch are encoded on the calling thread into an outbox that one event-loop task
 * writes and flushes at a time, so a burst of answers costs one flush, not one each. Both directions are bounded by
 * {@link OpenFlowLimits}: a full inbox stops reading from the switch, an outbox the switch does not drain
 * disconnects it.
 */
public final class SwitchSession implements FlowProgrammer.Channel {
  private static final Logger log = LoggerFactory.getLogger(SwitchSession.class);
  private static final long REQUEST_TIMEOUT_SECONDS = 30;
  /** Messages one worker turn handles before it lets other switches' work run. */
  private static final int BATCH = 256;
  /** The largest message the 16-bit length field can describe. */
  public static final int MAX_MESSAGE = 0xffff;

  private final Channel channel;
  private final OFFactory factory;
  private final long dpid;
  private final String dpidText;
  private final SerialExecutor worker;
  private final Pipeline pipeline;
  private final OFTranslator translator;
  private final Instant connectedAt = Instant.now();
  private final AtomicLong xids = new AtomicLong(0x1000);
  private final AtomicInteger bundleIds = new AtomicInteger(1);
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  /** Flow-mods sent and not yet confirmed by a barrier: xid -> the entry they were about. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, FlowKey> inflight =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  /** At most one barrier is outstanding; flow-mods sent meanwhile are confirmed by the next one. */
  private final java.util.concurrent.atomic.AtomicBoolean barrierPending = new java.util.concurrent.atomic.AtomicBoolean();
  private final SwitchListener listener;
  private final OpenFlowLimits limits;
  private final Inbox inbox;
  private final java.util.Queue<ByteBuf> outbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicLong outboxBytes = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicBoolean writeScheduled =
      new java.util.concurrent.atomic.AtomicBoolean();
  /** The worker thread while it handles a batch: its sends are flushed once, at the end of the batch. */
  private volatile Thread batchThread;
  private volatile Map<Long, PortInfo> ports;
  private volatile String name;
  private volatile SwitchView view;
  private volatile FlowProgrammer programmer;
  private volatile long echoRttNanos = -1;
  private volatile String role = "equal";
  private volatile boolean closed;
  private volatile String peerCertificate;
  private volatile CompletableFuture<Void> probe;

  private static final class Pending {
    final CompletableFuture<List<OFMessage>> future = new CompletableFuture<>();
    final List<OFMessage> parts = new ArrayList<>();
    long bytes;
  }

  SwitchSession(Channel channel, OFFactory factory, long dpid, List<PortInfo> ports, SerialExecutor worker,
                SwitchListener listener) {
    this(channel, factory, dpid, ports, worker, listener, OpenFlowLimits.DEFAULTS, null);
  }

  SwitchSession(Channel channel, OFFactory factory, long dpid, List<PortInfo> ports, SerialExecutor worker,
                SwitchListener listener, OpenFlowLimits limits, Inbox.ReadControl reads) {
    this.limits = limits;
    this.inbox = new Inbox(limits.inboundQueue(), reads != null ? reads : Inbox.ReadControl.NONE);
    this.channel = channel;
    this.factory = factory;
    this.dpid = dpid;
    this.dpidText = Values.dpid(dpid);
    this.worker = worker;
    this.listener = listener;
    this.pipeline = Pipeline.forVersion(factory.getVersion() != OFVersion.OF_10);
    this.translator = new OFTranslator(factory, pipeline);
    setPorts(ports);
  }

  public long dpid() {
    return dpid;
  }

  public String dpidText() {
    return dpidText;
  }

  public String name() {
    return name;
  }

  public OFVersion version() {
    return factory.getVersion();
  }

  public String versionText() {
    return versionText(factory.getVersion());
  }

  public static String versionText(OFVersion v) {
    return switch (v) {
      case OF_10 -> "1.0";
      case OF_11 -> "1.1";
      case OF_12 -> "1.2";
      case OF_13 -> "1.3";
      case OF_14 -> "1.4";
      case OF_15 -> "1.5";
      default -> v.toString();
    };
  }

  public OFFactory factory() {
    return factory;
  }

  public OFTranslator translator() {
    return translator;
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public SerialExecutor worker() {
    return worker;
  }

  public Instant connectedAt() {
    return connectedAt;
  }

  public String remoteAddress() {
    return channel.remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(channel.remoteAddress());
  }

  public Collection<PortInfo> ports() {
    return ports.values();
  }

  public FlowProgrammer programmer() {
    return programmer;
  }

  public void programmer(FlowProgrammer p) {
    this.programmer = p;
  }

  public long echoRttNanos() {
    return echoRttNanos;
  }

  void echoRtt(long nanos) {
    this.echoRttNanos = nanos;
  }

  public String role() {
    return role;
  }

  public void role(String r) {
    this.role = r;
  }

  /** The SHA-256 fingerprint of the certificate the switch presented over TLS; null on plain TCP. */
  public String peerCertificate() {
    return peerCertificate;
  }

  void peerCertificate(String fingerprint) {
    this.peerCertificate = fingerprint;
  }

  /**
   * Sends an echo request; completes when the switch answers, fails when it does not within {@code timeout} or the
   * connection closes. Callers meanwhile share the one in flight, so a flood of callers sends one echo at a time.
   */
  public synchronized CompletableFuture<Void> probe(java.time.Duration timeout) {
    CompletableFuture<Void> p = probe;
    if (p != null && !p.isDone()) {
      return p;
    }
    if (!isOpen()) {
      return CompletableFuture.failedFuture(new IllegalStateException("switch disconnected"));
    }
    p = request(factory.buildEchoRequest().setXid(nextXid()).setData(new byte[0]).build())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(parts -> null);
    probe = p;
    return p;
  }

  /** Closes the connection without a log line (the caller logs, once per offender per interval). */
  public void closeQuietly() {
    closed = true;
    channel.close();
  }

  public boolean isOpen() {
    return !closed && channel.isActive();
  }

  public void close(String why) {
    if (!closed) {
      log.info("switch {}: closing connection: {}", dpidText, why);
    }
    closed = true;
    channel.close();
  }

  void markClosed() {
    closed = true;
    pending.values().forEach(p -> p.future.completeExceptionally(new IllegalStateException("switch disconnected")));
    pending.clear();
    releaseOutbox();
    inbox.clear();
  }

  public OpenFlowLimits limits() {
    return limits;
  }

  boolean inboxPaused() {
    return inbox.paused();
  }

  /** Messages read from the switch and not yet handled by its worker. */
  public int inboxDepth() {
    return inbox.size();
  }

  /** Bytes encoded for the switch and not yet handed to its socket. */
  public long outboxBytes() {
    return outboxBytes.get();
  }

  // ---- receiving

  /**
   * Called on the event loop for every message of an active switch that is not the answer to a request: queues it
   * for the worker. A full inbox pauses reading itself (through the channel's {@link Inbox.ReadControl}).
   */
  void deliver(Object msg) {
    inbox.offer(msg);
    if (inbox.claimDrain()) {
      worker.execute(this::drainInbox);
    }
  }

  /** On the worker: handles a batch of queued messages, then sends what they produced with one flush. */
  private void drainInbox() {
    batchThread = Thread.currentThread();
    try {
      for (int i = 0; i < BATCH; i++) {
        Object m = inbox.poll();
        if (m == null) {
          break;
        }
        if (closed) {
          continue; // the switch is gone: what it said last changes nothing
        }
        try {
          if (m instanceof Undecodable u) {
            listener.undecodable(this, u);
          } else {
            listener.message(this, (OFMessage) m);
          }
        } catch (RuntimeException e) {
          log.error("switch {}: handling {} failed", dpidText, m instanceof OFMessage o ? o.getType() : m, e);
        }
      }
    } finally {
      batchThread = null;
      flush();
      if (inbox.releaseDrain()) {
        worker.execute(this::drainInbox);
      }
    }
  }

  /** Replaces the port list (ports from FEATURES or PORT_DESC). */
  public void setPorts(List<PortInfo> list) {
    Map<Long, PortInfo> m = new ConcurrentHashMap<>();
    String n = name;
    for (PortInfo p : list) {
      if (p.isLocal()) {
        n = p.name();
      } else {
        m.put(p.number(), p);
      }
    }
    this.name = n == null ? dpidText : n;
    this.ports = m;
    this.view = null;
  }

  public void portChanged(PortInfo p, boolean removed) {
    Map<Long, PortInfo> m = new ConcurrentHashMap<>(ports);
    if (p.isLocal()) {
      if (!removed) {
        name = p.name();
        view = null;
      }
      return;
    }
    if (removed) {
      m.remove(p.number());
    } else {
      m.put(p.number(), p);
    }
    ports = m;
    view = null;
  }

  /** An immutable view for apps; the same instance until the ports or the name change. */
  public SwitchView view() {
    SwitchView v = view;
    if (v == null) {
      v = buildView();
      view = v;
    }
    return v;
  }

  private SwitchView buildView() {
    Map<Long, PortInfo> snapshot = Map.copyOf(ports);
    Map<String, PortInfo> byName = new java.util.HashMap<>();
    snapshot.values().forEach(p -> byName.put(p.name(), p));
    String n = name;
    boolean multi = pipeline.multiTable();
    String ver = versionText();
    return new SwitchView() {
      public long dpid() {
        return dpid;
      }

      public String name() {
        return n;
      }

      public String openFlowVersion() {
        return ver;
      }

      public boolean multiTable() {
        return multi;
      }

      public Collection<PortInfo> ports() {
        return snapshot.values();
      }

      public Optional<PortInfo> port(String portName) {
        return Optional.ofNullable(byName.get(portName));
      }

      public Optional<PortInfo> port(long number) {
        return Optional.ofNullable(snapshot.get(number));
      }

      @Override
      public String toString() {
        return n + " (" + dpidText + ")";
      }
    };
  }

  // ---- sending

  public long nextXid() {
    return xids.incrementAndGet() & 0xffffffffL;
  }

  /** Queues a message and flushes it, unless the worker is handling a batch (then the batch's end flushes). */
  public void send(OFMessage m) {
    write(m);
    if (Thread.currentThread() != batchThread) {
      flush();
    }
  }

  /** Encodes a message into the outbox; {@link #flush} sends it. A message too large for OpenFlow is refused. */
  public void write(OFMessage m) {
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

  /** A message longer than the 16-bit length field can say is released and refused, never sent wrapped. */
  private static void checkFits(ByteBuf buf, int length, String what) {
    if (length > MAX_MESSAGE) {
      buf.release();
      throw new MessageTooLargeException(what + " of " + length + " bytes does not fit OpenFlow's 16-bit length"
          + " (at most " + MAX_MESSAGE + ")");
    }
  }

  private void enqueue(ByteBuf buf) {
    if (closed) {
      buf.release();
      return;
    }
    long queued = outboxBytes.addAndGet(buf.readableBytes());
    outbox.add(buf);
    var ob = channel.unsafe().outboundBuffer();
    long total = queued + (ob == null ? 0 : ob.totalPendingWriteBytes());
    if (total > limits.maxOutboundBytes()) {
      listener.limitHit(this, "outbound", "the switch does not read: " + total + " bytes queued for it (limit "
          + limits.maxOutboundBytes() + ", openflow.limits.max-outbound-bytes)");
      close("it does not read what the controller sends");
    }
  }

  /** Hands the outbox to the event loop, which writes it and flushes once. */
  public void flush() {
    if (!outbox.isEmpty() && writeScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::writeOutbox);
    }
  }

  /** On the event loop. */
  private void writeOutbox() {
    writeScheduled.set(false);
    ByteBuf b;
    boolean wrote = false;
    while ((b = outbox.poll()) != null) {
      outboxBytes.addAndGet(-b.readableBytes());
      if (closed || !channel.isActive()) {
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

  private void releaseOutbox() {
    ByteBuf b;
    while ((b = outbox.poll()) != null) {
      outboxBytes.addAndGet(-b.readableBytes());
      b.release();
    }
  }

  /** Sends a request and collects its reply (all parts of a multipart reply). */
  public CompletableFuture<List<OFMessage>> request(OFMessage m) {
    Pending p = new Pending();
    pending.put(m.getXid(), p);
    p.future.orTimeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .whenComplete((r, e) -> pending.remove(m.getXid()));
    send(m);
    return p.future;
  }

  /** The answer to a role request: this connection's role now, and the switch's generation id (-1: none, OF1.0). */
  public record RoleReply(OFControllerRole role, long generationId) {}

  /**
   * Sends OFPT_ROLE_REQUEST and completes with the switch's answer. The future fails with
   * {@link OpenFlowErrorException} when the switch refuses, e.g. OFPRRFC_STALE for a generation id older than the
   * newest it has seen. OpenFlow 1.0 uses the Nicira role request, which has no generation id (no fencing) and no
   * NOCHANGE (answered locally with the last known role).
   */
  public CompletableFuture<RoleReply> requestRole(OFControllerRole wanted, long generationId) {
    if (factory.getVersion() == OFVersion.OF_10) {
      if (wanted == OFControllerRole.ROLE_NOCHANGE) {
        return CompletableFuture.completedFuture(new RoleReply(roleOf(role), -1));
      }
      OFNiciraControllerRole nx = wanted == OFControllerRole.ROLE_MASTER ? OFNiciraControllerRole.ROLE_MASTER
          : wanted == OFControllerRole.ROLE_SLAVE ? OFNiciraControllerRole.ROLE_SLAVE
          : OFNiciraControllerRole.ROLE_OTHER;
      return request(factory.buildNiciraControllerRoleRequest().setXid(nextXid()).setRole(nx).build())
          .thenApply(parts -> {
            if (!(parts.get(0) instanceof OFNiciraControllerRoleReply r)) {
              throw new IllegalStateException("expected a role reply, got " + parts.get(0).getType());
            }
            OFControllerRole got = r.getRole() == OFNiciraControllerRole.ROLE_MASTER ? OFControllerRole.ROLE_MASTER
                : r.getRole() == OFNiciraControllerRole.ROLE_SLAVE ? OFControllerRole.ROLE_SLAVE
                : OFControllerRole.ROLE_EQUAL;
            return roleReplied(new RoleReply(got, -1));
          });
    }
    return request(factory.buildRoleRequest().setXid(nextXid()).setRole(wanted)
        .setGenerationId(U64.of(generationId)).build())
        .thenApply(parts -> {
          if (!(parts.get(0) instanceof OFRoleReply r)) {
            throw new IllegalStateException("expected a role reply, got " + parts.get(0).getType());
          }
          return roleReplied(new RoleReply(r.getRole(), r.getGenerationId().getValue()));
        });
  }

  private RoleReply roleReplied(RoleReply r) {
    role = switch (r.role()) {
      case ROLE_MASTER -> "master";
      case ROLE_SLAVE -> "slave";
      default -> "equal";
    };
    return r;
  }

  private static OFControllerRole roleOf(String text) {
    return switch (text) {
      case "master" -> OFControllerRole.ROLE_MASTER;
      case "slave" -> OFControllerRole.ROLE_SLAVE;
      default -> OFControllerRole.ROLE_EQUAL;
    };
  }

  /**
   * Called from the channel for every message, with its length on the wire: true when it answered a pending
   * request. A multipart reply is bounded in parts and bytes; a switch that streams past either is disconnected.
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
        listener.limitHit(this, "multipart", why);
        close("it streamed an endless multipart reply");
      }
      return true;
    }
    p.future.complete(List.copyOf(p.parts));
    return true;
  }

  boolean reply(OFMessage m) {
    return reply(m, 0);
  }

  /** A reply that could not be parsed fails its request at once, rather than at the timeout. */
  void failRequest(long xid, String why) {
    Pending p = pending.get(xid);
    if (p != null) {
      p.future.completeExceptionally(new IllegalStateException(why));
    }
  }

  /** The entry a failed flow-mod (by xid) was about, or null. */
  public FlowKey inflight(long xid) {
    return inflight.get(xid);
  }

  // ---- FlowProgrammer.Channel

  @Override
  public void apply(List<FlowOp> ops) {
    boolean bundle = ops.size() > 1 && factory.getVersion().compareTo(OFVersion.OF_14) >= 0;
    BundleId bundleId = BundleId.of(bundleIds.getAndIncrement());
    var flags = EnumSet.of(OFBundleFlags.ATOMIC, OFBundleFlags.ORDERED);
    if (bundle) {
      write(factory.buildBundleCtrlMsg().setXid(nextXid()).setBundleId(bundleId)
          .setBundleCtrlType(OFBundleCtrlType.OPEN_REQUEST).setFlags(flags).setProperties(List.of()).build());
    }
    for (FlowOp op : ops) {
      OFFlowMod fm;
      if (op instanceof FlowOp.Add a) {
        fm = translator.add(a.flow());
      } else if (op instanceof FlowOp.Modify m) {
        fm = translator.modify(m.flow());
      } else {
        fm = translator.delete(op.key());
      }
      long xid = nextXid();
      fm = fm.createBuilder().setXid(xid).build();
      inflight.put(xid, op.key());
      try {
        if (bundle) {
          writeBundleAdd(xid, bundleId.getInt(), fm);
        } else {
          write(fm);
        }
      } catch (MessageTooLargeException e) {
        inflight.remove(xid);
        refused(op, e.getMessage());
      }
    }
    if (bundle) {
      write(factory.buildBundleCtrlMsg().setXid(nextXid()).setBundleId(bundleId)
          .setBundleCtrlType(OFBundleCtrlType.COMMIT_REQUEST).setFlags(flags).setProperties(List.of()).build());
    }
    flush();
    barrier();
  }

  /** Entries refused as too large, each logged once while this connection lasts. */
  private final java.util.Set<FlowKey> refusedKeys = ConcurrentHashMap.newKeySet();

  /** A flow that cannot be sent is refused with an error naming it; the programmer treats it as failed. */
  private void refused(FlowOp op, String why) {
    if (refusedKeys.size() < 10_000 && refusedKeys.add(op.key())) {
      log.error("switch {}: refusing to send the flow {}: {}", dpidText, op instanceof FlowOp.Add a ? a.flow()
          : op instanceof FlowOp.Modify m ? m.flow() : op.key(), why);
    }
    listener.limitHit(this, "message_size", why);
    FlowProgrammer p = programmer;
    if (p != null) {
      p.flowFailed(op.key());
    }
  }

  /**
   * Closes what was sent with a barrier, unless one is already on its way: reactive updates then share the next
   * one instead of each waiting for its own. When it returns, every flow-mod sent before it is settled.
   */
  private void barrier() {
    if (!barrierPending.compareAndSet(false, true)) {
      return;
    }
    long xid = nextXid();
    request(factory.buildBarrierRequest().setXid(xid).build()).whenComplete((r, e) -> {
      inflight.headMap(xid).clear();
      barrierPending.set(false);
      if (!inflight.isEmpty() && isOpen()) {
        barrier();
      }
    });
  }

  /**
   * OFPT_BUNDLE_ADD_MESSAGE, encoded here: openflowj 3.2.1 writes the 1.5 form with a one-byte flags field (a
   * malformed message OVS rejects). The layout is the same in 1.4 and 1.5: header, bundle_id, pad(2),
   * flags(2), the inner message; flow-mods are multiples of 8 bytes, so no padding follows.
   */
  private void writeBundleAdd(long xid, int bundleId, OFMessage inner) {
    io.netty.buffer.ByteBuf buf = channel.alloc().buffer(128);
    int start = buf.writerIndex();
    buf.writeByte(factory.getVersion().getWireVersion());
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

  @Override
  public CompletableFuture<List<InstalledFlow>> readFlows() {
    var b = factory.buildFlowStatsRequest().setXid(nextXid()).setMatch(factory.buildMatch().build())
        .setOutPort(OFPort.ANY).setTableId(TableId.ALL);
    if (factory.getVersion() != OFVersion.OF_10) {
      b.setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO);
    }
    return request(b.build()).thenApply(parts -> {
      List<InstalledFlow> flows = new ArrayList<>();
      for (OFMessage m : parts) {
        if (m instanceof OFFlowStatsReply r) {
          r.getEntries().forEach(e -> flows.add(translator.fromStats(e)));
        }
      }
      return flows;
    });
  }

  @Override
  public String toString() {
    return name + " (" + dpidText + ")";
  }
}
