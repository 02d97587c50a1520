package io.switchboard.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlMsg;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlType;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortFeatures;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * What an Open vSwitch bridge answers to a controller's requests, for one emulated switch: features, port
 * descriptions, switch description, an empty flow table, barriers, roles, bundle control. Pure message
 * construction; the switch decides when to send.
 */
final class SwitchReplies {
  private final OFFactory f;
  private final long dpid;
  private final String bridgeName;
  private final Hosts hosts;
  private final boolean buffered;

  SwitchReplies(OFFactory factory, long dpid, String bridgeName, Hosts hosts, boolean buffered) {
    this.f = factory;
    this.dpid = dpid;
    this.bridgeName = bridgeName;
    this.hosts = hosts;
    this.buffered = buffered;
  }

  OFMessage features(long xid) {
    var b = f.buildFeaturesReply().setXid(xid).setDatapathId(DatapathId.of(dpid))
        .setNBuffers(buffered ? 256 : 0).setNTables((short) 254)
        .setCapabilities(EnumSet.of(OFCapabilities.FLOW_STATS, OFCapabilities.TABLE_STATS,
            OFCapabilities.PORT_STATS));
    if (f.getVersion() == OFVersion.OF_10) {
      b.setPorts(ports());
      b.setActions(Set.of());
    }
    return b.build();
  }

  /** The host ports and the LOCAL port, which names the bridge. */
  List<OFPortDesc> ports() {
    List<OFPortDesc> out = new ArrayList<>();
    for (int p = 1; p <= hosts.ports(); p++) {
      out.add(port(OFPort.of(p), "p" + p, 0x0e0000000000L | ((dpid & 0xffff) << 16) | p));
    }
    out.add(port(OFPort.LOCAL, bridgeName, 0x0e0000000000L | ((dpid & 0xffff) << 16)));
    return out;
  }

  private OFPortDesc port(OFPort no, String name, long mac) {
    var b = f.buildPortDesc().setPortNo(no).setName(name).setHwAddr(MacAddress.of(mac))
        .setConfig(Set.of()).setState(EnumSet.of(OFPortState.LIVE));
    if (f.getVersion() == OFVersion.OF_10) {
      b.setState(Set.of());
    }
    if (f.getVersion().compareTo(OFVersion.OF_14) < 0) {
      b.setCurr(EnumSet.of(OFPortFeatures.PF_10GB_FD, OFPortFeatures.PF_COPPER));
    }
    return b.build();
  }

  OFMessage portDesc(long xid) {
    return f.buildPortDescStatsReply().setXid(xid).setEntries(ports()).build();
  }

  OFMessage getConfig(long xid, int missSendLen) {
    return f.buildGetConfigReply().setXid(xid).setFlags(Set.of()).setMissSendLen(missSendLen).build();
  }

  OFMessage echo(long xid, byte[] data) {
    return f.buildEchoReply().setXid(xid).setData(data).build();
  }

  OFMessage barrier(long xid) {
    return f.buildBarrierReply().setXid(xid).build();
  }

  OFMessage role(OFRoleRequest req) {
    return f.buildRoleReply().setXid(req.getXid()).setRole(req.getRole()).setGenerationId(req.getGenerationId())
        .build();
  }

  /** The reply to a stats (multipart) request, or an error for kinds an emulated switch has nothing for. */
  OFMessage stats(OFStatsRequest<?> req) {
    long xid = req.getXid();
    return switch (req.getStatsType()) {
      case FLOW -> f.buildFlowStatsReply().setXid(xid).setEntries(List.of()).build();
      case PORT_DESC -> portDesc(xid);
      case DESC -> f.buildDescStatsReply().setXid(xid).setMfrDesc("Switchboard bench")
          .setHwDesc("emulated switch").setSwDesc("LoadGenerator").setSerialNum(Long.toHexString(dpid))
          .setDpDesc(bridgeName).build();
      case AGGREGATE -> f.buildAggregateStatsReply().setXid(xid).setPacketCount(U64.ZERO).setByteCount(U64.ZERO)
          .setFlowCount(0).build();
      case TABLE -> f.buildTableStatsReply().setXid(xid).setEntries(List.of()).build();
      case PORT -> f.buildPortStatsReply().setXid(xid).setEntries(List.of()).build();
      default -> f.errorMsgs().buildBadRequestErrorMsg().setXid(xid)
          .setCode(OFBadRequestCode.BAD_STAT)
          .setData(OFErrorCauseData.of(new byte[0], f.getVersion())).build();
    };
  }

  /** OPEN/CLOSE/COMMIT/DISCARD requests get the matching reply (OpenFlow 1.4 bundles). */
  OFMessage bundle(OFBundleCtrlMsg req) {
    OFBundleCtrlType reply = switch (req.getBundleCtrlType()) {
      case OPEN_REQUEST -> OFBundleCtrlType.OPEN_REPLY;
      case CLOSE_REQUEST -> OFBundleCtrlType.CLOSE_REPLY;
      case COMMIT_REQUEST -> OFBundleCtrlType.COMMIT_REPLY;
      case DISCARD_REQUEST -> OFBundleCtrlType.DISCARD_REPLY;
      default -> null;
    };
    if (reply == null) {
      return null;
    }
    return f.buildBundleCtrlMsg().setXid(req.getXid()).setBundleId(req.getBundleId()).setBundleCtrlType(reply)
        .setFlags(req.getFlags()).setProperties(List.of()).build();
  }
}
