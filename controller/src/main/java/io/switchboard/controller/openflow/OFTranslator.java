package io.switchboard.controller.openflow;

import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFOxmList;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionDecNwTtl;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraCt;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraCtClear;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraDecTtl;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraMove;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraNat;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionPopVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionPushVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.action.OFActionSetVlanVid;
import org.projectfloodlight.openflow.protocol.action.OFActionStripVlan;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteMetadata;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.stat.Stat;
import org.projectfloodlight.openflow.protocol.stat.StatField;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.ICMPv4Code;
import org.projectfloodlight.openflow.types.ICMPv4Type;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFValueType;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U16;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.U8;
import org.projectfloodlight.openflow.types.VlanVid;

/**
 * Translates between Switchboard's flow model and openflowj messages, for OpenFlow 1.0 (single table, plain
 * actions) and 1.3-1.5 (instructions, OXM, Nicira extensions).
 *
 * <p>Longer than the ~400 lines a class gets here, on purpose: it is one translation table holding both directions
 * of every kind (match fields, actions, instructions, conntrack, flow-stats entries) and the one field mapping
 * ({@link #matchField}, {@link #field}) they share, so that a field added on one side is seen missing on the
 * other. Split by direction or by kind, a reader would need two files open to check that a round trip holds.
 */
public final class OFTranslator {
  private final OFFactory f;
  private final Pipeline pipeline;
  private final boolean v10;

  public OFTranslator(OFFactory factory, Pipeline pipeline) {
    this.f = factory;
    this.pipeline = pipeline;
    this.v10 = factory.getVersion() == OFVersion.OF_10;
  }

  public OFFactory factory() {
    return f;
  }

  // ---- flow mods

  public OFFlowMod add(DesiredFlow d) {
    return add(d, 0);
  }

  /** With its xid set as it is built (not rebuilt afterwards to set it). */
  public OFFlowMod add(DesiredFlow d, long xid) {
    return fill(f.buildFlowAdd().setXid(xid), d).build();
  }

  public OFFlowMod modify(DesiredFlow d) {
    return modify(d, 0);
  }

  public OFFlowMod modify(DesiredFlow d, long xid) {
    return fill(f.buildFlowModifyStrict().setXid(xid), d).build();
  }

  public OFFlowMod delete(FlowKey k) {
    return delete(k, 0);
  }

  public OFFlowMod delete(FlowKey k, long xid) {
    OFFlowMod.Builder b = f.buildFlowDeleteStrict().setXid(xid).setPriority(k.priority())
        .setMatch(match(k.match())).setOutPort(OFPort.ANY);
    if (!v10) {
      b.setTableId(TableId.of(k.table())).setOutGroup(OFGroup.ANY);
    }
    return b.build();
  }

  private OFFlowMod.Builder fill(OFFlowMod.Builder b, DesiredFlow d) {
    FlowEntry e = d.entry();
    b.setPriority(e.priority()).setMatch(match(e.match())).setCookie(U64.of(d.cookie()))
        .setIdleTimeout(e.idleTimeout()).setHardTimeout(e.hardTimeout()).setBufferId(OFBufferId.NO_BUFFER)
        .setOutPort(OFPort.ANY);
    Set<OFFlowModFlags> flags = EnumSet.noneOf(OFFlowModFlags.class);
    if (e.notifyRemoval()) {
      flags.add(OFFlowModFlags.SEND_FLOW_REM);
    }
    b.setFlags(flags);
    if (v10) {
      b.setActions(actions(e.actions()));
    } else {
      b.setTableId(TableId.of(d.key().table())).setOutGroup(OFGroup.ANY).setInstructions(instructions(e));
    }
    return b;
  }

  private List<OFInstruction> instructions(FlowEntry e) {
    List<OFInstruction> ins = new ArrayList<>(4);
    for (Action a : e.actions()) {
      if (a instanceof Action.Meter m && f.getVersion().compareTo(OFVersion.OF_15) < 0) {
        ins.add(f.instructions().meter(m.id())); // 1.3/1.4: an instruction, run before the actions
      }
    }
    if (e.actions().stream().anyMatch(a -> !(a instanceof Action.Meter))) {
      ins.add(f.instructions().applyActions(actions(e.actions())));
    }
    if (e.metadata() != null) {
      ins.add(f.instructions().writeMetadata(U64.of(e.metadata().value()), U64.of(e.metadata().mask())));
    }
    if (e.next() != null) {
      ins.add(f.instructions().gotoTable(TableId.of(pipeline.table(e.next()))));
    }
    return ins;
  }

  public List<OFAction> actions(List<Action> list) {
    List<OFAction> out = new ArrayList<>(list.size());
    for (Action a : list) {
      if (a instanceof Action.Meter) {
        continue; // an instruction (see instructions), not an action; OpenFlow 1.0 has no meters
      } else if (a instanceof Action.Output o) {
        out.add(f.actions().buildOutput().setPort(OFPort.of((int) o.port())).setMaxLen(0xffff).build());
      } else if (a instanceof Action.PushVlan) {
        if (!v10) {
          out.add(f.actions().pushVlan(EthType.VLAN_FRAME));
        }
      } else if (a instanceof Action.PopVlan) {
        out.add(v10 ? f.actions().stripVlan() : f.actions().popVlan());
      } else if (a instanceof Action.SetField s) {
        if (v10 && s.field() == Field.VLAN_VID) {
          out.add(f.actions().setVlanVid(VlanVid.ofVlan((int) (s.value() & 0xfff))));
        } else if (v10) {
          throw new IllegalArgumentException("OpenFlow 1.0 cannot set " + s.field().ovsName());
        } else {
          out.add(f.actions().setField(oxm(s.field(), s.value())));
        }
      } else if (a instanceof Action.DecTtl) {
        out.add(f.actions().decNwTtl());
      } else if (a instanceof Action.Conntrack ct) {
        out.add(conntrack(ct));
      } else if (a instanceof Action.CtClear) {
        if (v10) {
          throw new IllegalArgumentException("OpenFlow 1.0 bridges get no conntrack actions");
        }
        out.add(f.actions().niciraCtClear());
      } else if (a instanceof Action.Move m) {
        out.add(f.actions().buildNiciraMove().setNBits(m.src().bits()).setSrcOfs(0).setDstOfs(0)
            .setSrc(Nxm.header(m.src())).setDst(Nxm.header(m.dst())).build());
      }
    }
    return out;
  }

  /** NX_CT_F_COMMIT, and NX_CT_RECIRC_NONE: the ct action's recirc_table when the packet is not re-injected. */
  static final int CT_COMMIT = 1;
  static final short CT_RECIRC_NONE = (short) 0xff;
  /** ofs_nbits of a whole 16-bit field (offset 0, 16 bits), for a zone taken from a field. */
  static final int CT_ZONE_WHOLE_FIELD = 15;

  private OFAction conntrack(Action.Conntrack ct) {
    if (v10) {
      throw new IllegalArgumentException("OpenFlow 1.0 bridges get no conntrack actions");
    }
    OFActionNiciraCt.Builder b = f.actions().buildNiciraCt().setFlags(ct.commit() ? CT_COMMIT : 0)
        .setRecircTable(ct.table() == null ? CT_RECIRC_NONE : (short) pipeline.table(ct.table()))
        .setAlg(0).setActions(ct.nat() == null ? List.of() : List.of(nat(ct.nat())));
    if (ct.zone() == Action.Conntrack.ZONE_OF_PACKET) {
      b.setZoneSrc(Nxm.header(Field.CT_ZONE)).setZone(CT_ZONE_WHOLE_FIELD);
    } else {
      b.setZoneSrc(0).setZone(ct.zone());
    }
    return b.build();
  }

  /** NX_NAT_F_SRC, NX_NAT_F_DST, NX_NAT_RANGE_IPV4_MIN. */
  static final int NAT_SRC = 1;
  static final int NAT_DST = 2;
  static final int NAT_RANGE_IPV4_MIN = 1;

  /** The nat inside a ct action: 16 bytes, plus one IPv4 address padded to 8 bytes when there is one. */
  private OFAction nat(Action.Nat nat) {
    if (nat.kind() == Action.Nat.Kind.REVERSE) {
      return f.actions().buildNiciraNat().setFlags(0).setRangePresent(0).setIpv4Range(List.of())
          .setIpv6Range(List.of()).setPortRange(List.of()).setPad(List.of()).build();
    }
    return f.actions().buildNiciraNat().setFlags(nat.kind() == Action.Nat.Kind.SRC ? NAT_SRC : NAT_DST)
        .setRangePresent(NAT_RANGE_IPV4_MIN).setIpv4Range(List.of(IPv4Address.of(nat.address())))
        .setIpv6Range(List.of()).setPortRange(List.of())
        .setPad(List.of(U8.of((short) 0), U8.of((short) 0), U8.of((short) 0), U8.of((short) 0))).build();
  }

  /** The nat of a ct action as the switch reports it; null when it is more than an address or no nat. */
  private static Action.Nat fromNat(List<OFAction> nested) {
    if (nested.size() != 1 || !(nested.get(0) instanceof OFActionNiciraNat n)) {
      return null;
    }
    int flags = n.getFlags();
    if (flags == 0 && n.getRangePresent() == 0) {
      return Action.Nat.reverse();
    }
    if ((flags != NAT_SRC && flags != NAT_DST) || n.getRangePresent() != NAT_RANGE_IPV4_MIN
        || n.getIpv4Range().isEmpty()) {
      return null;
    }
    int addr = n.getIpv4Range().get(0).getInt();
    return flags == NAT_SRC ? Action.Nat.src(addr) : Action.Nat.dst(addr);
  }

  /** null when the ct action does more than the model says (an ALG, nested actions other than one nat). */
  private Action fromConntrack(OFActionNiciraCt ct) {
    if (ct.getAlg() != 0 || (ct.getFlags() & ~CT_COMMIT) != 0) {
      return null;
    }
    Action.Nat nat = null;
    if (!ct.getActions().isEmpty()) {
      nat = fromNat(ct.getActions());
      if (nat == null) {
        return null;
      }
    }
    int zone;
    if (ct.getZoneSrc() == 0) {
      zone = ct.getZone() & 0xffff;
    } else if (ct.getZoneSrc() == Nxm.header(Field.CT_ZONE) && (ct.getZone() & 0xffff) == CT_ZONE_WHOLE_FIELD) {
      zone = Action.Conntrack.ZONE_OF_PACKET;
    } else {
      return null;
    }
    Stage table = null;
    int recirc = ct.getRecircTable() & 0xff;
    if (recirc != (CT_RECIRC_NONE & 0xff)) {
      table = pipeline.stage(recirc);
      if (table == null) {
        return null;
      }
    }
    return new Action.Conntrack((ct.getFlags() & CT_COMMIT) != 0, zone, table, nat);
  }

  // ---- matches

  /**
   * One OXM per field, the list built once: openflowj's {@code Match.Builder} rebuilds its whole OXM list (an
   * EnumMap over every match field) on each {@code setExact}, which made a match cost quadratic in its fields and
   * was the controller's largest allocation under endpoint churn.
   */
  public Match match(FlowMatch m) {
    if (v10) {
      Match.Builder b = f.buildMatch();
      m.forEach((field, mv) -> set(b, field, mv));
      return b.build();
    }
    if (m.isEmpty()) {
      return f.matchV3(OFOxmList.EMPTY);
    }
    List<OFOxm<?>> oxms = new ArrayList<>(m.size());
    m.forEach((field, mv) -> oxms.add(oxm(field, mv)));
    return f.matchV3(OFOxmList.ofList(oxms));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private OFOxm<?> oxm(Field field, FlowMatch.Masked mv) {
    MatchField mf = matchField(field);
    return mv.exact(field) ? f.oxms().fromValue(value(field, mv.value()), mf)
        : f.oxms().fromValueAndMask(value(field, mv.value()), value(field, mv.mask()), mf);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void set(Match.Builder b, Field field, FlowMatch.Masked mv) {
    MatchField mf = matchField(field);
    if (field == Field.VLAN_VID && v10) {
      b.setExact(MatchField.VLAN_VID, mv.value() == 0 ? OFVlanVidMatch.UNTAGGED
          : OFVlanVidMatch.ofVlan((int) (mv.value() & 0xfff)));
      return;
    }
    if (mv.exact(field)) {
      b.setExact(mf, value(field, mv.value()));
    } else {
      b.setMasked(mf, value(field, mv.value()), value(field, mv.mask()));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private OFOxm<?> oxm(Field field, long v) {
    MatchField mf = matchField(field);
    return f.oxms().fromValue(value(field, v), mf);
  }

  public FlowMatch fromMatch(Match m) {
    FlowMatch.Builder b = FlowMatch.builder();
    if (m instanceof org.projectfloodlight.openflow.protocol.OFMatchV3 v3) {
      // the OXMs as the switch sent them: openflowj's getters apply its own prerequisites (tun_src wants
      // eth_type=IPv4, OVS does not) and answer null for a field whose prerequisite is missing
      for (OFOxm<?> oxm : v3.getOxmList()) {
        Field field = field(oxm.getMatchField());
        if (field == null) {
          continue;
        }
        if (oxm.isMasked()) {
          b.masked(field, toLong(oxm.getValue()), toLong(oxm.getMask()));
        } else {
          b.exact(field, toLong(oxm.getValue()));
        }
      }
      return b.build();
    }
    for (MatchField<?> mf : m.getMatchFields()) {
      Field field = field(mf);
      if (field == null) {
        continue;
      }
      if (field == Field.VLAN_VID && v10) {
        OFVlanVidMatch vm = m.get(MatchField.VLAN_VID);
        b.exact(Field.VLAN_VID, vm.equals(OFVlanVidMatch.UNTAGGED) ? 0 : (vm.getVlan() | Field.VID_PRESENT));
        continue;
      }
      if (m.isExact(mf)) {
        b.exact(field, toLong(m.get(mf)));
      } else {
        var masked = m.getMasked(mf);
        b.masked(field, toLong(masked.getValue()), toLong(masked.getMask()));
      }
    }
    return b.build();
  }

  // ---- flow stats

  /** The stats entry as an installed flow; the entry is null when it holds something the model cannot express. */
  public InstalledFlow fromStats(OFFlowStatsEntry s) {
    int table = v10 ? 0 : s.getTableId().getValue();
    FlowMatch match = fromMatch(s.getMatch());
    FlowKey key = new FlowKey(table, s.getPriority(), match);
    Stage stage = pipeline.stage(table);
    FlowEntry entry = null;
    String raw;
    long packets;
    long bytes;
    long duration;
    if (s.getVersion().compareTo(OFVersion.OF_15) >= 0) {
      Stat st = s.getStats();
      packets = statValue(st, StatField.PACKET_COUNT);
      bytes = statValue(st, StatField.BYTE_COUNT);
      duration = statValue(st, StatField.DURATION) >>> 32;
    } else {
      packets = s.getPacketCount().getValue();
      bytes = s.getByteCount().getValue();
      duration = s.getDurationSec();
    }
    List<OFAction> ofActions = new ArrayList<>();
    List<Action> meters = new ArrayList<>();
    FlowEntry.Builder b = stage == null ? null : FlowEntry.in(stage).priority(s.getPriority()).match(match);
    boolean expressible = b != null;
    if (v10) {
      ofActions.addAll(s.getActions());
    } else {
      for (OFInstruction ins : s.getInstructions()) {
        if (ins instanceof org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter mi) {
          meters.add(new Action.Meter((int) mi.getMeterId()));
        } else if (ins instanceof OFInstructionApplyActions aa) {
          ofActions.addAll(aa.getActions());
        } else if (ins instanceof OFInstructionGotoTable g && b != null) {
          Stage next = pipeline.stage(g.getTableId().getValue());
          if (next == null || next.ordinal() <= stage.ordinal()) {
            expressible = false;
          } else {
            b.next(next);
          }
        } else if (ins instanceof OFInstructionWriteMetadata wm && b != null) {
          b.writeMetadata(wm.getMetadata().getValue(), wm.getMetadataMask().getValue());
        } else {
          expressible = false;
        }
      }
    }
    List<Action> actions = fromActions(ofActions);
    if (actions == null) {
      expressible = false;
    } else if (!meters.isEmpty()) {
      meters.addAll(actions);
      actions = meters;
    }
    if (expressible) {
      entry = b.actions(actions).idleTimeout(s.getIdleTimeout()).hardTimeout(s.getHardTimeout()).build();
      raw = null; // the entry says it; the text is only for what the model cannot express (an audit reads all)
    } else {
      raw = ofActions.stream().map(Object::toString).collect(Collectors.joining(","));
      if (!meters.isEmpty()) {
        raw = meters.get(0) + (raw.isEmpty() ? "" : "," + raw);
      }
    }
    return new InstalledFlow(key, entry, s.getCookie().getValue(), s.getIdleTimeout(), s.getHardTimeout(),
        packets, bytes, duration, raw);
  }

  private static long statValue(Stat st, StatField<U64> field) {
    try {
      U64 v = st.get(field);
      return v == null ? 0 : v.getValue();
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return 0;
    }
  }

  /** null when an action is one the model does not know. */
  public List<Action> fromActions(List<OFAction> list) {
    List<Action> out = new ArrayList<>(list.size());
    for (OFAction a : list) {
      if (a instanceof OFActionOutput o) {
        out.add(new Action.Output(o.getPort().getPortNumber() & 0xffffffffL));
      } else if (a instanceof OFActionPushVlan) {
        out.add(new Action.PushVlan());
      } else if (a instanceof OFActionPopVlan || a instanceof OFActionStripVlan) {
        out.add(new Action.PopVlan());
      } else if (a instanceof OFActionSetVlanVid sv) {
        out.add(new Action.SetField(Field.VLAN_VID, sv.getVlanVid().getVlan() | Field.VID_PRESENT));
      } else if (a instanceof OFActionSetField sf) {
        Field field = field(sf.getField().getMatchField());
        if (field == null) {
          return null;
        }
        out.add(new Action.SetField(field, toLong(sf.getField().getValue())));
      } else if (a instanceof OFActionDecNwTtl || a instanceof OFActionNiciraDecTtl) {
        out.add(Action.DEC_TTL);
      } else if (a instanceof OFActionNiciraCtClear) {
        out.add(new Action.CtClear());
      } else if (a instanceof OFActionNiciraCt ct) {
        Action c = fromConntrack(ct);
        if (c == null) {
          return null;
        }
        out.add(c);
      } else if (a instanceof OFActionNiciraMove mv) {
        Field src = Nxm.field(mv.getSrc());
        Field dst = Nxm.field(mv.getDst());
        if (src == null || dst == null) {
          return null;
        }
        out.add(new Action.Move(src, dst));
      } else {
        return null;
      }
    }
    return out;
  }

  // ---- field mapping

  public static MatchField<?> matchField(Field f) {
    return switch (f) {
      case IN_PORT -> MatchField.IN_PORT;
      case METADATA -> MatchField.METADATA;
      case ETH_DST -> MatchField.ETH_DST;
      case ETH_SRC -> MatchField.ETH_SRC;
      case ETH_TYPE -> MatchField.ETH_TYPE;
      case VLAN_VID -> MatchField.VLAN_VID;
      case IP_PROTO -> MatchField.IP_PROTO;
      case IPV4_SRC -> MatchField.IPV4_SRC;
      case IPV4_DST -> MatchField.IPV4_DST;
      case TCP_SRC -> MatchField.TCP_SRC;
      case TCP_DST -> MatchField.TCP_DST;
      case UDP_SRC -> MatchField.UDP_SRC;
      case UDP_DST -> MatchField.UDP_DST;
      case ICMPV4_TYPE -> MatchField.ICMPV4_TYPE;
      case ICMPV4_CODE -> MatchField.ICMPV4_CODE;
      case ARP_OP -> MatchField.ARP_OP;
      case ARP_SPA -> MatchField.ARP_SPA;
      case ARP_TPA -> MatchField.ARP_TPA;
      case ARP_SHA -> MatchField.ARP_SHA;
      case ARP_THA -> MatchField.ARP_THA;
      case TUNNEL_ID -> MatchField.TUNNEL_ID;
      case TUN_IPV4_SRC -> MatchField.TUNNEL_IPV4_SRC;
      case TUN_IPV4_DST -> MatchField.TUNNEL_IPV4_DST;
      case CT_STATE -> MatchField.CONNTRACK_STATE;
      case CT_ZONE -> MatchField.CONNTRACK_ZONE;
    };
  }

  /** Field by openflowj match field, built once (Field.values() copies its array on every call). */
  private static final java.util.Map<MatchField<?>, Field> FIELDS_BY_MATCH_FIELD;

  static {
    java.util.Map<MatchField<?>, Field> m = new java.util.HashMap<>();
    for (Field f : Field.values()) {
      m.putIfAbsent(matchField(f), f);
    }
    FIELDS_BY_MATCH_FIELD = m;
  }

  public static Field field(MatchField<?> mf) {
    return mf == null ? null : FIELDS_BY_MATCH_FIELD.get(mf);
  }

  @SuppressWarnings("rawtypes")
  static OFValueType value(Field f, long v) {
    return switch (f) {
      case IN_PORT -> OFPort.of((int) v);
      case METADATA -> OFMetadata.of(U64.of(v));
      case ETH_DST, ETH_SRC, ARP_SHA, ARP_THA -> MacAddress.of(v);
      case ETH_TYPE -> EthType.of((int) v);
      case VLAN_VID -> OFVlanVidMatch.ofRawVid((short) v);
      case IP_PROTO -> IpProtocol.of((short) v);
      case IPV4_SRC, IPV4_DST, ARP_SPA, ARP_TPA, TUN_IPV4_SRC, TUN_IPV4_DST -> IPv4Address.of((int) v);
      case TCP_SRC, TCP_DST, UDP_SRC, UDP_DST -> TransportPort.of((int) v);
      case ICMPV4_TYPE -> ICMPv4Type.of((short) v);
      case ICMPV4_CODE -> ICMPv4Code.of((short) v);
      case ARP_OP -> ArpOpcode.of((int) v);
      case TUNNEL_ID -> U64.of(v);
      case CT_STATE -> U32.of(v);
      case CT_ZONE -> U16.of((int) v);
    };
  }

  static long toLong(Object v) {
    if (v instanceof OFPort p) {
      return p.getPortNumber() & 0xffffffffL;
    } else if (v instanceof OFMetadata m) {
      return m.getValue().getValue();
    } else if (v instanceof MacAddress m) {
      return m.getLong();
    } else if (v instanceof EthType t) {
      return t.getValue();
    } else if (v instanceof OFVlanVidMatch vm) {
      return vm.getRawVid() & 0x1fff;
    } else if (v instanceof IpProtocol p) {
      return p.getIpProtocolNumber() & 0xff;
    } else if (v instanceof IPv4Address a) {
      return a.getInt() & 0xffffffffL;
    } else if (v instanceof TransportPort t) {
      return t.getPort();
    } else if (v instanceof ICMPv4Type t) {
      return t.getType() & 0xff;
    } else if (v instanceof ICMPv4Code c) {
      return c.getCode() & 0xff;
    } else if (v instanceof ArpOpcode o) {
      return o.getOpcode();
    } else if (v instanceof U64 u) {
      return u.getValue();
    } else if (v instanceof U32 u) {
      return u.getValue();
    } else if (v instanceof U16 u) {
      return u.getValue();
    }
    throw new IllegalArgumentException("unsupported value " + v);
  }
}
