package io.switchboard.controller.openflow;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U32;

/**
 * Which OpenFlow version a connection speaks: the HELLO we offer (with a version bitmap from 1.3 on), the version
 * agreed from the switch's HELLO, and which message types a version knows (an unknown one is answered BAD_TYPE).
 * Stateless; used by {@link SwitchChannelHandler} during the handshake and for undecodable messages.
 */
final class VersionNegotiation {
  private VersionNegotiation() {}

  /** The HELLO to open with: the highest offered version, and the bitmap of all of them from 1.3 on. */
  static OFHello hello(List<OFVersion> offered) {
    OFFactory f = OFFactories.getFactory(offered.get(0));
    if (offered.get(0) == OFVersion.OF_10) {
      return f.buildHello().setXid(1).build();
    }
    return f.buildHello().setXid(1).setElements(List.of(f.helloElemVersionbitmap(List.of(U32.of(bitmap(offered))))))
        .build();
  }

  static long bitmap(List<OFVersion> versions) {
    long bits = 0;
    for (OFVersion v : versions) {
      bits |= 1L << v.getWireVersion();
    }
    return bits;
  }

  /** The highest version both sides support, or null. */
  static OFVersion negotiate(OFHello hello, List<OFVersion> ours) {
    long theirs = 0;
    if (hello.getVersion() != OFVersion.OF_10) {
      for (OFHelloElem e : hello.getElements()) {
        if (e instanceof OFHelloElemVersionbitmap bm && !bm.getBitmaps().isEmpty()) {
          theirs = bm.getBitmaps().get(0).getValue();
        }
      }
    }
    if (theirs != 0) {
      for (OFVersion v : ours) {
        if ((theirs & (1L << v.getWireVersion())) != 0) {
          return v;
        }
      }
      return null;
    }
    int wire = Math.min(hello.getVersion().getWireVersion(), ours.get(0).getWireVersion());
    for (OFVersion v : ours) {
      if (v.getWireVersion() == wire) {
        return v;
      }
    }
    return null;
  }

  static boolean isKnownType(OFVersion v, int type) {
    return typeOf(v, type) != null;
  }

  /** The message type {@code v} numbers {@code type} on the wire; null when that version has no such type. */
  static OFType typeOf(OFVersion v, int type) {
    try {
      byte b = (byte) type;
      return switch (v) {
        case OF_10 -> org.projectfloodlight.openflow.protocol.ver10.OFTypeSerializerVer10.ofWireValue(b);
        case OF_13 -> org.projectfloodlight.openflow.protocol.ver13.OFTypeSerializerVer13.ofWireValue(b);
        case OF_14 -> org.projectfloodlight.openflow.protocol.ver14.OFTypeSerializerVer14.ofWireValue(b);
        default -> org.projectfloodlight.openflow.protocol.ver15.OFTypeSerializerVer15.ofWireValue(b);
      };
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
