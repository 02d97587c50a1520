package io.switchboard.controller.openflow;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected bridge: its channel, identity and worker, and the receiving side. The rest has a class each:
 * {@link PortTable} (ports, name, the apps' view), {@link Outbox} (encoding and flushing what is sent),
 * {@link Requests} (replies matched by xid), {@link RoleRequests} (the controller role) and {@link FlowModSender}
 * (flow-mods in bundles, barriers, flow stats); this class keeps their public face.
 *
 * <p>Messages from the switch reach the worker through a bounded inbox ({@link SwitchReceiver}); the worker handles
 * them in batches. Messages to the switch are encoded on the calling thread into an outbox that one event-loop task
 * writes and flushes at a time, so a burst of answers costs one flush, not one each. Both directions are bounded by
 * {@link OpenFlowLimits}: a full inbox stops reading from the switch, an outbox the switch does not drain
 * disconnects it.
 */
public final class SwitchSession implements FlowProgrammer.Channel {
  private static final Logger log = LoggerFactory.getLogger(SwitchSession.class);
  /** The largest message the 16-bit length field can describe. */
  public static final int MAX_MESSAGE = Outbox.MAX_MESSAGE;

  private final Channel channel;
  private final OFFactory factory;
  private final long dpid;
  private final String dpidText;
  private final SerialExecutor worker;
  private final Pipeline pipeline;
  private final OFTranslator translator;
  private final Instant connectedAt = Instant.now();
  private final AtomicLong xids = new AtomicLong(0x1000);
  private final SwitchListener listener;
  private final OpenFlowLimits limits;
  private final Inbox inbox;
  private final PortTable ports;
  private final Outbox outbox;
  private final Requests requests;
  private final RoleRequests roles;
  private final FlowModSender flowMods;
  private final SwitchReceiver receiver;
  private volatile FlowProgrammer programmer;
  private volatile long echoRttNanos = -1;
  private volatile boolean closed;
  private volatile String peerCertificate;
  private volatile CompletableFuture<Void> probe;

  SwitchSession(Channel channel, OFFactory factory, long dpid, List<PortInfo> ports, SerialExecutor worker,
                SwitchListener listener) {
    this(channel, factory, dpid, ports, worker, listener, OpenFlowLimits.DEFAULTS, null);
  }

  SwitchSession(Channel channel, OFFactory factory, long dpid, List<PortInfo> ports, SerialExecutor worker,
                SwitchListener listener, OpenFlowLimits limits, Inbox.ReadControl reads) {
    this(channel, factory, dpid, ports, worker, listener, limits, InboundBudget.fixed(limits.inboundQueue()), reads);
  }

  /** {@code inbound}: the server's budget of read, unhandled messages, of which this switch's inbox gets a share. */
  SwitchSession(Channel channel, OFFactory factory, long dpid, List<PortInfo> ports, SerialExecutor worker,
                SwitchListener listener, OpenFlowLimits limits, InboundBudget inbound, Inbox.ReadControl reads) {
    this.limits = limits;
    this.inbox = new Inbox(inbound, reads != null ? reads : Inbox.ReadControl.NONE);
    this.channel = channel;
    this.factory = factory;
    this.dpid = dpid;
    this.dpidText = Values.dpid(dpid);
    this.worker = worker;
    this.listener = listener;
    this.pipeline = Pipeline.forVersion(factory.getVersion() != OFVersion.OF_10);
    this.translator = new OFTranslator(factory, pipeline);
    this.ports = new PortTable(dpid, dpidText, pipeline.multiTable(), versionText(factory.getVersion()), ports);
    this.outbox = new Outbox(channel, limits, listener, this::outboxOverflow);
    this.requests = new Requests(limits, this::multipartOverflow);
    this.roles = new RoleRequests(this, factory);
    this.flowMods = new FlowModSender(this, factory, outbox);
    this.receiver = new SwitchReceiver(this, channel, inbox, outbox, worker, listener);
  }

  private void outboxOverflow(long total) {
    listener.limitHit(this, "outbound", "the switch does not read: " + total + " bytes queued for it (limit "
        + limits.maxOutboundBytes() + ", openflow.limits.max-outbound-bytes)");
    close("it does not read what the controller sends");
  }

  private void multipartOverflow(String why) {
    listener.limitHit(this, "multipart", why);
    close("it streamed an endless multipart reply");
  }

  void limitHit(String limit, String why) {
    listener.limitHit(this, limit, why);
  }

  public long dpid() {
    return dpid;
  }

  public String dpidText() {
    return dpidText;
  }

  public String name() {
    return ports.name();
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
    return ports.ports();
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
    return roles.role();
  }

  public void role(String r) {
    roles.role(r);
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
  public synchronized CompletableFuture<Void> probe(Duration timeout) {
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
    outbox.shut();
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
    outbox.shut();
    channel.close();
  }

  /** Closed or closing: what the switch still says is not handled. */
  boolean closing() {
    return closed;
  }

  void markClosed() {
    closed = true;
    requests.failAll("switch disconnected");
    outbox.release();
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
    return outbox.bytes();
  }

  // ---- receiving

  /** Hands a message of the switch to its worker ({@link SwitchReceiver}): at once when it is idle, else queued. */
  void deliver(Object msg) {
    receiver.deliver(msg);
  }

  /** On the event loop, after each read batch: sends what the messages handled at once produced. */
  void readComplete() {
    receiver.readComplete();
  }

  /** Replaces the port list (ports from FEATURES or PORT_DESC). */
  public void setPorts(List<PortInfo> list) {
    ports.set(list);
  }

  public void portChanged(PortInfo p, boolean removed) {
    ports.changed(p, removed);
  }

  /** An immutable view for apps; the same instance until the ports or the name change. */
  public SwitchView view() {
    return ports.view();
  }

  // ---- sending

  public long nextXid() {
    return xids.incrementAndGet() & 0xffffffffL;
  }

  /** Queues a message and flushes it, unless the worker is handling a batch (then the batch's end flushes). */
  public void send(OFMessage m) {
    outbox.write(m);
    if (!receiver.inBatch()) {
      outbox.flush();
    }
  }

  /** Encodes a message into the outbox; {@link #flush} sends it. A message too large for OpenFlow is refused. */
  public void write(OFMessage m) {
    outbox.write(m);
  }

  /** Hands the outbox to the event loop, which writes it and flushes once. */
  public void flush() {
    outbox.flush();
  }

  /** Sends a request and collects its reply (all parts of a multipart reply). */
  public CompletableFuture<List<OFMessage>> request(OFMessage m) {
    CompletableFuture<List<OFMessage>> reply = requests.expect(m.getXid(), m.getType());
    send(m);
    return reply;
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
    return roles.request(wanted, generationId);
  }

  /**
   * Called from the channel for every message, with its length on the wire: true when it answered a pending
   * request. A multipart reply is bounded in parts and bytes; a switch that streams past either is disconnected.
   */
  boolean reply(OFMessage m, int wireLength) {
    return requests.reply(m, wireLength);
  }

  boolean reply(OFMessage m) {
    return reply(m, 0);
  }

  /**
   * A message of {@code wireType} that could not be parsed fails the request with its xid at once, rather than at
   * the timeout, when it is that request's reply (or an error).
   */
  void failRequest(long xid, int wireType, String why) {
    requests.fail(xid, wireType, factory.getVersion(), why);
  }

  /** The entry a failed flow-mod (by xid) was about, or null. */
  public FlowKey inflight(long xid) {
    return flowMods.inflight(xid);
  }

  // ---- FlowProgrammer.Channel

  @Override
  public void apply(List<FlowOp> ops) {
    flowMods.apply(ops);
  }

  /** Flow-mods carry a buffered packet on OpenFlow 1.0-1.3, and on 1.4+ outside a bundle (one op). */
  @Override
  public boolean carriesBuffer(int ops) {
    return ops == 1 || factory.getVersion().compareTo(OFVersion.OF_14) < 0;
  }

  @Override
  public CompletableFuture<List<InstalledFlow>> readFlows() {
    return flowMods.readFlows();
  }

  @Override
  public String toString() {
    return name() + " (" + dpidText + ")";
  }
}
