package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Stage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** An entry sent as a flow-mod and read back from flow stats is the same entry: reconciliation depends on it. */
class OFTranslatorTest {
  static FlowEntry overlayLike() {
    return FlowEntry.in(Stage.L3).priority(200)
        .match(FlowMatch.builder().metadata(100).ethType(0x0806).exact(Field.ARP_OP, 1)
            .exact(Field.ARP_TPA, 0xc0a80101L).build())
        .actions(new Action.Move(Field.ETH_SRC, Field.ETH_DST), Action.setField(Field.ETH_SRC, 0x0a580a000001L),
            Action.setField(Field.ARP_OP, 2), new Action.Move(Field.ARP_SHA, Field.ARP_THA),
            new Action.Move(Field.ARP_SPA, Field.ARP_TPA), Action.setField(Field.TUNNEL_ID, 100),
            Action.setField(Field.TUN_IPV4_DST, 0x0a630002L), new Action.DecTtl(), new Action.PushVlan(),
            Action.setField(Field.VLAN_VID, 100 | Field.VID_PRESENT), new Action.PopVlan(),
            Action.output(Action.PORT_IN_PORT))
        .writeMetadata(200, -1L).next(Stage.L2).build();
  }

  @ParameterizedTest
  @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
  void multiTableEntriesRoundTrip(OFVersion v) throws Exception {
    roundTrip(v, overlayLike(), Pipeline.MULTI_TABLE);
    roundTrip(v, FlowEntry.in(Stage.CLASSIFY).priority(100).match(FlowMatch.builder().inPort(3).untagged().build())
        .actions(new Action.PushVlan(), Action.setField(Field.VLAN_VID, 100 | Field.VID_PRESENT)).next(Stage.ACL)
        .build(), Pipeline.MULTI_TABLE);
    roundTrip(v, FlowEntry.in(Stage.ACL).priority(300).match(FlowMatch.builder().ethType(0x0800)
        .exact(Field.IP_PROTO, 6).ipv4Dst(0xc0a80200, 24).masked(Field.TCP_DST, 1024, 0xfc00).build())
        .build(), Pipeline.MULTI_TABLE);
  }

  /**
   * The stateful ACL's entries: a ct_state/ct_zone match, ct with recirculation, ct(commit) with the packet's zone.
   * (openflowj 3.2.1 cannot encode ct_state in OpenFlow 1.5 matches, hence 1.3 and 1.4 only.)
   */
  @ParameterizedTest
  @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14"})
  void conntrackEntriesRoundTrip(OFVersion v) throws Exception {
    roundTrip(v, FlowEntry.in(Stage.ACL).priority(65010).match(FlowMatch.builder().ethType(0x0800)
        .masked(Field.METADATA, 100, 0xffffff).masked(Field.CT_STATE, 0, Field.CT_TRK).build())
        .actions(Action.conntrack(false, 100, Stage.ACL)).build(), Pipeline.MULTI_TABLE);
    roundTrip(v, FlowEntry.in(Stage.ACL).priority(23).match(FlowMatch.builder().ethType(0x0800)
        .masked(Field.CT_STATE, Field.CT_TRK | Field.CT_NEW, Field.CT_TRK | Field.CT_NEW)
        .exact(Field.CT_ZONE, 7).build())
        .actions(Action.conntrack(true, Action.Conntrack.ZONE_OF_PACKET, null)).next(Stage.L3).build(),
        Pipeline.MULTI_TABLE);
  }

  @ParameterizedTest
  @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14"})
  void natEntriesRoundTrip(OFVersion v) throws Exception {
    int ext = (192 << 24) | (168 << 16) | (66 << 8) | 45;
    roundTrip(v, FlowEntry.in(Stage.L3).priority(44).match(FlowMatch.builder().ethType(0x0800).metadata(100).build())
        .actions(Action.setField(Field.METADATA, 66), Action.conntrack(true, 57410, Stage.L3, Action.Nat.src(ext)))
        .build(), Pipeline.MULTI_TABLE);
    roundTrip(v, FlowEntry.in(Stage.L3).priority(1100).match(FlowMatch.builder().ethType(0x0800).metadata(66).build())
        .actions(Action.conntrack(true, 57410, Stage.L3, Action.Nat.dst(ext + 1))).build(), Pipeline.MULTI_TABLE);
    roundTrip(v, FlowEntry.in(Stage.L3).priority(1523).match(FlowMatch.builder().ethType(0x0800).metadata(66).build())
        .actions(new Action.CtClear(), Action.output(Action.PORT_CONTROLLER)).build(), Pipeline.MULTI_TABLE);
    roundTrip(v, FlowEntry.in(Stage.L3).priority(1101).match(FlowMatch.builder().ethType(0x0800).metadata(66).build())
        .actions(Action.conntrack(false, 57410, Stage.L3, Action.Nat.reverse())).build(), Pipeline.MULTI_TABLE);
    assertEquals("ct(commit,table=l3,zone=57410,nat(src=192.168.66.45))",
        Action.conntrack(true, 57410, Stage.L3, Action.Nat.src(ext)).toString());
    assertEquals("ct(table=l3,zone=5,nat)", Action.conntrack(false, 5, Stage.L3, Action.Nat.reverse()).toString());
  }

  @org.junit.jupiter.api.Test
  void conntrackPrintsLikeOvsOfctl() {
    assertEquals("ct(table=acl,zone=100)", Action.conntrack(false, 100, Stage.ACL).toString());
    assertEquals("ct(commit,zone=NXM_NX_CT_ZONE[])",
        Action.conntrack(true, Action.Conntrack.ZONE_OF_PACKET, null).toString());
    assertEquals("eth_type=0x800,ct_state=+trk+new", FlowMatch.builder().ethType(0x800)
        .masked(Field.CT_STATE, Field.CT_TRK | Field.CT_NEW, Field.CT_TRK | Field.CT_NEW).build().toString());
    assertEquals("-trk", io.switchboard.controller.spi.Values.ctState(0, Field.CT_TRK));
    assertEquals(0x1d402L, Nxm.header(Field.CT_ZONE), "NXM_NX_CT_ZONE: class 1, field 106, 2 bytes");
  }

  @ParameterizedTest
  @EnumSource(value = OFVersion.class, names = {"OF_10"})
  void singleTableEntriesRoundTrip(OFVersion v) throws Exception {
    roundTrip(v, FlowEntry.in(Stage.L2).priority(10).match(FlowMatch.builder().inPort(1).vlan(100)
        .ethDst(0x020000000102L).build()).actions(new Action.PopVlan(), Action.output(2)).build(),
        Pipeline.SINGLE_TABLE);
    roundTrip(v, FlowEntry.in(Stage.L2).priority(10).match(FlowMatch.builder().untagged().ethSrc(5).build())
        .actions(Action.setField(Field.VLAN_VID, 200 | Field.VID_PRESENT), Action.output(Action.PORT_CONTROLLER))
        .build(), Pipeline.SINGLE_TABLE);
  }

  /**
   * A match is built with its OXM list in one go (not field by field through openflowj's builder, which rebuilds the
   * list on each field): the same match, the same bytes on the wire, as the builder gives.
   */
  @ParameterizedTest
  @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
  void matchBuiltInOneGoEqualsTheBuildersFieldByField(OFVersion v) {
    OFFactory f = OFFactories.getFactory(v);
    OFTranslator t = new OFTranslator(f, Pipeline.MULTI_TABLE);
    List<FlowMatch> matches = List.of(FlowMatch.ALL, overlayLike().match(),
        FlowMatch.builder().inPort(3).untagged().build(), FlowMatch.builder().anyVlanTag().ethDst(0x020000000102L)
            .build(), FlowMatch.builder().ethType(0x0800).exact(Field.IP_PROTO, 6).ipv4Dst(0xc0a80200, 24)
            .masked(Field.TCP_DST, 1024, 0xfc00).metadata(7).build(),
        FlowMatch.builder().exact(Field.TUNNEL_ID, 5000).exact(Field.TUN_IPV4_SRC, 0x0a000001L).build());
    for (FlowMatch m : matches) {
      org.projectfloodlight.openflow.protocol.match.Match.Builder b = f.buildMatch();
      m.fields().forEach((field, mv) -> setOne(b, field, mv));
      org.projectfloodlight.openflow.protocol.match.Match expected = b.build();
      org.projectfloodlight.openflow.protocol.match.Match got = t.match(m);
      assertEquals(expected, got, m.toString());
      ByteBuf a = Unpooled.buffer();
      ByteBuf c = Unpooled.buffer();
      expected.writeTo(a);
      got.writeTo(c);
      assertEquals(ByteBufUtil.hexDump(a), ByteBufUtil.hexDump(c), m.toString());
    }
  }

  /**
   * A match read back from the switch keeps every field, also one whose prerequisite openflowj insists on and OVS
   * does not (tun_src without eth_type=IPv4): openflowj's getters answer null there.
   */
  @ParameterizedTest
  @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
  void everyFieldOfAMatchIsReadBack(OFVersion v) {
    OFTranslator t = new OFTranslator(OFFactories.getFactory(v), Pipeline.MULTI_TABLE);
    List<FlowMatch> matches = List.of(
        FlowMatch.builder().exact(Field.TUNNEL_ID, 5000).exact(Field.TUN_IPV4_SRC, 0x0a000001L).build(),
        FlowMatch.builder().inPort(2).exact(Field.TUN_IPV4_DST, 0x0a000002L).build(),
        FlowMatch.builder().ethType(0x0800).exact(Field.IP_PROTO, 6).ipv4Dst(0xc0a80200, 24)
            .masked(Field.TCP_DST, 1024, 0xfc00).metadata(7).build(),
        FlowMatch.builder().anyVlanTag().ethDst(0x020000000102L).build(), FlowMatch.ALL);
    for (FlowMatch m : matches) {
      assertEquals(m, t.fromMatch(t.match(m)), m.toString());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setOne(org.projectfloodlight.openflow.protocol.match.Match.Builder b, Field field,
                             FlowMatch.Masked mv) {
    org.projectfloodlight.openflow.protocol.match.MatchField mf = OFTranslator.matchField(field);
    if (mv.exact(field)) {
      b.setExact(mf, valueOf(field, mv.value()));
    } else {
      b.setMasked(mf, valueOf(field, mv.value()), valueOf(field, mv.mask()));
    }
  }

  @SuppressWarnings("rawtypes")
  private static org.projectfloodlight.openflow.types.OFValueType valueOf(Field field, long v) {
    return OFTranslator.value(field, v);
  }

  /** An entry read back that the model expresses carries no action text; one it cannot express does. */
  @ParameterizedTest
  @EnumSource(value = OFVersion.class, names = {"OF_13"})
  void actionTextOnlyForWhatTheModelCannotExpress(OFVersion v) {
    OFFactory f = OFFactories.getFactory(v);
    OFTranslator t = new OFTranslator(f, Pipeline.MULTI_TABLE);
    var known = f.buildFlowStatsEntry().setMatch(f.buildMatch().build()).setPriority(1).setCookie(U64.of(1))
        .setTableId(TableId.of(0)).setInstructions(List.of(f.instructions().applyActions(List.of(
            f.actions().buildOutput().setPort(org.projectfloodlight.openflow.types.OFPort.of(2)).setMaxLen(0xffff)
                .build())))).build();
    InstalledFlow k = t.fromStats(known);
    assertNotNull(k.entry());
    assertEquals(null, k.rawActions());
    var unknown = f.buildFlowStatsEntry().setMatch(f.buildMatch().build()).setPriority(1).setCookie(U64.of(1))
        .setTableId(TableId.of(0)).setInstructions(List.of(f.instructions().applyActions(List.of(
            f.actions().group(org.projectfloodlight.openflow.types.OFGroup.of(4)))))).build();
    InstalledFlow u = t.fromStats(unknown);
    assertEquals(null, u.entry());
    assertNotNull(u.rawActions());
    assertEquals(true, u.rawActions().contains("group"), u.rawActions());
  }

  /** reg_move's field headers read back, for every field that has one (a map now, no exception per miss). */
  @org.junit.jupiter.api.Test
  void everyMovableFieldIsFoundByItsHeader() {
    int movable = 0;
    for (Field field : Field.values()) {
      long h;
      try {
        h = Nxm.header(field);
      } catch (IllegalArgumentException e) {
        continue;
      }
      movable++;
      assertEquals(field, Nxm.field(h));
    }
    assertEquals(16, movable);
    assertEquals(null, Nxm.field(0x12345L));
  }

  private void roundTrip(OFVersion v, FlowEntry e, Pipeline pipeline) throws Exception {
    OFFactory f = OFFactories.getFactory(v);
    OFTranslator t = new OFTranslator(f, pipeline);
    DesiredFlow d = new DesiredFlow(new FlowKey(pipeline.table(e.stage()), e.priority(), e.match()), e, "app",
        Cookies.cookie("app", 7));
    OFFlowAdd add = (OFFlowAdd) t.add(d);
    // through the wire and back, as the switch would see it
    ByteBuf buf = Unpooled.buffer();
    add.writeTo(buf);
    OFMessage parsed = OFFactories.getGenericReader().readFrom(buf);
    OFFlowAdd wire = (OFFlowAdd) parsed;
    var stats = f.buildFlowStatsEntry().setMatch(wire.getMatch()).setPriority(wire.getPriority())
        .setCookie(U64.of(d.cookie()));
    if (v == OFVersion.OF_10) {
      stats.setActions(wire.getActions());
    } else {
      stats.setTableId(TableId.of(d.key().table())).setInstructions(wire.getInstructions());
    }
    if (v == OFVersion.OF_15) {
      stats.setStats(f.buildStat().set(org.projectfloodlight.openflow.protocol.stat.StatField.PACKET_COUNT, U64.of(3))
          .build());
    }
    OFFlowStatsEntry entry = stats.build();
    InstalledFlow back = t.fromStats(entry);
    assertEquals(d.key(), back.key());
    assertNotNull(back.entry(), "expressible: " + back.rawActions());
    FlowEntry expected = e;
    if (v == OFVersion.OF_10) {
      // push_vlan is implicit in 1.0's set_vlan_vid
      expected = e.toBuilder().actions(e.actions().stream().filter(a -> !(a instanceof Action.PushVlan)).toList())
          .build();
    }
    assertEquals(expected.actions(), back.entry().actions());
    assertEquals(expected.next(), back.entry().next());
    assertEquals(expected.metadata(), back.entry().metadata());
  }
}
