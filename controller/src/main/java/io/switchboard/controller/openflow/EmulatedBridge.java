package io.switchboard.controller.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

/**
 * An emulated Open vSwitch bridge speaking OpenFlow 1.3 to one or more controllers (one connection each, as
 * {@code ovs-vsctl set-controller BR tcp:A tcp:B} makes): it answers the handshake, port descriptions, roles,
 * echoes and barriers, keeps a flow table that flow-mods change (add, modify, strict and non-strict delete), and
 * answers flow-stats requests from it, in replies of at most {@value #ENTRIES_PER_REPLY} entries — so that a
 * controller restarted against it finds what it had programmed. Every flow-mod is reported to a
 * {@link Listener}, for latency measurement. The table outlives connections.
 *
 * <p>The overlay benchmarks drive controllers with it (bench/overlay-churn.sh), and the server's overlay warm-up
 * drives a throwaway controller with it before the real one listens.
 */
public final class EmulatedBridge {
  static final int ENTRIES_PER_REPLY = 100;
  private static final OFMessageReader<OFMessage> READER = OFFactories.getGenericReader();
  private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

  /** Told of every flow-mod a bridge applies (on the connection's event loop). */
  public interface Listener {
    void flowMod(EmulatedBridge bridge, OFFlowMod fm, long nanos);
  }

  private record Key(TableId table, int priority, Match match) {}

  private final long dpid;
  private final String name;
  private final List<OFPortDesc> ports;
  private final Listener listener;
  private final Map<Key, OFFlowMod> table = new HashMap<>();
  private volatile long flowMods;
  private volatile long statsReplies;
  private volatile long lastFlowModAt;
  private volatile long lastStatsAt;
  private volatile long barriers;
  /** Per controller (index of its connection): flow-mods applied. */
  private final long[] flowModsByController;

  public EmulatedBridge(long dpid, String name, List<String> portNames, int controllers, Listener listener) {
    this.flowModsByController = new long[controllers];
    this.dpid = dpid;
    this.name = name;
    this.listener = listener;
    List<OFPortDesc> list = new ArrayList<>();
    for (int i = 0; i < portNames.size(); i++) {
      list.add(port(OFPort.of(i + 1), portNames.get(i), 0x0e0000000000L | ((dpid & 0xffff) << 16) | (i + 1)));
    }
    list.add(port(OFPort.LOCAL, name, 0x0e0000000000L | ((dpid & 0xffff) << 16)));
    this.ports = List.copyOf(list);
  }

  private static OFPortDesc port(OFPort no, String name, long mac) {
    return F.buildPortDesc().setPortNo(no).setName(name).setHwAddr(MacAddress.of(mac)).setConfig(Set.of())
        .setState(EnumSet.of(OFPortState.LIVE)).setCurr(EnumSet.of(OFPortFeatures.PF_10GB_FD,
            OFPortFeatures.PF_COPPER)).build();
  }

  public long dpid() {
    return dpid;
  }

  public String name() {
    return name;
  }

  /** Entries in the table. */
  public int size() {
    synchronized (table) {
      return table.size();
    }
  }

  public long flowMods() {
    return flowMods;
  }

  public long statsReplies() {
    return statsReplies;
  }

  public long barriers() {
    return barriers;
  }

  /** nanoTime of the last flow-mod, or 0. */
  public long lastFlowModAt() {
    return lastFlowModAt;
  }

  /** nanoTime of the last flow-stats reply, or 0. */
  public long lastStatsAt() {
    return lastStatsAt;
  }

  /** A handler for one connection to controller number {@code controller}. */
  public ChannelInboundHandlerAdapter connection(int controller) {
    return new Connection(controller);
  }

  /** A client channel's pipeline for one connection to controller number {@code controller}: framing, then this. */
  public ChannelInitializer<SocketChannel> initializer(int controller) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("frame", new OFFrameDecoder()).addLast("encode", OFMessageEncoder.INSTANCE)
            .addLast("bridge", connection(controller));
      }
    };
  }

  public synchronized long flowModsBy(int controller) {
    return flowModsByController[controller];
  }

  private synchronized void count(long[] counters, int controller) {
    counters[controller]++;
  }

  private void apply(OFFlowMod fm) {
    Key k = new Key(fm.getTableId(), fm.getPriority(), fm.getMatch());
    synchronized (table) {
      switch (fm.getCommand()) {
        case ADD, MODIFY, MODIFY_STRICT -> table.put(k, fm);
        case DELETE_STRICT -> table.remove(k);
        case DELETE -> table.keySet().removeIf(x -> covers(fm, x, table.get(x)));
        default -> { }
      }
    }
  }

  /** A non-strict delete: the table (or all), the cookie under its mask, and every field of its match. */
  private static boolean covers(OFFlowMod del, Key k, OFFlowMod entry) {
    if (!del.getTableId().equals(TableId.ALL) && !del.getTableId().equals(k.table())) {
      return false;
    }
    long mask = del.getCookieMask().getValue();
    if ((entry.getCookie().getValue() & mask) != (del.getCookie().getValue() & mask)) {
      return false;
    }
    for (MatchField<?> f : del.getMatch().getMatchFields()) {
      if (!Objects.equals(del.getMatch().get(f), k.match().get(f))) {
        return false;
      }
    }
    return true;
  }

  private List<OFMessage> flowStats(long xid) {
    List<OFFlowStatsEntry> entries = new ArrayList<>();
    synchronized (table) {
      for (OFFlowMod fm : table.values()) {
        entries.add(F.buildFlowStatsEntry().setTableId(fm.getTableId()).setPriority(fm.getPriority())
            .setMatch(fm.getMatch()).setInstructions(fm.getInstructions()).setCookie(fm.getCookie())
            .setIdleTimeout(fm.getIdleTimeout()).setHardTimeout(fm.getHardTimeout()).setFlags(fm.getFlags())
            .setDurationSec(1).setDurationNsec(0).setPacketCount(U64.ZERO).setByteCount(U64.ZERO).build());
      }
    }
    List<OFMessage> out = new ArrayList<>();
    for (int i = 0; i < entries.size() || i == 0; i += ENTRIES_PER_REPLY) {
      List<OFFlowStatsEntry> chunk = entries.subList(i, Math.min(entries.size(), i + ENTRIES_PER_REPLY));
      boolean more = i + ENTRIES_PER_REPLY < entries.size();
      out.add(F.buildFlowStatsReply().setXid(xid).setEntries(List.copyOf(chunk))
          .setFlags(more ? EnumSet.of(OFStatsReplyFlags.REPLY_MORE) : Set.of()).build());
    }
    return out;
  }

  private final class Connection extends ChannelInboundHandlerAdapter {
    private final int controller;

    Connection(int controller) {
      this.controller = controller;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      long bitmap = 1L << OFVersion.OF_13.getWireVersion();
      ctx.writeAndFlush(F.buildHello().setXid(1)
          .setElements(List.of(F.helloElemVersionbitmap(List.of(U32.of(bitmap))))).build(), ctx.voidPromise());
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      OFMessage m;
      try {
        m = READER.readFrom(frame);
      } catch (Exception e) {
        m = null;
      } finally {
        frame.release();
      }
      if (m != null) {
        onMessage(ctx, m);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
      ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private void onMessage(ChannelHandlerContext ctx, OFMessage m) {
      long xid = m.getXid();
      switch (m.getType()) {
        case ECHO_REQUEST -> ctx.write(F.buildEchoReply().setXid(xid).setData(((OFEchoRequest) m).getData())
            .build(), ctx.voidPromise());
        case FEATURES_REQUEST -> ctx.write(F.buildFeaturesReply().setXid(xid).setDatapathId(DatapathId.of(dpid))
            .setNBuffers(0).setNTables((short) 254).setCapabilities(EnumSet.of(OFCapabilities.FLOW_STATS,
                OFCapabilities.TABLE_STATS, OFCapabilities.PORT_STATS)).build(), ctx.voidPromise());
        case GET_CONFIG_REQUEST -> ctx.write(F.buildGetConfigReply().setXid(xid).setFlags(Set.of())
            .setMissSendLen(0xffff).build(), ctx.voidPromise());
        case BARRIER_REQUEST -> {
          barriers++;
          ctx.write(F.buildBarrierReply().setXid(xid).build(), ctx.voidPromise());
        }
        case ROLE_REQUEST -> {
          OFRoleRequest r = (OFRoleRequest) m;
          ctx.write(F.buildRoleReply().setXid(xid).setRole(r.getRole()).setGenerationId(r.getGenerationId())
              .build(), ctx.voidPromise());
        }
        case FLOW_MOD -> {
          OFFlowMod fm = (OFFlowMod) m;
          apply(fm);
          long now = System.nanoTime();
          flowMods++;
          lastFlowModAt = now;
          count(flowModsByController, controller);
          listener.flowMod(EmulatedBridge.this, fm, now);
        }
        case STATS_REQUEST -> stats(ctx, (OFStatsRequest<?>) m);
        default -> { } // HELLO, SET_CONFIG, METER_MOD, SET_ASYNC: nothing to answer
      }
    }

    private void stats(ChannelHandlerContext ctx, OFStatsRequest<?> req) {
      long xid = req.getXid();
      switch (req.getStatsType()) {
        case FLOW -> {
          flowStats(xid).forEach(r -> ctx.write(r, ctx.voidPromise()));
          statsReplies++;
          lastStatsAt = System.nanoTime();
        }
        case PORT_DESC -> ctx.write(F.buildPortDescStatsReply().setXid(xid).setEntries(ports).build(),
            ctx.voidPromise());
        case DESC -> ctx.write(F.buildDescStatsReply().setXid(xid).setMfrDesc("Switchboard bench")
            .setHwDesc("emulated bridge").setSwDesc("OverlayChurn").setSerialNum(Long.toHexString(dpid))
            .setDpDesc(name).build(), ctx.voidPromise());
        default -> ctx.write(F.errorMsgs().buildBadRequestErrorMsg().setXid(xid).setCode(OFBadRequestCode.BAD_STAT)
            .setData(OFErrorCauseData.of(new byte[0], OFVersion.OF_13)).build(), ctx.voidPromise());
      }
    }
  }
}
