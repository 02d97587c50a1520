package io.switchboard.bench;

import io.netty.buffer.ByteBuf;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Reading the controller's answers: which packet-in a packet-out carries, which hosts a flow-mod names. */
final class Responses {
  static final int OFPT_PACKET_OUT = 13;
  static final int OFPT_FLOW_MOD = 14;
  static final long NO_BUFFER = 0xffff_ffffL;
  static final int OFPFC_ADD = 0;
  static final int OFPFC_MODIFY_STRICT = 2;
  static final int OFPFC_DELETE_STRICT = 4;
  /** An OpenFlow 1.0 flow-mod: header (8), match (40), cookie (8), then the command (2). */
  private static final int FLOW_MOD10_COMMAND_AT = 56;
  /** ... idle and hard timeouts (2 each), priority (2), then the buffer id (4). */
  private static final int FLOW_MOD10_BUFFER_AT = 64;
  private static final int FLOW_MOD10_LENGTH = 72;

  private Responses() {}

  /** A packet-out, as far as the bench cares: its buffer id, and the tag of the frame it carries (or -1). */
  record PacketOut(long bufferId, long tag) {}

  /**
   * Parses a packet-out in place (it is the most frequent answer, so openflowj is bypassed): OpenFlow 1.0 has
   * buffer_id, in_port(2), actions_len(2), actions, data; 1.3/1.4 have buffer_id, in_port(4), actions_len(2),
   * pad(6), actions, data. Returns null when the message is too short for its own fields.
   */
  static PacketOut packetOut(ByteBuf m) {
    int start = m.readerIndex();
    int dataAt = dataOffset(m);
    if (dataAt < 0) {
      return null;
    }
    return new PacketOut(m.getUnsignedInt(start + 8), Frames.tagOf(m, start + dataAt,
        start + m.getUnsignedShort(start + 2)));
  }

  /** Where a packet-out's frame starts, from the message's start; -1 when the message is too short for it. */
  private static int dataOffset(ByteBuf m) {
    int start = m.readerIndex();
    int version = m.getUnsignedByte(start);
    int length = m.getUnsignedShort(start + 2);
    int actionsLenAt = version == OFVersion.OF_10.getWireVersion() ? 14 : 16;
    int actionsAt = version == OFVersion.OF_10.getWireVersion() ? 16 : 24;
    if (length < actionsAt || m.readableBytes() < length) {
      return -1;
    }
    int dataAt = actionsAt + m.getUnsignedShort(start + actionsLenAt);
    return dataAt > length ? -1 : dataAt;
  }

  /** An OpenFlow 1.0 flow-mod's command, read in place; -1 when the message is shorter than a flow-mod. */
  static int flowModCommand10(ByteBuf m) {
    int start = m.readerIndex();
    if (m.readableBytes() < FLOW_MOD10_LENGTH || m.getUnsignedShort(start + 2) < FLOW_MOD10_LENGTH) {
      return -1;
    }
    return m.getUnsignedShort(start + FLOW_MOD10_COMMAND_AT);
  }

  /**
   * An OpenFlow 1.0 flow-mod's buffer id, read in place; {@link #NO_BUFFER} when it has none, -1 when the message
   * is shorter than a flow-mod.
   */
  static long flowModBuffer10(ByteBuf m) {
    return flowModCommand10(m) < 0 ? -1 : m.getUnsignedInt(m.readerIndex() + FLOW_MOD10_BUFFER_AT);
  }

  /** True when a packet-out carries an LLDP frame (cbench does not count those as responses). */
  static boolean isLldp(ByteBuf m) {
    int dataAt = dataOffset(m);
    int start = m.readerIndex();
    return dataAt >= 0 && dataAt + 14 <= m.getUnsignedShort(start + 2)
        && m.getUnsignedShort(start + dataAt + 12) == 0x88cc;
  }

  /** The exact Ethernet source (or destination) a match requires, or -1 when it does not pin one. */
  static long mac(Match match, MatchField<MacAddress> field) {
    if (!match.supports(field) || !match.isExact(field)) {
      return -1;
    }
    MacAddress mac = match.get(field);
    return mac == null ? -1 : mac.getLong();
  }

  /** True when a match pins nothing a frame's headers would have to agree with (in-port and metadata aside). */
  static boolean catchAll(Match match) {
    for (MatchField<?> field : match.getMatchFields()) {
      if (field != MatchField.IN_PORT && field != MatchField.METADATA && field != MatchField.IN_PHY_PORT) {
        return false;
      }
    }
    return true;
  }

  /** True when the entry sends packets to the controller. */
  static boolean outputsToController(OFFlowMod fm) {
    if (fm.getVersion() == OFVersion.OF_10) {
      return toController(fm.getActions());
    }
    for (OFInstruction i : fm.getInstructions()) {
      if (i instanceof OFInstructionApplyActions a && toController(a.getActions())) {
        return true;
      }
      if (i instanceof OFInstructionWriteActions w && toController(w.getActions())) {
        return true;
      }
    }
    return false;
  }

  private static boolean toController(List<OFAction> actions) {
    for (OFAction a : actions) {
      if (a instanceof OFActionOutput o && o.getPort().equals(OFPort.CONTROLLER)) {
        return true;
      }
    }
    return false;
  }
}
