package io.switchboard.apps.l2;

import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.Values;
import java.nio.ByteBuffer;

/** Builds Ethernet frames and packet-ins for unit tests. */
final class Frames {
  static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

  private Frames() {}

  /** An IPv4 frame; vlan {@link Frame#NO_VLAN} for untagged. */
  static byte[] frame(String src, String dst, int vlan) {
    ByteBuffer b = ByteBuffer.allocate(64);
    putMac(b, Values.parseMac(dst));
    putMac(b, Values.parseMac(src));
    if (vlan != Frame.NO_VLAN) {
      b.putShort((short) 0x8100).putShort((short) vlan);
    }
    b.putShort((short) 0x0800);
    b.put((byte) 0x45);
    return b.array();
  }

  /** What a multi-table switch sends from the learn stage. */
  static PacketIn fromLearn(long inPort, String src, String dst, int vlan) {
    return new PacketIn(inPort, Stage.LEARN, 0, 0, PacketIn.NO_BUFFER, frame(src, dst, vlan));
  }

  /** What an OpenFlow 1.0 switch sends on a table miss. */
  static PacketIn fromMiss(long inPort, String src, String dst, int vlan) {
    return new PacketIn(inPort, null, 0, 0, PacketIn.NO_BUFFER, frame(src, dst, vlan));
  }

  private static void putMac(ByteBuffer b, long mac) {
    for (int i = 5; i >= 0; i--) {
      b.put((byte) (mac >>> (8 * i)));
    }
  }
}
