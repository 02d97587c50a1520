package io.switchboard.controller.openflow;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.switchboard.config.OpenFlowLimits;
import io.switchboard.controller.core.SerialExecutor;
import io.switchboard.controller.core.Workers;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake (HELLO with version bitmap, FEATURES, SET_CONFIG, PORT_DESC), keepalive, and hand-off of every
 * later message to the switch's worker. Runs on the Netty event loop: nothing here blocks.
 */
public final class SwitchChannelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SwitchChannelHandler.class);
  /** Every version the handshake can negotiate. */
  public static final List<OFVersion> ALL = List.of(OFVersion.OF_15, OFVersion.OF_14, OFVersion.OF_13,
      OFVersion.OF_10);
  /**
   * The versions offered by default, highest first: 1.5 only with {@code -Dswitchboard.openflow15=true}.
   * openflowj 3.2.1 falls short on OpenFlow 1.5 in four places. Three are worked around here: its bundle-add
   * encoding (written by {@link SwitchSession}), OVS's OXS flow statistics and flow-removed messages (rewritten to
   * 1.4's layout by {@link Of15FlowStats}), and OVS's 1.5 bundle errors (matched to their flow-mod by xid). The
   * fourth is not: OVS accepts Nicira's reg_move only up to 1.4 and wants 1.5's copy_field, which openflowj cannot
   * encode as an action, so the overlay's ARP and ICMP responders need 1.4.
   */
  public static final List<OFVersion> SUPPORTED = Boolean.getBoolean("switchboard.openflow15") ? ALL
      : List.of(OFVersion.OF_14, OFVersion.OF_13, OFVersion.OF_10);

  private enum State { WAIT_HELLO, WAIT_FEATURES, WAIT_PORT_DESC, ACTIVE }

  /**
   * The keepalive: after an echo interval in which the switch sent nothing, an echo request; after this many silent
   * intervals, the connection is closed. Only what is read counts (as in OVS's own probes, which disconnect after
   * one unanswered probe), so the write path carries no timekeeping. Intervals in which the controller itself has
   * stopped reading from the switch do not count.
   */
  static final int SILENT_INTERVALS = 3;

  private final SwitchListener listener;
  private final Workers workers;
  private final List<OFVersion> offered;
  private final OpenFlowLimits limits;
  private final InboundBudget inbound;
  private OFMessageDecoder decoder;
  private ChannelHandlerContext ctx;
  private State state = State.WAIT_HELLO;
  private OFFactory factory;
  private OFFeaturesReply features;
  private final List<PortInfo> portDescs = new ArrayList<>();
  private SwitchSession session;
  private ScheduledFuture<?> handshakeTimer;
  private long echoSentAt;
  private long echoXid = -1;
  /** Echo intervals in a row the switch has sent nothing in (the keepalive's reader-idle events). */
  private int silentIntervals;

  public SwitchChannelHandler(SwitchListener listener, Executor pool) {
    this(listener, pool, SUPPORTED);
  }

  /** {@code offered}: the versions to offer (tests and the bench use fewer). */
  public SwitchChannelHandler(SwitchListener listener, Executor pool, List<OFVersion> offered) {
    this(listener, pool, offered, OpenFlowLimits.DEFAULTS);
  }

  public SwitchChannelHandler(SwitchListener listener, Executor pool, List<OFVersion> offered,
                              OpenFlowLimits limits) {
    this(listener, new Workers(pool), offered, limits);
  }

  /** {@code workers}: the bridges' workers, one per dpid, shared by every connection of the server. */
  public SwitchChannelHandler(SwitchListener listener, Workers workers, List<OFVersion> offered,
                              OpenFlowLimits limits) {
    this(listener, workers, offered, limits, InboundBudget.fixed(limits.inboundQueue()));
  }

  /** {@code inbound}: the server's budget of read, unhandled messages, shared out among its switches. */
  public SwitchChannelHandler(SwitchListener listener, Workers workers, List<OFVersion> offered,
                              OpenFlowLimits limits, InboundBudget inbound) {
    this.listener = listener;
    this.workers = workers;
    this.offered = offered;
    this.limits = limits;
    this.inbound = inbound;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.decoder = ctx.pipeline().get(OFMessageDecoder.class);
  }

  public SwitchSession session() {
    return session;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    OFHello hello = VersionNegotiation.hello(offered);
    ctx.writeAndFlush(hello);
    long timeoutMs = limits.handshakeTimeout().toMillis();
    handshakeTimer = ctx.executor().schedule(() -> {
      if (state != State.ACTIVE) {
        log.warn("{}: no handshake within {} ms, closing", ctx.channel().remoteAddress(), timeoutMs);
        listener.connectionRefused("handshake_timeout", String.valueOf(ctx.channel().remoteAddress()));
        ctx.close();
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object obj) {
    if (obj instanceof Undecodable u) {
      onUndecodable(ctx, u);
      return;
    }
    OFMessage m = (OFMessage) obj;
    listener.counted(true, m.getType().name());
    if (m.getType() == OFType.ECHO_REQUEST) {
      OFEchoRequest req = (OFEchoRequest) m;
      OFFactory f = factory != null ? factory : OFFactories.getFactory(m.getVersion());
      ctx.writeAndFlush(f.buildEchoReply().setXid(req.getXid()).setData(req.getData()).build());
      return;
    }
    if (m.getType() == OFType.ECHO_REPLY) {
      if (session != null && ((OFEchoReply) m).getXid() == echoXid) {
        session.echoRtt(System.nanoTime() - echoSentAt);
      }
      if (session != null) {
        session.reply(m); // answers SwitchSession#probe
      }
      return;
    }
    switch (state) {
      case WAIT_HELLO -> onHello(ctx, m);
      case WAIT_FEATURES -> onFeatures(ctx, m);
      case WAIT_PORT_DESC -> onPortDesc(ctx, m);
      case ACTIVE -> {
        if (session == null) {
          return; // refused, closing
        }
        if (!session.reply(m, decoder == null ? 0 : decoder.lastLength()) || m instanceof OFErrorMsg) {
          session.deliver(m);
        }
      }
    }
  }

  private void onHello(ChannelHandlerContext ctx, OFMessage m) {
    if (!(m instanceof OFHello hello)) {
      log.warn("{}: expected HELLO, got {}; closing", ctx.channel().remoteAddress(), m.getType());
      ctx.close();
      return;
    }
    OFVersion v = VersionNegotiation.negotiate(hello, offered);
    if (v == null) {
      OFFactory f = OFFactories.getFactory(offered.get(offered.size() - 1));
      log.warn("{}: no common OpenFlow version (switch offers {}), closing", ctx.channel().remoteAddress(),
          hello.getVersion());
      ctx.writeAndFlush(f.errorMsgs().buildHelloFailedErrorMsg().setXid(hello.getXid())
          .setCode(OFHelloFailedCode.INCOMPATIBLE).build()).addListener(x -> ctx.close());
      return;
    }
    factory = OFFactories.getFactory(v);
    state = State.WAIT_FEATURES;
    ctx.writeAndFlush(factory.buildFeaturesRequest().setXid(2).build());
  }

  private void onFeatures(ChannelHandlerContext ctx, OFMessage m) {
    if (!(m instanceof OFFeaturesReply fr)) {
      log.debug("{}: ignoring {} during handshake", ctx.channel().remoteAddress(), m.getType());
      return;
    }
    features = fr;
    ctx.write(factory.buildSetConfig().setXid(3).setMissSendLen(0xffff).build());
    if (factory.getVersion() == OFVersion.OF_10) {
      fr.getPorts().forEach(p -> portDescs.add(port(p)));
      ctx.flush();
      up(ctx);
    } else {
      state = State.WAIT_PORT_DESC;
      ctx.writeAndFlush(factory.buildPortDescStatsRequest().setXid(4).build());
    }
  }

  private void onPortDesc(ChannelHandlerContext ctx, OFMessage m) {
    if (!(m instanceof OFPortDescStatsReply r)) {
      log.debug("{}: ignoring {} during handshake", ctx.channel().remoteAddress(), m.getType());
      return;
    }
    r.getEntries().forEach(p -> portDescs.add(port(p)));
    if (!r.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
      up(ctx);
    }
  }

  private void up(ChannelHandlerContext ctx) {
    state = State.ACTIVE;
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    long dpid = features.getDatapathId().getLong();
    SerialExecutor worker = workers.acquire(dpid, "switch " + Values.dpid(dpid), ctx.channel().eventLoop());
    SwitchSession candidate;
    try {
      candidate = new SwitchSession(ctx.channel(), factory, dpid, portDescs, worker, listener, limits, inbound,
          new Reads());
      candidate.peerCertificate(OpenFlowTls.peerFingerprint(ctx.channel()));
      if (listener.refusal(candidate) != null) {
        workers.release(dpid);
        ctx.close(); // the listener logged why, once per source per interval
        return;
      }
    } catch (RuntimeException e) {
      workers.release(dpid); // the worker lives only as long as a session of its dpid
      throw e;
    }
    session = candidate;
    inbound.join(); // left in channelInactive: a session is set here only
    ctx.pipeline().fireUserEventTriggered(HandshakeDone.INSTANCE);
    log.info("switch {} ({}) connected from {}: OpenFlow {}, {} ports", session.dpidText(), session.name(),
        session.remoteAddress(), session.versionText(), session.ports().size());
    session.worker().execute(() -> listener.switchUp(session));
  }

  public static PortInfo port(OFPortDesc p) {
    boolean up = !p.getConfig().contains(OFPortConfig.PORT_DOWN) && !p.getState().contains(OFPortState.LINK_DOWN);
    return new PortInfo(p.getPortNo().getPortNumber() & 0xffffffffL, p.getName(), p.getHwAddr().getLong(), up);
  }

  private void onUndecodable(ChannelHandlerContext ctx, Undecodable u) {
    String who = session != null ? "switch " + session.dpidText() : String.valueOf(ctx.channel().remoteAddress());
    log.warn("{}: skipped a message it could not parse (version {}, type {}, xid {}): {}", who, u.version(),
        u.type(), u.xid(), u.reason());
    listener.counted(true, "UNDECODABLE");
    if (session != null) {
      session.failRequest(u.xid(), u.type(), "the switch's reply could not be parsed: " + u.reason());
      session.deliver(u);
    }
    // An unknown message type is answered as the spec says; replies and known types are just skipped.
    if (factory != null && !VersionNegotiation.isKnownType(factory.getVersion(), u.type())) {
      ctx.writeAndFlush(factory.errorMsgs().buildBadRequestErrorMsg().setXid(u.xid())
          .setCode(OFBadRequestCode.BAD_TYPE)
          .setData(org.projectfloodlight.openflow.types.OFErrorCauseData.of(u.head(), factory.getVersion()))
          .build());
    }
  }

  /** Fired down the whole pipeline when a connection has become a switch (the connection limiter listens). */
  public enum HandshakeDone { INSTANCE }

  /** Reading from the channel stops while the inbox is full or the switch does not take what we write. */
  private final class Reads implements Inbox.ReadControl {
    @Override
    public void pause() {
      updateAutoRead();
    }

    @Override
    public void resume() {
      ctx.channel().eventLoop().execute(SwitchChannelHandler.this::updateAutoRead);
    }
  }

  /** On the event loop. */
  private void updateAutoRead() {
    boolean inboxFull = session != null && session.inboxPaused();
    boolean read = !inboxFull && ctx.channel().isWritable();
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read);
      if (!read && session != null) {
        listener.limitHit(session, inboxFull ? "inbound" : "writability", inboxFull
            ? "the worker is " + inbound.describe() + ": reading paused until it catches up"
            : "the switch is not taking what the controller writes: reading paused until it does");
      }
    }
  }

  private ScheduledFuture<?> stallTimer;

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateAutoRead();
    if (!ctx.channel().isWritable() && stallTimer == null) {
      long ms = limits.writeStallTimeout().toMillis();
      stallTimer = ctx.executor().schedule(() -> {
        stallTimer = null;
        if (!ctx.channel().isWritable() && ctx.channel().isActive() && session != null) {
          listener.limitHit(session, "outbound", "the switch has stayed behind what the controller writes for " + ms
              + " ms (openflow.limits.write-stall-timeout)");
          session.close("it does not read what the controller sends");
        }
      }, ms, TimeUnit.MILLISECONDS);
    } else if (ctx.channel().isWritable() && stallTimer != null) {
      stallTimer.cancel(false);
      stallTimer = null;
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent e) {
      if (e.state() != IdleState.READER_IDLE) {
        return;
      }
      if (!ctx.channel().config().isAutoRead()) {
        // the controller stopped reading, not the switch: its inbox is full (the switch sent more than the worker
        // has handled, proof enough of life) or it does not take what is written (the write-stall timeout's case)
        silentIntervals = 0;
        return;
      }
      silentIntervals = e.isFirst() ? 1 : silentIntervals + 1;
      if (silentIntervals >= SILENT_INTERVALS) {
        log.warn("{}: silent for {} echo intervals, disconnecting",
            session != null ? "switch " + session.dpidText() : ctx.channel().remoteAddress(), SILENT_INTERVALS);
        ctx.close();
      } else if (factory != null) {
        echoXid = session != null ? session.nextXid() : 5;
        echoSentAt = System.nanoTime();
        ctx.writeAndFlush(factory.buildEchoRequest().setXid(echoXid).setData(new byte[0]).build());
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ctx.channel().isActive()) {
      log.debug("{}: after close: {}", ctx.channel().remoteAddress(), cause.toString());
      return; // a write that raced with the close: the close was logged already
    }
    log.warn("{}: {}; closing the connection",
        session != null ? "switch " + session.dpidText() : ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (session != null) {
      session.readComplete();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    if (session != null) {
      inbound.leave();
      session.markClosed();
      SwitchSession s = session;
      s.worker().execute(() -> {
        try {
          listener.switchDown(s);
        } finally {
          workers.release(s.dpid()); // after switch down: a new connection of the dpid queues behind it
        }
      });
    }
    ctx.fireChannelInactive();
  }
}
