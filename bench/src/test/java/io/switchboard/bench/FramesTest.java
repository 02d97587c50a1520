package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.switchboard.controller.spi.Frame;
import org.junit.jupiter.api.Test;

class FramesTest {
  final Hosts hosts = new Hosts(3, 100);

  byte[] frame(Frames.Kind kind, int src, int dst, int seq) {
    ByteBuf b = Unpooled.buffer();
    Frames.write(b, kind, hosts.mac(src), hosts.ipv4(src), hosts.mac(dst), hosts.ipv4(dst), seq);
    return ByteBufUtil.getBytes(b);
  }

  @Test
  void anIpv4FrameParsesAsTheControllerSeesItAndCarriesItsTag() {
    byte[] data = frame(Frames.Kind.IPV4_UDP, 1, 2, 0x01020304);
    assertEquals(Frames.LENGTH, data.length);
    assertEquals(0x01020304L, Frames.tagOf(data));
    Frame f = Frame.parse(data);
    assertEquals(hosts.mac(1), f.ethSrc());
    assertEquals(hosts.mac(2), f.ethDst());
    assertEquals(0x0800, f.ethType());
    ByteBuf b = Unpooled.wrappedBuffer(data);
    assertEquals(0, Frames.ipv4Checksum(b, 14), "a header with a valid checksum sums to 0xffff");
  }

  @Test
  void anArpAnnouncementIsBroadcastFromItsHost() {
    byte[] data = frame(Frames.Kind.ARP_ANNOUNCE, 7, 7, 9);
    Frame f = Frame.parse(data);
    assertEquals(Frames.BROADCAST, f.ethDst());
    assertEquals(hosts.mac(7), f.ethSrc());
    assertEquals(0x0806, f.ethType());
    assertEquals(9, Frames.tagOf(data));
  }

  @Test
  void aFrameWithoutTheMagicHasNoTag() {
    byte[] data = frame(Frames.Kind.ARP_REPLY, 1, 2, 5);
    data[Frames.LENGTH - 8] = 0;
    assertEquals(-1, Frames.tagOf(data));
  }

  @Test
  void hostsAreOwnedByTheirSwitchAndTrafficNeverStaysOnOnePort() {
    Hosts many = new Hosts(3, 1000);
    assertEquals(5, many.hostOf(many.mac(5)));
    assertEquals(-1, many.hostOf(new Hosts(4, 1000).mac(5)), "another switch's host");
    assertEquals(-1, many.hostOf(many.mac(999) + 1), "beyond the host count");
    for (long k = 0; k < 5000; k++) {
      int s = many.source(k);
      int d = many.destination(k);
      assertNotEquals(s, d);
      assertNotEquals(many.port(s), many.port(d), "k=" + k);
    }
    assertTrue(many.ports() <= Hosts.MAX_PORTS);
  }

  @Test
  void withOneDestinationEachSourceIsOnePairAsInCbench() {
    Hosts one = new Hosts(3, 1000, 1);
    Hosts all = new Hosts(3, 1000);
    java.util.Set<Long> pairsOne = new java.util.HashSet<>();
    java.util.Set<Long> pairsAll = new java.util.HashSet<>();
    for (long k = 0; k < 1000L * 100; k++) {
      assertNotEquals(one.port(one.source(k)), one.port(one.destination(k)), "k=" + k);
      pairsOne.add((long) one.source(k) << 32 | one.destination(k));
      pairsAll.add((long) all.source(k) << 32 | all.destination(k));
    }
    assertEquals(1000, pairsOne.size(), "one pair a source");
    assertEquals(1000 * 63, pairsAll.size(), "63 pairs a source, after 63 rounds");
  }
}
