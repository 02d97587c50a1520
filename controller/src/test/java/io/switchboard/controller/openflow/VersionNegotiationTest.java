package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U32;

class VersionNegotiationTest {
  private static final List<OFVersion> OURS = List.of(OFVersion.OF_14, OFVersion.OF_13, OFVersion.OF_10);

  private static OFHello hello(OFVersion v, long bitmap) {
    OFFactory f = OFFactories.getFactory(v);
    return bitmap == 0 ? f.buildHello().setXid(1).build()
        : f.buildHello().setXid(1).setElements(List.of(f.helloElemVersionbitmap(List.of(U32.of(bitmap))))).build();
  }

  @Test
  void theBitmapPicksTheHighestVersionBothSpeak() {
    long of10and13 = (1L << 1) | (1L << 4);
    assertEquals(OFVersion.OF_13, VersionNegotiation.negotiate(hello(OFVersion.OF_15, of10and13), OURS));
    assertEquals(OFVersion.OF_10, VersionNegotiation.negotiate(hello(OFVersion.OF_13, 1L << 1), OURS));
    assertNull(VersionNegotiation.negotiate(hello(OFVersion.OF_15, 1L << 6), OURS), "1.5 only: nothing in common");
  }

  @Test
  void withoutABitmapTheLowerOfTheTwoHeadersWins() {
    assertEquals(OFVersion.OF_10, VersionNegotiation.negotiate(hello(OFVersion.OF_10, 0), OURS));
    assertEquals(OFVersion.OF_14, VersionNegotiation.negotiate(hello(OFVersion.OF_15, 0), OURS));
    assertEquals(OFVersion.OF_13, VersionNegotiation.negotiate(hello(OFVersion.OF_14, 0),
        List.of(OFVersion.OF_13, OFVersion.OF_10)));
    assertNull(VersionNegotiation.negotiate(hello(OFVersion.OF_10, 0), List.of(OFVersion.OF_13)),
        "a 1.0 switch and a 1.3-only controller share nothing");
  }

  @Test
  void ourHelloOffersEveryVersionFromOneThreeOn() {
    OFHello h = VersionNegotiation.hello(OURS);
    assertEquals(OFVersion.OF_14, h.getVersion());
    long bits = ((OFHelloElemVersionbitmap) h.getElements().get(0)).getBitmaps().get(0).getValue();
    assertEquals((1L << 5) | (1L << 4) | (1L << 1), bits);
    assertEquals(OFVersion.OF_10, VersionNegotiation.hello(List.of(OFVersion.OF_10)).getVersion(), "1.0: no bitmap");
  }

  @Test
  void messageTypesAreKnownPerVersion() {
    assertTrue(VersionNegotiation.isKnownType(OFVersion.OF_13, 10)); // PACKET_IN
    assertTrue(VersionNegotiation.isKnownType(OFVersion.OF_14, 33)); // BUNDLE_CONTROL exists from 1.4
    assertFalse(VersionNegotiation.isKnownType(OFVersion.OF_13, 33));
    assertFalse(VersionNegotiation.isKnownType(OFVersion.OF_10, 99));
  }
}
