package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.apps.overlay.config.DhcpSettings;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DHCP codec with requests as dhclient and udhcpc send them, and with broken ones. */
class DhcpCodecTest {
  private static final int GW = Ipv4.parse("192.168.1.1");
  private static final int ADDR = Ipv4.parse("192.168.1.2");

  private static DhcpMessage message(byte[] frame) throws DhcpException {
    return DhcpMessage.parse(DhcpFrames.parse(frame).payload());
  }

  private static String reason(byte[] frame) {
    return assertThrows(DhcpException.class, () -> message(frame)).reason();
  }

  @Test
  void dhclientAndUdhcpcRequestsParse() throws DhcpException {
    DhcpFrames.Request r = DhcpFrames.parse(DhcpClients.dhclientDiscover(0x1234));
    assertEquals(DhcpClients.MAC, r.ethSrc());
    assertEquals(0, r.ipSrc());
    assertEquals(0xffff_ffff, r.ipDst());
    assertEquals(300, r.payload().length, "dhclient pads to 300 bytes");
    DhcpMessage d = DhcpMessage.parse(r.payload());
    assertEquals(DhcpMessage.DISCOVER, d.type());
    assertEquals(0x1234, d.xid());
    assertEquals(DhcpClients.MAC, d.chaddr());
    assertEquals("con6", d.hostname());

    DhcpMessage u = message(DhcpClients.udhcpcRequest(7, ADDR, GW));
    assertEquals(DhcpMessage.REQUEST, u.type());
    assertEquals(ADDR, u.address(DhcpMessage.OPT_REQUESTED_IP));
    assertEquals(GW, u.address(DhcpMessage.OPT_SERVER_ID));
    assertTrue(u.has(DhcpMessage.OPT_CLIENT_ID) && !u.has(DhcpMessage.OPT_HOSTNAME), "udhcpc's own option set");
    assertEquals("", u.hostname());

    DhcpMessage renew = message(DhcpClients.dhclientRenew(9, ADDR, GW));
    assertEquals(ADDR, renew.ciaddr());
    assertTrue(!renew.has(DhcpMessage.OPT_REQUESTED_IP));
  }

  @Test
  void capturedPacketsOfBothClientsParse() throws Exception {
    Map<String, byte[]> cap = DhcpServerTest.captures();
    DhcpMessage dd = message(cap.get("dhclient-discover"));
    assertEquals(DhcpMessage.DISCOVER, dd.type());
    assertEquals(List.of(53, 12, 55), List.copyOf(dd.options().keySet()), "dhclient's option set");
    DhcpMessage dr = message(cap.get("dhclient-init-reboot-request"));
    assertEquals(DhcpMessage.REQUEST, dr.type());
    assertEquals(ADDR, dr.address(DhcpMessage.OPT_REQUESTED_IP));
    assertTrue(!dr.has(DhcpMessage.OPT_SERVER_ID), "INIT-REBOOT names no server");
    DhcpMessage ud = message(cap.get("udhcpc-discover"));
    assertEquals(List.of(53, 57, 55, 60, 61), List.copyOf(ud.options().keySet()), "udhcpc's option set");
    assertEquals(Ipv4.parse("192.168.1.7"), message(cap.get("udhcpc-discover-requesting"))
        .address(DhcpMessage.OPT_REQUESTED_IP));
    for (byte[] f : cap.values()) {
      assertEquals(DhcpClients.MAC, message(f).chaddr());
      assertEquals(DhcpClients.MAC, DhcpFrames.parse(f).ethSrc());
    }
  }

  @Test
  void aMessageSurvivesEncodeAndParse() throws DhcpException {
    DhcpMessage m = message(DhcpClients.udhcpcDiscover(42));
    DhcpMessage again = DhcpMessage.parse(m.encode());
    assertEquals(m.xid(), again.xid());
    assertEquals(m.chaddr(), again.chaddr());
    assertEquals(m.options().keySet(), again.options().keySet());
    m.options().forEach((k, v) -> assertArrayEquals(v, again.options().get(k), "option " + k));
    byte[] longValue = new byte[300];
    Arrays.fill(longValue, (byte) 7);
    DhcpMessage big = new DhcpMessage(2, 1, 0, 0, 0, 0, 0, 1, java.util.Map.of(53, new byte[] {2}, 121, longValue));
    assertArrayEquals(longValue, DhcpMessage.parse(big.encode()).options().get(121),
        "an option over 255 bytes is split and joined again (RFC 3396)");
  }

  @Test
  void replyFramesHaveValidChecksums() throws DhcpException {
    byte[] payload = new DhcpMessage(2, 5, 0, 0, 0, ADDR, 0, DhcpClients.MAC, java.util.Map.of(53, new byte[] {2}))
        .encode();
    byte[] f = DhcpFrames.build(DhcpClients.MAC, GatewayMac.of(GW), GW, ADDR, payload);
    assertEquals(0, DhcpFrames.checksum(f, 14, 20, 0), "IPv4 header checksum");
    int udpLen = f.length - 34;
    long pseudo = ((GW >>> 16) & 0xffff) + (GW & 0xffff) + ((ADDR >>> 16) & 0xffff) + (ADDR & 0xffff) + 17 + udpLen;
    assertEquals(0, DhcpFrames.checksum(f, 34, udpLen, pseudo), "UDP checksum over the pseudo header");
    ByteBuffer b = ByteBuffer.wrap(f);
    assertEquals(67, b.getShort(34));
    assertEquals(68, b.getShort(36));
    assertArrayEquals(payload, Arrays.copyOfRange(f, 42, f.length));
  }

  @Test
  void classlessRoutesAreEncodedAsRfc3442AndGetTheDefaultRoute() {
    byte[] b = DhcpServer.classlessRoutes(List.of(
        new DhcpSettings.Route(Ipv4Prefix.parse("10.0.0.0/8"), Ipv4.parse("192.168.1.254")),
        new DhcpSettings.Route(Ipv4Prefix.parse("172.16.5.0/24"), Ipv4.parse("192.168.1.253"))), GW);
    assertArrayEquals(new byte[] {8, 10, (byte) 192, (byte) 168, 1, (byte) 254,
        24, (byte) 172, 16, 5, (byte) 192, (byte) 168, 1, (byte) 253,
        0, (byte) 192, (byte) 168, 1, 1}, b);
  }

  @Test
  void malformedPacketsAreRefusedWithTheirReason() {
    byte[] good = DhcpClients.udhcpcDiscover(1);
    assertEquals("truncated", reason(Arrays.copyOf(good, 100)), "cut inside the BOOTP header");
    assertEquals("truncated", reason(Arrays.copyOf(good, 20)), "cut inside the IP header");

    byte[] cookie = good.clone();
    cookie[42 + 236] = 0x12;
    assertEquals("bad-cookie", reason(cookie));

    // the parameter list says 40 bytes; the datagram ends long before
    byte[] past = DhcpClients.frame(0, -1, Arrays.copyOf(DhcpClients.bootp(2, 0, 0, DhcpClients.MAC,
        DhcpClients.opt(53, 1), new byte[] {55, 40, 1, 3}), 240 + 3 + 4), false);
    assertEquals("options-past-end", reason(past));

    byte[] noEnd = DhcpClients.frame(0, -1, Arrays.copyOf(DhcpClients.bootp(3, 0, 0, DhcpClients.MAC,
        DhcpClients.opt(53, 1)), 243), false);
    assertEquals("options-past-end", reason(noEnd), "no END option");

    byte[] bootp = DhcpClients.frame(0, -1, DhcpClients.bootp(4, 0, 0, DhcpClients.MAC,
        DhcpClients.opt(12, 'x')), false);
    assertEquals("no-message-type", reason(bootp));

    byte[] ipTooLong = good.clone();
    ipTooLong[16] = (byte) 0x7f;
    assertEquals("truncated", reason(ipTooLong), "IP total length beyond the frame");

    byte[] fragment = good.clone();
    fragment[20] = 0x20; // more fragments
    assertEquals("fragment", reason(fragment));

    byte[] hw = good.clone();
    hw[42 + 2] = 16;
    assertEquals("bad-hardware-address", reason(hw));
  }
}
