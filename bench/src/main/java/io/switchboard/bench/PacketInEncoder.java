package io.switchboard.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * Encodes packet-ins fast: openflowj builds one message per in-port once (the header, the match, everything up to
 * the frame); each packet-in copies those bytes, patches the xid and buffer id, and writes its frame after them.
 * Both OpenFlow 1.0 and 1.3+ keep the buffer id at offset 8.
 */
final class PacketInEncoder {
  private final OFFactory f;
  private final int ports;
  private PacketInRule rule = PacketInRule.NONE;
  private byte[][] headers;

  PacketInEncoder(OFFactory factory, int ports) {
    this.f = factory;
    this.ports = ports;
    this.headers = new byte[ports + 1][];
  }

  PacketInRule rule() {
    return rule;
  }

  void rule(PacketInRule r) {
    if (!r.equals(rule)) {
      rule = r;
      headers = new byte[ports + 1][];
    }
  }

  /** Allocates and writes the packet-in header for {@code inPort}; the caller writes the frame after it. */
  ByteBuf start(ByteBufAllocator alloc, int inPort, long xid, long bufferId) {
    byte[] h = headers[inPort];
    if (h == null) {
      h = header(inPort);
      headers[inPort] = h;
    }
    ByteBuf buf = alloc.ioBuffer(h.length + Frames.LENGTH);
    buf.writeBytes(h);
    buf.setInt(4, (int) xid);
    buf.setInt(8, (int) bufferId);
    return buf;
  }

  private byte[] header(int inPort) {
    OFPacketIn.Builder b = f.buildPacketIn().setXid(0).setBufferId(OFBufferId.NO_BUFFER).setTotalLen(Frames.LENGTH)
        .setData(new byte[Frames.LENGTH]);
    if (f.getVersion() == OFVersion.OF_10) {
      b.setInPort(OFPort.of(inPort)).setReason(OFPacketInReason.NO_MATCH);
    } else {
      b.setReason(rule.tableMiss() ? OFPacketInReason.NO_MATCH : OFPacketInReason.ACTION)
          .setTableId(TableId.of(rule.table())).setCookie(U64.of(rule.cookie()))
          .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(inPort)).build());
    }
    ByteBuf tmp = Unpooled.buffer();
    b.build().writeTo(tmp);
    byte[] all = new byte[tmp.readableBytes() - Frames.LENGTH];
    tmp.getBytes(0, all);
    return all;
  }
}
