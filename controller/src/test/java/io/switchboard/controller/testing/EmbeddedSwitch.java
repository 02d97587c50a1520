package io.switchboard.controller.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.controller.openflow.OFFrameDecoder;
import io.switchboard.controller.openflow.OFMessageDecoder;
import io.switchboard.controller.openflow.OFMessageEncoder;
import io.switchboard.controller.openflow.SwitchChannelHandler;
import io.switchboard.controller.openflow.SwitchListener;
import io.switchboard.controller.openflow.SwitchSession;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;

/**
 * The switch side of one OpenFlow 1.3 connection, played against the real channel pipeline in an EmbeddedChannel;
 * the listener's work runs on the calling thread.
 */
public final class EmbeddedSwitch {
  private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);
  private final EmbeddedChannel channel;
  private final SwitchChannelHandler handler;

  public EmbeddedSwitch(SwitchListener listener) {
    handler = new SwitchChannelHandler(listener, Runnable::run, List.of(OFVersion.OF_13));
    channel = new EmbeddedChannel(new OFFrameDecoder(), new OFMessageDecoder(), OFMessageEncoder.INSTANCE, handler);
  }

  public EmbeddedChannel channel() {
    return channel;
  }

  /** The session once the handshake is done and admitted, else null. */
  public SwitchSession session() {
    return handler.session();
  }

  /** HELLO, FEATURES with this dpid, PORT_DESC with a LOCAL port of this name. */
  public EmbeddedSwitch handshake(long dpid, String name) {
    expect(OFType.HELLO);
    send(F.buildHello().setXid(1).setElements(List.of(F.helloElemVersionbitmap(List.of(U32.of(1 << 4))))).build());
    OFMessage fr = expect(OFType.FEATURES_REQUEST);
    send(F.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DatapathId.of(dpid)).setNBuffers(0)
        .setNTables((short) 254).build());
    expect(OFType.SET_CONFIG);
    OFMessage pd = expect(OFType.STATS_REQUEST);
    send(F.buildPortDescStatsReply().setXid(pd.getXid()).setEntries(List.of(
        F.buildPortDesc().setPortNo(OFPort.LOCAL).setName(name).setHwAddr(MacAddress.of(0x020000000001L)).build()))
        .build());
    return this;
  }

  /** The rest of the last buffer the controller wrote, not read yet. */
  private ByteBuf pending;

  public void send(OFMessage m) {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    channel.writeInbound(b);
  }

  /** The next message the controller sent, or null (a buffer may carry several, back to back). */
  public OFMessage read() {
    channel.runPendingTasks(); // the session writes through its outbox: one event-loop task per burst
    if (pending == null) {
      pending = channel.readOutbound();
      if (pending == null) {
        return null;
      }
    }
    try {
      return OFFactories.getGenericReader().readFrom(pending);
    } catch (Exception e) {
      throw new AssertionError("the controller sent something unreadable", e);
    } finally {
      if (!pending.isReadable()) {
        pending.release();
        pending = null;
      }
    }
  }

  /** Skips messages until one of this type; fails when there is none. */
  public OFMessage expect(OFType type) {
    for (OFMessage m = read(); m != null; m = read()) {
      if (m.getType() == type) {
        return m;
      }
    }
    throw new AssertionError("the controller sent no " + type);
  }

  /** Every echo request the controller sent since the last read, answered; returns how many. */
  public int answerEchoes() {
    int n = 0;
    for (OFMessage m = read(); m != null; m = read()) {
      if (m.getType() == OFType.ECHO_REQUEST) {
        send(F.buildEchoReply().setXid(m.getXid()).setData(new byte[0]).build());
        n++;
      }
    }
    return n;
  }

  /** Echo requests the controller sent since the last read, left unanswered. */
  public int countEchoes() {
    int n = 0;
    for (OFMessage m = read(); m != null; m = read()) {
      if (m.getType() == OFType.ECHO_REQUEST) {
        n++;
      }
    }
    return n;
  }
}
