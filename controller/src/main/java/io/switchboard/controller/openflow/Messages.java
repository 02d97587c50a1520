package io.switchboard.controller.openflow;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.PacketIn;
import java.util.EnumSet;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterFlags;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBand;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The messages the core builds for apps, in each OpenFlow version's form: packet-outs and meter-mods. The apps
 * describe them with SPI types; only this class knows how they look on the wire.
 */
public final class Messages {
  private Messages() {}

  /**
   * A packet-out of {@code data} (or, with a buffer id, of the packet the switch kept: the data is then not sent
   * back to it) as if it came in on {@code inPort}.
   */
  public static OFMessage packetOut(SwitchSession s, long inPort, int bufferId, List<Action> actions, byte[] data) {
    OFFactory f = s.factory();
    var b = f.buildPacketOut().setXid(s.nextXid()).setActions(s.translator().actions(actions));
    if (bufferId == PacketIn.NO_BUFFER) {
      b.setBufferId(OFBufferId.NO_BUFFER).setData(data);
    } else {
      b.setBufferId(OFBufferId.of(bufferId)).setData(new byte[0]);
    }
    OFPort port = OFPort.of((int) inPort);
    if (f.getVersion().compareTo(OFVersion.OF_15) >= 0) {
      b.setMatch(f.buildMatch().setExact(MatchField.IN_PORT, port).build());
    } else {
      b.setInPort(port);
    }
    return b.build();
  }

  /** OFPMC_ADD of a packets-per-second meter with one drop band (OpenFlow 1.3 and later). */
  public static OFMessage meterAdd(SwitchSession s, ControllerApp.MeterSpec m) {
    OFFactory f = s.factory();
    var b = f.buildMeterMod().setXid(s.nextXid())
        .setCommand(OFMeterModCommand.ADD)
        .setFlags(EnumSet.of(OFMeterFlags.PKTPS, OFMeterFlags.BURST))
        .setMeterId(m.id());
    List<OFMeterBand> bands = List.of(f.meterBands().drop(m.packetsPerSecond(), m.burst()));
    try {
      b.setMeters(bands); // OpenFlow 1.3 names the list "meters"
    } catch (UnsupportedOperationException e) {
      b.setBands(bands); // 1.4 and 1.5 "bands"
    }
    return b.build();
  }
}
