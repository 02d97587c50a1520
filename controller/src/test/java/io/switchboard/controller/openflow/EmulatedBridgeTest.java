package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.controller.testing.EmbeddedMessages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** The emulated OpenFlow 1.3 bridge keeps what flow-mods say and gives it back in flow stats, in parts. */
class EmulatedBridgeTest {
  private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
  private final List<OFFlowMod> seen = new ArrayList<>();
  private final EmulatedBridge bridge = new EmulatedBridge(7, "br-h6", List.of("p0", "vxlan0"), 1,
      (b, fm, t) -> seen.add(fm));
  private final EmbeddedChannel ch = new EmbeddedChannel(new OFFrameDecoder(), OFMessageEncoder.INSTANCE,
      bridge.connection(0));

  private void send(OFMessage m) {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    ch.writeInbound(b);
    ch.flushOutbound();
  }

  private OFMessage read() throws Exception {
    return EmbeddedMessages.next(ch);
  }

  private Match match(long mac) {
    return f.buildMatch().setExact(MatchField.ETH_DST, MacAddress.of(mac)).build();
  }

  private OFFlowMod add(long mac, int priority) {
    return f.buildFlowAdd().setXid(mac).setTableId(TableId.of(3)).setPriority(priority).setMatch(match(mac))
        .setCookie(U64.of(0x42)).setInstructions(List.of(f.instructions().applyActions(List.of(
            f.actions().output(OFPort.of(1), 0xffff))))).build();
  }

  private List<OFFlowStatsEntry> flowStats(long xid) throws Exception {
    send(f.buildFlowStatsRequest().setXid(xid).setTableId(TableId.ALL).build());
    List<OFFlowStatsEntry> out = new ArrayList<>();
    while (true) {
      OFFlowStatsReply r = (OFFlowStatsReply) read();
      assertNotNull(r, "a flow-stats reply");
      assertEquals(xid, r.getXid());
      out.addAll(r.getEntries());
      if (!r.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
        return out;
      }
    }
  }

  @Test
  void handshakeAndPorts() throws Exception {
    assertEquals(OFVersion.OF_13, read().getVersion()); // our hello
    send(f.buildPortDescStatsRequest().setXid(2).build());
    OFPortDescStatsReply ports = (OFPortDescStatsReply) read();
    assertEquals(List.of("p0", "vxlan0", "br-h6"), ports.getEntries().stream().map(p -> p.getName()).toList());
    assertEquals(OFPort.LOCAL, ports.getEntries().get(2).getPortNo());
  }

  @Test
  void theTableFollowsFlowModsAndIsReadBackInParts() throws Exception {
    read(); // hello
    for (int i = 0; i < 250; i++) {
      send(add(0x02ee_0000_0000L + i, 100));
    }
    assertEquals(250, bridge.size());
    assertEquals(250, seen.size());
    send(f.buildFlowDeleteStrict().setTableId(TableId.of(3)).setPriority(100).setMatch(match(0x02ee_0000_0000L))
        .build());
    send(f.buildFlowModifyStrict().setTableId(TableId.of(3)).setPriority(100).setMatch(match(0x02ee_0000_0001L))
        .setCookie(U64.of(0x43)).setInstructions(List.of()).build());
    send(f.buildFlowDelete().setTableId(TableId.ALL).setMatch(match(0x02ee_0000_0002L)).setCookie(U64.of(0x42))
        .setCookieMask(U64.NO_MASK).build());
    assertEquals(248, bridge.size());
    List<OFFlowStatsEntry> entries = flowStats(9);
    assertEquals(248, entries.size(), "3 replies of at most 100, the first two with REPLY_MORE");
    OFFlowStatsEntry modified = entries.stream().filter(e -> e.getMatch().get(MatchField.ETH_DST).getLong()
        == 0x02ee_0000_0001L).findFirst().orElseThrow();
    assertEquals(U64.of(0x43), modified.getCookie());
    assertTrue(modified.getInstructions().isEmpty());
    assertTrue(entries.stream().noneMatch(e -> e.getMatch().get(MatchField.ETH_DST).getLong() == 0x02ee_0000_0002L));
    assertEquals(1, bridge.statsReplies());
  }

  @Test
  void anEmptyTableAnswersOneEmptyReply() throws Exception {
    read();
    assertEquals(List.of(), flowStats(5));
    send(f.buildBarrierRequest().setXid(6).build());
    assertEquals(6, read().getXid());
    assertNull(read());
  }
}
