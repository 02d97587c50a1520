package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsRequest;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;

/** The switch side of the handshake, played against the real channel pipeline in an EmbeddedChannel. */
class HandshakeTest {
  static final class Recorder implements SwitchListener {
    final List<SwitchSession> up = new ArrayList<>();
    final List<OFMessage> messages = new ArrayList<>();
    final List<Undecodable> undecodable = new ArrayList<>();

    public void switchUp(SwitchSession s) {
      up.add(s);
    }

    public void switchDown(SwitchSession s) {}

    public void message(SwitchSession s, OFMessage m) {
      messages.add(m);
    }

    public void undecodable(SwitchSession s, Undecodable u) {
      undecodable.add(u);
    }
  }

  final Recorder rec = new Recorder();

  EmbeddedChannel channel(List<OFVersion> offered) {
    return new EmbeddedChannel(new OFFrameDecoder(), new OFMessageDecoder(), OFMessageEncoder.INSTANCE,
        new SwitchChannelHandler(rec, Runnable::run, offered));
  }

  static void send(EmbeddedChannel ch, OFMessage m) {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    ch.writeInbound(b);
  }

  static OFMessage read(EmbeddedChannel ch) throws Exception {
    ByteBuf b = ch.readOutbound();
    assertNotNull(b, "the controller sent nothing");
    try {
      return OFFactories.getGenericReader().readFrom(b);
    } finally {
      b.release();
    }
  }

  static OFHello helloWithBitmap(OFVersion top, OFVersion... versions) {
    OFFactory f = OFFactories.getFactory(top);
    long bits = 0;
    for (OFVersion v : versions) {
      bits |= 1L << v.getWireVersion();
    }
    return f.buildHello().setXid(1).setElements(List.of(f.helloElemVersionbitmap(List.of(U32.of(bits))))).build();
  }

  /** Plays the switch up to the end of the handshake; returns the negotiated factory. */
  OFFactory handshake(EmbeddedChannel ch, OFHello hello, OFVersion expected) throws Exception {
    OFHello ours = (OFHello) read(ch);
    assertNotNull(ours);
    send(ch, hello);
    OFMessage fr = read(ch);
    assertInstanceOf(OFFeaturesRequest.class, fr);
    assertEquals(expected, fr.getVersion());
    OFFactory f = OFFactories.getFactory(expected);
    var features = f.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DatapathId.of(0xabcL)).setNBuffers(0)
        .setNTables((short) 254);
    if (expected == OFVersion.OF_10) {
      features.setPorts(List.of(port(f, 1, "p1"), port(f, 0xfffe, "br0")));
    }
    send(ch, features.build());
    assertInstanceOf(OFSetConfig.class, read(ch));
    if (expected != OFVersion.OF_10) {
      OFMessage pd = read(ch);
      assertInstanceOf(OFPortDescStatsRequest.class, pd);
      send(ch, f.buildPortDescStatsReply().setXid(pd.getXid())
          .setEntries(List.of(port(f, 1, "p1"), port(f, 2, "p2"), port(f, 0xfffffffe, "br0"))).build());
    }
    return f;
  }

  static org.projectfloodlight.openflow.protocol.OFPortDesc port(OFFactory f, int no, String name) {
    return f.buildPortDesc().setPortNo(OFPort.of(no)).setName(name).setHwAddr(MacAddress.of(0x020000000000L + no))
        .build();
  }

  @Test
  void negotiatesTheHighestCommonVersionFromTheBitmap() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    handshake(ch, helloWithBitmap(OFVersion.OF_15, OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_14,
        OFVersion.OF_15), OFVersion.OF_14);
    assertEquals(1, rec.up.size());
    SwitchSession s = rec.up.get(0);
    assertEquals(0xabcL, s.dpid());
    assertEquals("br0", s.name(), "a bridge is named by its LOCAL port");
    assertEquals(2, s.ports().size());
    assertEquals("1.4", s.versionText());
  }

  @Test
  void aPeerOfferingOnlyOpenFlow15GetsIt() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.ALL);
    handshake(ch, helloWithBitmap(OFVersion.OF_15, OFVersion.OF_15), OFVersion.OF_15);
    assertEquals("1.5", rec.up.get(0).versionText());
  }

  @Test
  void anOpenFlow10OnlySwitchGetsTheSingleTablePipeline() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    handshake(ch, OFFactories.getFactory(OFVersion.OF_10).buildHello().setXid(1).build(), OFVersion.OF_10);
    SwitchSession s = rec.up.get(0);
    assertFalse(s.pipeline().multiTable());
    assertEquals("br0", s.name());
    assertEquals(1, s.ports().size());
  }

  @Test
  void noCommonVersionIsRefusedWithHelloFailed() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    read(ch);
    send(ch, helloWithBitmap(OFVersion.OF_13, OFVersion.OF_11, OFVersion.OF_12));
    assertInstanceOf(OFHelloFailedErrorMsg.class, read(ch));
    assertFalse(ch.isOpen());
    assertTrue(rec.up.isEmpty());
  }

  @Test
  void echoRequestsAreAnsweredAtOnceWithTheSameXidAndData() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    OFFactory f = handshake(ch, helloWithBitmap(OFVersion.OF_13, OFVersion.OF_13), OFVersion.OF_13);
    send(ch, f.buildEchoRequest().setXid(77).setData(new byte[] {1, 2, 3}).build());
    OFEchoReply reply = (OFEchoReply) read(ch);
    assertEquals(77, reply.getXid());
    assertEquals(3, reply.getData().length);
  }

  @Test
  void anUnknownMessageTypeIsAnsweredWithBadTypeAndTheSwitchStays() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    handshake(ch, helloWithBitmap(OFVersion.OF_13, OFVersion.OF_13), OFVersion.OF_13);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {4, (byte) 200, 0, 12, 0, 0, 0, 9, 1, 2, 3, 4}));
    OFBadRequestErrorMsg err = (OFBadRequestErrorMsg) read(ch);
    assertEquals(OFBadRequestCode.BAD_TYPE, err.getCode());
    assertEquals(9, err.getXid());
    assertTrue(ch.isOpen(), "a newer switch must not be dropped for speaking more than we know");
    assertEquals(1, rec.undecodable.size());
    // and the channel still works
    send(ch, OFFactories.getFactory(OFVersion.OF_13).buildEchoRequest().setXid(5).setData(new byte[0]).build());
    assertEquals(5, read(ch).getXid());
  }

  @Test
  void aMessageHandledInTheReadThatBroughtItIsAnsweredWhenTheReadBatchEnds() throws Exception {
    io.switchboard.controller.core.Workers onLoops = new io.switchboard.controller.core.Workers(Runnable::run);
    onLoops.runOnLoops(true);
    List<String> threads = new ArrayList<>();
    SwitchListener answering = new SwitchListener() {
      public void switchUp(SwitchSession s) {}

      public void switchDown(SwitchSession s) {}

      public void message(SwitchSession s, OFMessage m) {
        threads.add(Thread.currentThread().getName());
        s.send(s.factory().buildEchoRequest().setXid(m.getXid() + 1).setData(new byte[0]).build());
      }

      public void undecodable(SwitchSession s, Undecodable u) {}
    };
    EmbeddedChannel ch = new EmbeddedChannel(new OFFrameDecoder(), new OFMessageDecoder(), OFMessageEncoder.INSTANCE,
        new SwitchChannelHandler(answering, onLoops, List.of(OFVersion.OF_13),
            io.switchboard.config.OpenFlowLimits.DEFAULTS));
    OFFactory f = handshake(ch, helloWithBitmap(OFVersion.OF_13, OFVersion.OF_13), OFVersion.OF_13);
    // a message nothing awaits: for the switch's worker, idle on this (embedded) loop
    send(ch, f.buildBarrierReply().setXid(77).build());
    assertEquals(1, threads.size());
    OFMessage answer = read(ch); // flushed by channelReadComplete: nothing else flushes a send made in the read
    assertEquals(78, answer.getXid());
    assertTrue(ch.isOpen());
  }

  @Test
  void aMalformedBodyIsSkippedWithoutClosing() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    handshake(ch, helloWithBitmap(OFVersion.OF_13, OFVersion.OF_13), OFVersion.OF_13);
    // a PACKET_IN (type 10) whose body is far too short for its fields
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {4, 10, 0, 12, 0, 0, 0, 3, 0, 0, 0, 0}));
    assertTrue(ch.isOpen());
    assertEquals(1, rec.undecodable.size());
    assertNull(ch.readOutbound(), "a known type is skipped, not answered");
  }

  @Test
  void brokenFramingClosesThatConnection() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    read(ch);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {4, 0, 0, 4, 0, 0, 0, 1}));
    assertFalse(ch.isOpen(), "a length below the 8-byte header cannot be framed");
  }

  @Test
  void garbageClosesThatConnection() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    read(ch);
    ch.writeInbound(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n\r\n".getBytes()));
    assertFalse(ch.isOpen());
  }

  @Test
  void aMessageSplitAcrossReadsIsReassembled() throws Exception {
    EmbeddedChannel ch = channel(SwitchChannelHandler.SUPPORTED);
    read(ch);
    ByteBuf b = Unpooled.buffer();
    helloWithBitmap(OFVersion.OF_13, OFVersion.OF_13).writeTo(b);
    ch.writeInbound(b.readRetainedSlice(5));
    assertNull(ch.readOutbound());
    ch.writeInbound(b);
    assertInstanceOf(OFFeaturesRequest.class, read(ch));
  }
}
