package io.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.projectfloodlight.openflow.protocol.OFBundleAddMsg;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlMsg;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFStatsType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;

/**
 * One emulated switch on one TCP connection: does the switch's side of the handshake as Open vSwitch does,
 * answers what a controller asks on connect (features, port descriptions, an empty flow table, barriers), then,
 * when the driver says so, sends packet-ins — a window of them in flight — and counts the answers that refer to
 * them. Everything runs on the channel's event loop and nothing blocks; the driver reads the counters.
 *
 * <p>Longer than the ~400 lines a class gets here, on purpose: it is a test peer whose state (phase, window,
 * in-flight packet-ins, the rules the controller installed) is touched by every message it reads and every
 * packet-in it writes, all on one event loop. The parts that stand alone already live apart ({@link SwitchReplies}
 * answers the handshake and stats, {@link PacketInEncoder} builds the frames, {@link Outstanding} times the
 * window, {@link SwitchCounters} and {@link LatencyHistogram} count); splitting the rest would spread that
 * single-threaded state across objects that must then share it.
 */
public final class EmulatedSwitch extends ChannelInboundHandlerAdapter {
  private static final OFMessageReader<OFMessage> READER = OFFactories.getGenericReader();
  private static final long EXPIRY_PERIOD_MS = 100;
  /** Unwindowed: at most this many packet-ins per fill (the channel's high-water mark stops it sooner). */
  private static final int BURST = 2048;
  /** The window used while announcing hosts, also when the test itself is unwindowed. */
  private static final int LEARN_WINDOW = 100;

  /** What the switch is sending. */
  enum Phase { IDLE, LEARN, TEST, STOPPED }

  private final int index;
  private final long dpid;
  private final Hosts hosts;
  private final OFFactory factory;
  private final int window;
  private final boolean unwindowed;
  private final boolean buffered;
  private final long timeoutNanos;
  private final SwitchReplies replies;
  private final PacketInEncoder encoder;
  private final SwitchCounters counters = new SwitchCounters();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final Outstanding outstanding;

  // read by the driver
  private volatile long connectedAt;
  private volatile long featuresAt;
  private volatile long programmedAt;
  private volatile boolean learned;
  private volatile boolean measuring;
  private volatile String failure;

  // event loop only
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> expiry;
  private Phase phase = Phase.IDLE;
  private int learnNext;
  private long testNext;
  private boolean helloSeen;
  private boolean needFlush;
  /** The controller sent a packet-out carrying one of our frames: it answers packet-ins that way. */
  private boolean answersWithPacketOuts;

  public EmulatedSwitch(int index, BenchOptions opts) {
    this.index = index;
    this.dpid = 0x5342_0000_0000L + index + 1;
    this.hosts = new Hosts(index, opts.macs(), opts.destinations());
    this.factory = OFFactories.getFactory(opts.version());
    this.unwindowed = opts.unwindowed();
    this.window = unwindowed ? LEARN_WINDOW : opts.window();
    this.buffered = opts.buffered();
    this.timeoutNanos = opts.timeout().toNanos();
    this.replies = new SwitchReplies(factory, dpid, String.format("bench%05d", index), hosts, buffered);
    this.encoder = new PacketInEncoder(factory, hosts.ports());
    this.outstanding = new Outstanding(Math.max(1024, 16 * window), opts.macs());
  }

  public int index() {
    return index;
  }

  public long dpid() {
    return dpid;
  }

  public SwitchCounters counters() {
    return counters;
  }

  /** Read only after {@link #setMeasuring(boolean) measuring} stopped and the event loop was passed through. */
  public LatencyHistogram latency() {
    return latency;
  }

  /** nanoTime when the TCP connection was up, or 0. */
  public long connectedAt() {
    return connectedAt;
  }

  /** nanoTime when the switch answered FEATURES_REQUEST, or 0. */
  public long featuresAt() {
    return featuresAt;
  }

  /**
   * nanoTime when the controller started programming the switch (its first flow-mod, flow-stats request, barrier
   * or bundle after the features reply), or 0.
   */
  public long programmedAt() {
    return programmedAt;
  }

  /** Every host was announced and every announcement answered or timed out. */
  public boolean learned() {
    return learned;
  }

  /** Why the connection failed (version mismatch, closed by the controller), or null. */
  public String failure() {
    return failure;
  }

  public PacketInRule packetInRule() {
    return encoder.rule();
  }

  // ---- driver commands (thread-safe: they hop onto the event loop)

  public void startLearning() {
    onLoop(() -> {
      phase = Phase.LEARN;
      fillAndFlush();
    });
  }

  public void startTest() {
    onLoop(() -> {
      counters.lost += outstanding.clear();
      phase = Phase.TEST;
      fillAndFlush();
    });
  }

  public void stop() {
    onLoop(() -> phase = Phase.STOPPED);
  }

  /** Whether round trips go into the latency histogram. */
  public void setMeasuring(boolean on) {
    measuring = on;
  }

  private void onLoop(Runnable r) {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.executor().execute(r);
    }
  }

  // ---- channel

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    connectedAt = System.nanoTime();
    OFHello hello;
    if (factory.getVersion() == OFVersion.OF_10) {
      hello = factory.buildHello().setXid(1).build();
    } else {
      long bitmap = 1L << factory.getVersion().getWireVersion();
      hello = factory.buildHello().setXid(1)
          .setElements(List.of(factory.helloElemVersionbitmap(List.of(U32.of(bitmap))))).build();
    }
    ctx.writeAndFlush(hello, ctx.voidPromise());
    expiry = ctx.executor().scheduleAtFixedRate(this::expire, EXPIRY_PERIOD_MS, EXPIRY_PERIOD_MS,
        TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (expiry != null) {
      expiry.cancel(false);
    }
    if (phase != Phase.STOPPED && failure == null) {
      failure = "the controller closed the connection";
    }
    phase = Phase.STOPPED;
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause.toString();
    }
    ctx.close();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      if (unwindowed && phase == Phase.TEST) {
        // not from inside the flush that made us writable: reads (the answers) come first
        ctx.executor().execute(this::fillAndFlush);
      } else {
        fillAndFlush();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      long now = System.nanoTime();
      int type = frame.getUnsignedByte(frame.readerIndex() + 1);
      if (helloSeen && type == Responses.OFPT_PACKET_OUT) {
        onPacketOut(frame, now);
      } else if (type == Responses.OFPT_FLOW_MOD && unwindowed && phase == Phase.TEST
          && factory.getVersion() == OFVersion.OF_10) {
        countFlowMod(frame);
      } else if (type == Responses.OFPT_FLOW_MOD && phase == Phase.TEST && factory.getVersion() == OFVersion.OF_10
          && answerFlowModInPlace(frame, now)) {
        // a buffered answer in the windowed modes, read in place like the packet-outs
      } else {
        OFMessage m;
        try {
          m = READER.readFrom(frame);
        } catch (Exception | AssertionError e) {
          m = null;
        }
        if (m != null) {
          onMessage(m, now);
        }
      }
    } finally {
      frame.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unwindowed && phase == Phase.TEST) {
      fill();
    }
    if (needFlush) {
      needFlush = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  // ---- the controller's messages

  private void onMessage(OFMessage m, long now) {
    switch (m.getType()) {
      case HELLO -> onHello((OFHello) m);
      case ECHO_REQUEST -> send(replies.echo(m.getXid(), ((OFEchoRequest) m).getData()));
      case FEATURES_REQUEST -> {
        send(replies.features(m.getXid()));
        if (featuresAt == 0) {
          featuresAt = System.nanoTime();
        }
      }
      case GET_CONFIG_REQUEST -> send(replies.getConfig(m.getXid(), 0xffff));
      case BARRIER_REQUEST -> {
        programmed();
        send(replies.barrier(m.getXid()));
      }
      case STATS_REQUEST -> {
        OFStatsRequest<?> req = (OFStatsRequest<?>) m;
        if (req.getStatsType() == OFStatsType.FLOW) {
          programmed();
        }
        send(replies.stats(req));
      }
      case ROLE_REQUEST -> send(replies.role((OFRoleRequest) m));
      case FLOW_MOD -> {
        programmed();
        onFlowMod((OFFlowMod) m, now);
      }
      case BUNDLE_CONTROL -> {
        programmed();
        OFMessage reply = replies.bundle((OFBundleCtrlMsg) m);
        if (reply != null) {
          send(reply);
        }
      }
      case BUNDLE_ADD_MESSAGE -> {
        programmed();
        if (((OFBundleAddMsg) m).getData() instanceof OFFlowMod fm) {
          onFlowMod(fm, now);
        }
      }
      case ERROR -> onError((OFErrorMsg) m);
      default -> { }  // SET_CONFIG, ECHO_REPLY, SET_ASYNC and the like need no answer
    }
  }

  private void onHello(OFHello hello) {
    helloSeen = true;
    OFVersion ours = factory.getVersion();
    boolean ok;
    long bitmap = 0;
    if (hello.getVersion() != OFVersion.OF_10) {
      for (OFHelloElem e : hello.getElements()) {
        if (e instanceof OFHelloElemVersionbitmap bm && !bm.getBitmaps().isEmpty()) {
          bitmap = bm.getBitmaps().get(0).getValue();
        }
      }
    }
    if (bitmap != 0) {
      ok = (bitmap & (1L << ours.getWireVersion())) != 0;
    } else {
      ok = hello.getVersion().getWireVersion() >= ours.getWireVersion();
    }
    if (!ok) {
      failure = "the controller does not speak OpenFlow " + versionText(ours) + " (its HELLO: version "
          + versionText(hello.getVersion()) + (bitmap != 0 ? ", bitmap 0x" + Long.toHexString(bitmap) : "") + ")";
      ctx.writeAndFlush(factory.errorMsgs().buildHelloFailedErrorMsg().setXid(hello.getXid())
          .setCode(OFHelloFailedCode.INCOMPATIBLE).build()).addListener(x -> ctx.close());
    }
  }

  private void onError(OFErrorMsg err) {
    counters.errors++;
    if (featuresAt == 0 && failure == null) {
      failure = "error during the handshake: " + err;
    }
  }

  private void programmed() {
    if (programmedAt == 0 && featuresAt != 0) {
      programmedAt = System.nanoTime();
    }
  }

  private void onPacketOut(ByteBuf m, long now) {
    if (unwindowed && phase == Phase.TEST) {
      if (!Responses.isLldp(m)) {
        counters.packetOuts++;
        counters.answered++;
      }
      return;
    }
    Responses.PacketOut po = Responses.packetOut(m);
    long seq = -1;
    if (po != null) {
      seq = po.bufferId() != Responses.NO_BUFFER ? (buffered ? po.bufferId() : -1) : po.tag();
    }
    if (seq < 0 || !outstanding.wasSent(seq)) {
      counters.bogus++;
      return;
    }
    counters.packetOuts++;
    answersWithPacketOuts = true;
    answered(outstanding.answer(seq, now));
  }

  /**
   * cbench's count of an OpenFlow 1.0 flow-mod, read in place as cbench does: an add or modify-strict is an
   * answer. openflowj's full parse cost the generator more than the controller spent writing the message.
   */
  private void countFlowMod(ByteBuf m) {
    int command = Responses.flowModCommand10(m);
    if (command == Responses.OFPFC_ADD || command == Responses.OFPFC_MODIFY_STRICT) {
      counters.flowMods++;
      counters.answered++;
    }
  }

  /**
   * An OpenFlow 1.0 flow-mod that releases one of our buffers answers the packet-in it was sent with; only its
   * command and buffer id are read, in place, so that a controller answering with flow-mods costs the generator no
   * more than one answering with packet-outs. Returns false, for the full parse, when the flow-mod has no buffer id
   * (it is then matched by the MACs it names) or is not an add or modify (a delete, or a command openflowj would
   * refuse).
   */
  private boolean answerFlowModInPlace(ByteBuf m, long now) {
    int command = Responses.flowModCommand10(m);
    long buffer = Responses.flowModBuffer10(m);
    if (command < Responses.OFPFC_ADD || command > Responses.OFPFC_MODIFY_STRICT || buffer == Responses.NO_BUFFER) {
      return false;
    }
    if (buffered && outstanding.wasSent(buffer)) {
      counters.flowMods++;
      answered(outstanding.answer(buffer, now));
    } else {
      counters.bogus++;
    }
    return true;
  }

  private void onFlowMod(OFFlowMod fm, long now) {
    OFFlowModCommand cmd = fm.getCommand();
    if (cmd == OFFlowModCommand.DELETE || cmd == OFFlowModCommand.DELETE_STRICT) {
      forgetRule(fm);
      return;
    }
    noteRule(fm);
    if (unwindowed && phase == Phase.TEST) {
      if (cmd == OFFlowModCommand.ADD || cmd == OFFlowModCommand.MODIFY_STRICT) {
        counters.flowMods++;
        counters.answered++;
      }
      return;
    }
    OFBufferId buffer = fm.getBufferId();
    if (buffer != null && !buffer.equals(OFBufferId.NO_BUFFER)) {
      long seq = buffer.getInt() & 0xffffffffL;
      if (buffered && outstanding.wasSent(seq)) {
        counters.flowMods++;
        answered(outstanding.answer(seq, now));
      } else {
        counters.bogus++;
      }
      return;
    }
    long src = Responses.mac(fm.getMatch(), MatchField.ETH_SRC);
    long dst = Responses.mac(fm.getMatch(), MatchField.ETH_DST);
    if (src < 0 && dst < 0) {
      return; // pipeline defaults, catch-alls: not about our packets
    }
    int srcHost = src < 0 ? -1 : hosts.hostOf(src);
    int dstHost = dst < 0 ? -1 : hosts.hostOf(dst);
    if ((src >= 0 && srcHost < 0 && src != Frames.BROADCAST) || (dst >= 0 && dstHost < 0 && dst != Frames.BROADCAST)) {
      counters.bogus++;   // names a MAC none of our hosts has
      return;
    }
    counters.flowMods++;
    // A flow-mod "from A" answers A's oldest open packet-in, unless this controller answers with packet-outs
    // (then those say exactly which packet-in they answer, and the flow-mods beside them answer nothing).
    if (srcHost >= 0 && !answersWithPacketOuts) {
      answered(outstanding.answerFromSource(srcHost, now));
    }
  }

  private void answered(long rtt) {
    if (rtt < 0) {
      return;
    }
    counters.answered++;
    if (measuring) {
      latency.record(rtt);
    }
    fill();
  }

  /** Remembers the controller's "send to controller" entry that our packets would hit (OpenFlow 1.3+). */
  private void noteRule(OFFlowMod fm) {
    if (fm.getVersion() == OFVersion.OF_10 || !Responses.outputsToController(fm)
        || !Responses.catchAll(fm.getMatch())) {
      return;
    }
    TableId t = fm.getTableId();
    int table = t == null ? 0 : t.getValue();
    boolean miss = fm.getPriority() == 0 && !fm.getMatch().getMatchFields().iterator().hasNext();
    PacketInRule r = new PacketInRule(table, fm.getPriority(), fm.getCookie().getValue(), miss);
    if (r.before(encoder.rule()) || (r.table() == encoder.rule().table()
        && r.priority() == encoder.rule().priority())) {
      encoder.rule(r);
    }
  }

  private void forgetRule(OFFlowMod fm) {
    PacketInRule r = encoder.rule();
    if (r == PacketInRule.NONE || fm.getVersion() == OFVersion.OF_10) {
      return;
    }
    TableId t = fm.getTableId();
    boolean tableHit = t == null || t.equals(TableId.ALL) || t.getValue() == r.table();
    boolean matchAll = !fm.getMatch().getMatchFields().iterator().hasNext();
    boolean strictHit = fm.getCommand() == OFFlowModCommand.DELETE_STRICT && fm.getPriority() == r.priority()
        && Responses.catchAll(fm.getMatch());
    if (tableHit && (fm.getCommand() == OFFlowModCommand.DELETE ? matchAll : strictHit)) {
      encoder.rule(PacketInRule.NONE);
    }
  }

  // ---- sending packet-ins

  private void expire() {
    int lost = outstanding.expire(System.nanoTime(), timeoutNanos);
    if (lost > 0) {
      counters.lost += lost;
    }
    fillAndFlush();
  }

  private void fillAndFlush() {
    if (fill()) {
      needFlush = false;
      ctx.flush();
    }
  }

  /** Sends packet-ins while the window has room; true when something was written. */
  private boolean fill() {
    if (ctx == null || featuresAt == 0 || (phase != Phase.LEARN && phase != Phase.TEST)) {
      return false;
    }
    if (unwindowed && phase == Phase.TEST) {
      return fillUnwindowed();
    }
    boolean wrote = false;
    while (outstanding.inFlight() < window && ctx.channel().isWritable()) {
      if (!sendOne()) {
        break;
      }
      wrote = true;
    }
    if (phase == Phase.LEARN && learnNext >= hosts.announced() && outstanding.inFlight() == 0) {
      learned = true;
    }
    needFlush |= wrote;
    return wrote;
  }

  /**
   * cbench's throughput mode: write while the channel takes more, so that the socket stays full (the controller
   * reading slower than we write is what stops us). Refilled when the channel becomes writable again, after every
   * read, and by the periodic timer; never by re-queueing itself, which would starve this event loop's reads.
   */
  private boolean fillUnwindowed() {
    boolean wrote = false;
    for (int i = 0; i < BURST && ctx.channel().isWritable(); i++) {
      sendUnwindowed();
      wrote = true;
    }
    needFlush |= wrote;
    return wrote;
  }

  private void sendUnwindowed() {
    long k = testNext++;
    int src = hosts.source(k);
    writePacketIn(src, hosts.destination(k), testKind(k), k & 0x7fff_ffffL);
  }

  private boolean sendOne() {
    Frames.Kind kind;
    int src;
    int dst;
    if (phase == Phase.LEARN) {
      if (learnNext >= hosts.announced()) {
        return false;
      }
      src = learnNext++;
      dst = src;
      kind = Frames.Kind.ARP_ANNOUNCE;
    } else {
      long k = testNext++;
      src = hosts.source(k);
      dst = hosts.destination(k);
      kind = testKind(k);
    }
    long seq = outstanding.peekNext();
    counters.lost += outstanding.sent(seq, src, System.nanoTime());
    writePacketIn(src, dst, kind, seq);
    return true;
  }

  /** Every fourth test packet is an ARP reply, the others UDP. */
  private static Frames.Kind testKind(long k) {
    return (k & 3) == 3 ? Frames.Kind.ARP_REPLY : Frames.Kind.IPV4_UDP;
  }

  /** One packet-in from host src to host dst, tagged (and, buffered, with the buffer id) seq. */
  private void writePacketIn(int src, int dst, Frames.Kind kind, long seq) {
    ByteBuf buf = encoder.start(ctx.alloc(), hosts.port(src), seq, buffered ? seq : Responses.NO_BUFFER);
    Frames.write(buf, kind, hosts.mac(src), hosts.ipv4(src), hosts.mac(dst), hosts.ipv4(dst), (int) seq);
    counters.packetIns++;
    ctx.write(buf, ctx.voidPromise());
  }

  /** Replies are only sent while reading, so channelReadComplete flushes them. */
  private void send(OFMessage m) {
    ctx.write(m, ctx.voidPromise());
    needFlush = true;
  }

  static String versionText(OFVersion v) {
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
}
