package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.controller.openflow.OFFrameDecoder;
import io.switchboard.controller.openflow.OFMessageEncoder;
import io.switchboard.controller.testing.EmbeddedMessages;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlMsg;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlType;
import org.projectfloodlight.openflow.protocol.OFBundleFlags;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFRoleReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.BundleId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

/** The switch side of the protocol, played against an EmbeddedChannel: what a controller sees of the switch. */
class EmulatedSwitchTest {
  EmulatedSwitch sw;

  EmbeddedChannel channel(String of, String... more) {
    String[] base = {"--controller", "127.0.0.1:6653", "--macs", "3", "--of", of};
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more))
        .toArray(String[]::new);
    sw = new EmulatedSwitch(7, BenchOptions.parse(args));
    return new EmbeddedChannel(new OFFrameDecoder(), OFMessageEncoder.INSTANCE, sw);
  }

  static void send(EmbeddedChannel ch, OFMessage m) {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    ch.writeInbound(b);
  }

  static OFMessage read(EmbeddedChannel ch) throws Exception {
    OFMessage m = EmbeddedMessages.next(ch);
    assertNotNull(m, "the switch sent nothing");
    return m;
  }

  static OFHello controllerHello(OFFactory f) {
    return f.buildHello().setXid(1).setElements(List.of(f.helloElemVersionbitmap(List.of(U32.of(0x32))))).build();
  }

  @Test
  void openFlow13HandshakeAsAReconcilingControllerDrivesIt() throws Exception {
    EmbeddedChannel ch = channel("1.3");
    OFHello hello = (OFHello) read(ch);
    assertEquals(OFVersion.OF_13, hello.getVersion());
    long bitmap = ((OFHelloElemVersionbitmap) hello.getElements().get(0)).getBitmaps().get(0).getValue();
    assertEquals(1L << 4, bitmap, "offers exactly OpenFlow 1.3");
    OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
    send(ch, controllerHello(OFFactories.getFactory(OFVersion.OF_14)));
    send(ch, f.buildFeaturesRequest().setXid(2).build());
    OFFeaturesReply features = (OFFeaturesReply) read(ch);
    assertEquals(sw.dpid(), features.getDatapathId().getLong());
    assertEquals(2, features.getXid());
    assertTrue(sw.featuresAt() > 0);
    assertEquals(0, sw.programmedAt(), "not programmed before the controller asks for flows");

    send(ch, f.buildPortDescStatsRequest().setXid(3).build());
    OFPortDescStatsReply ports = (OFPortDescStatsReply) read(ch);
    assertEquals(4, ports.getEntries().size(), "3 host ports and LOCAL");
    assertEquals("bench00007", ports.getEntries().get(3).getName(), "LOCAL names the bridge");
    assertEquals(OFPort.LOCAL, ports.getEntries().get(3).getPortNo());

    send(ch, f.buildFlowStatsRequest().setXid(4).setMatch(f.buildMatch().build()).setTableId(TableId.ALL)
        .setOutPort(OFPort.ANY).build());
    OFFlowStatsReply flows = (OFFlowStatsReply) read(ch);
    assertEquals(4, flows.getXid());
    assertTrue(flows.getEntries().isEmpty(), "an empty table");
    assertTrue(sw.programmedAt() > 0, "a flow-stats request marks the start of programming");

    send(ch, f.buildBarrierRequest().setXid(5).build());
    assertInstanceOf(OFBarrierReply.class, read(ch));
    send(ch, f.buildEchoRequest().setXid(6).setData(new byte[] {9}).build());
    OFEchoReply echo = (OFEchoReply) read(ch);
    assertEquals(6, echo.getXid());
    assertEquals(1, echo.getData().length);
    send(ch, f.buildRoleRequest().setXid(7).setRole(OFControllerRole.ROLE_MASTER).setGenerationId(U64.of(3)).build());
    OFRoleReply role = (OFRoleReply) read(ch);
    assertEquals(OFControllerRole.ROLE_MASTER, role.getRole());
    assertEquals(U64.of(3), role.getGenerationId());
  }

  @Test
  void packetInsCarryTheControllersCatchAllEntryToTheController() throws Exception {
    EmbeddedChannel ch = channel("1.3");
    read(ch);
    OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
    send(ch, controllerHello(f));
    send(ch, f.buildFeaturesRequest().setXid(2).build());
    read(ch);
    // a pipeline default (no controller output), a specific entry, then the catch-all to the controller
    send(ch, f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(0).setMatch(f.buildMatch().build()).build());
    send(ch, f.buildFlowAdd().setTableId(TableId.of(1)).setPriority(50)
        .setMatch(f.buildMatch().setExact(MatchField.ETH_TYPE, org.projectfloodlight.openflow.types.EthType.ARP)
            .build()).setActions(List.of(f.actions().output(OFPort.CONTROLLER, 0xffff))).build());
    send(ch, f.buildFlowAdd().setTableId(TableId.of(3)).setPriority(1).setCookie(U64.of(0xabc))
        .setMatch(f.buildMatch().build()).setActions(List.of(f.actions().output(OFPort.CONTROLLER, 0xffff)))
        .build());
    assertEquals(new PacketInRule(3, 1, 0xabc, false), sw.packetInRule());

    sw.startLearning();
    OFPacketIn pi = (OFPacketIn) read(ch);
    assertEquals(TableId.of(3), pi.getTableId());
    assertEquals(U64.of(0xabc), pi.getCookie());
    assertEquals(OFPacketInReason.ACTION, pi.getReason(), "hit by an entry, not a table miss");
    assertEquals(OFPort.of(1), pi.getMatch().get(MatchField.IN_PORT));
    assertEquals(Frames.LENGTH, pi.getData().length);
    assertEquals(pi.getXid(), Frames.tagOf(pi.getData()));
  }

  @Test
  void openFlow14BundlesAreOpenedAndCommitted() throws Exception {
    EmbeddedChannel ch = channel("1.4");
    read(ch);
    OFFactory f = OFFactories.getFactory(OFVersion.OF_14);
    send(ch, controllerHello(f));
    send(ch, f.buildFeaturesRequest().setXid(2).build());
    read(ch);
    var flags = EnumSet.of(OFBundleFlags.ATOMIC, OFBundleFlags.ORDERED);
    send(ch, f.buildBundleCtrlMsg().setXid(10).setBundleId(BundleId.of(1))
        .setBundleCtrlType(OFBundleCtrlType.OPEN_REQUEST).setFlags(flags).setProperties(List.of()).build());
    OFBundleCtrlMsg open = (OFBundleCtrlMsg) read(ch);
    assertEquals(OFBundleCtrlType.OPEN_REPLY, open.getBundleCtrlType());
    assertEquals(10, open.getXid());
    send(ch, f.buildBundleCtrlMsg().setXid(11).setBundleId(BundleId.of(1))
        .setBundleCtrlType(OFBundleCtrlType.COMMIT_REQUEST).setFlags(flags).setProperties(List.of()).build());
    OFBundleCtrlMsg commit = (OFBundleCtrlMsg) read(ch);
    assertEquals(OFBundleCtrlType.COMMIT_REPLY, commit.getBundleCtrlType());
    assertEquals(BundleId.of(1), commit.getBundleId());
  }

  @Test
  void openFlow10FeaturesListThePorts() throws Exception {
    EmbeddedChannel ch = channel("1.0", "--buffered");
    assertEquals(OFVersion.OF_10, read(ch).getVersion());
    OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
    send(ch, f.buildHello().setXid(1).build());
    send(ch, f.buildFeaturesRequest().setXid(2).build());
    OFFeaturesReply features = (OFFeaturesReply) read(ch);
    assertEquals(4, features.getPorts().size());
    assertEquals(256, features.getNBuffers());
    sw.startLearning();
    OFPacketIn pi = (OFPacketIn) read(ch);
    assertEquals(OFPacketInReason.NO_MATCH, pi.getReason());
    assertEquals(pi.getXid(), pi.getBufferId().getInt(), "buffered: the buffer id is the packet-in's number");
  }

  @Test
  void aControllerWithoutOurVersionIsRefused() throws Exception {
    EmbeddedChannel ch = channel("1.0");
    read(ch);
    OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
    send(ch, f13.buildHello().setXid(1).setElements(List.of(f13.helloElemVersionbitmap(List.of(U32.of(0x10)))))
        .build());
    assertInstanceOf(OFHelloFailedErrorMsg.class, read(ch));
    ch.runPendingTasks();
    assertFalse(ch.isOpen());
    assertTrue(sw.failure().contains("OpenFlow 1.0"), sw.failure());
    assertNull(ch.readOutbound());
  }
}
