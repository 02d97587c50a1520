package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void hostPort() {
    assertEquals(new HostPort("0.0.0.0", 6653), HostPort.parse("0.0.0.0:6653"));
    assertEquals(new HostPort("ctl.example.org", 80), HostPort.parse("ctl.example.org:80"));
    assertEquals("[::1]:6653", HostPort.parse("[::1]:6653").toString());
    assertEquals("127.0.0.1:0", HostPort.parse("127.0.0.1:0").toString());
    for (String bad : List.of("6653", "host:", ":80", "a:b:c", "h:65536", "h:-1", "[::1]", "bad host:80")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("expected host:port, e.g. 0.0.0.0:6653"), e.getMessage());
    }
  }

  @Test
  void ipv4() {
    assertEquals(0x0a000001, Ipv4.parse("10.0.0.1"));
    assertEquals(0xffffffff, Ipv4.parse("255.255.255.255"));
    assertEquals("192.168.1.2", Ipv4.format(Ipv4.parse("192.168.1.2")));
    for (String bad : List.of("10.0.0", "10.0.0.256", "10.0.0.01", "10.0.0.1.", "a.b.c.d", "", "10.0.0.-1")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("expected an IPv4 address like 192.168.1.2, got"), e.getMessage());
    }
  }

  @Test
  void ipv4Prefix() {
    Ipv4Prefix p = Ipv4Prefix.parse("192.168.1.0/24");
    assertTrue(p.contains(Ipv4.parse("192.168.1.255")));
    assertFalse(p.contains(Ipv4.parse("192.168.2.0")));
    assertEquals("192.168.1.255", Ipv4.format(p.lastAddress()));
    assertEquals("10.0.0.0/8", Ipv4Prefix.parse("10.20.30.40/8").toString());
    assertEquals(new Ipv4Prefix(Ipv4.parse("10.0.0.1"), 32), Ipv4Prefix.parse("10.0.0.1"));
    assertTrue(Ipv4Prefix.parse("0.0.0.0/0").contains(Ipv4.parse("8.8.8.8")));
    assertTrue(p.overlaps(Ipv4Prefix.parse("192.168.0.0/16")));
    assertTrue(Ipv4Prefix.parse("192.168.0.0/16").overlaps(p));
    assertTrue(p.overlaps(Ipv4Prefix.parse("192.168.1.128/25")));
    assertFalse(p.overlaps(Ipv4Prefix.parse("192.168.2.0/24")));
    assertTrue(p.overlaps(p));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0.0/"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0/8"));
  }

  @Test
  void macAddress() {
    MacAddress m = MacAddress.parse("02:00:00:00:01:0A");
    assertEquals(0x02000000010aL, m.value());
    assertEquals("02:00:00:00:01:0a", m.toString());
    assertEquals(m, MacAddress.parse("2-0-0-0-1-a"));
    assertFalse(m.isMulticast());
    assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
    assertTrue(MacAddress.BROADCAST.isBroadcast());
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:01"));
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:01:100"));
    assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
  }

  @Test
  void portRange() {
    assertEquals(PortRange.of(22), PortRange.parse("22"));
    assertEquals(new PortRange(1000, 2000), PortRange.parse("1000-2000"));
    assertEquals("1000-2000", PortRange.parse("1000 - 2000").toString());
    assertEquals("22", PortRange.of(22).toString());
    for (String bad : List.of("70000", "-1", "2000-1000", "a", "1-2-3", "", "22-")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortRange.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("expected a port (0-65535) or a range lo-hi, got"), e.getMessage());
    }
  }

  @Test
  void portRangeMasksCoverExactlyTheRange() {
    assertEquals(List.of(new PortRange.Masked(22, 0xffff)), PortRange.of(22).toMasks());
    assertEquals(List.of(new PortRange.Masked(0, 0)), new PortRange(0, 65535).toMasks());
    assertEquals(List.of(new PortRange.Masked(1024, 0xfc00), new PortRange.Masked(2048, 0xf800),
        new PortRange.Masked(4096, 0xf000), new PortRange.Masked(8192, 0xe000), new PortRange.Masked(16384, 0xc000),
        new PortRange.Masked(32768, 0x8000)), new PortRange(1024, 65535).toMasks());
    for (PortRange r : List.of(new PortRange(1000, 2000), new PortRange(1, 65534), new PortRange(5, 5),
        new PortRange(32767, 32769))) {
      List<PortRange.Masked> masks = r.toMasks();
      for (int port = 0; port <= 65535; port++) {
        int p = port;
        long hits = masks.stream().filter(m -> (p & m.mask()) == m.value()).count();
        assertEquals(r.contains(port) ? 1 : 0, hits, () -> r + " port " + p);
      }
    }
  }

  @Test
  void dpid() {
    assertEquals(OptionalLong.of(1), Dpid.parse("00:00:00:00:00:00:00:01"));
    assertEquals(OptionalLong.of(0x2a), Dpid.parse("000000000000002a"));
    assertEquals(OptionalLong.of(0x2a), Dpid.parse("0x2A"));
    assertEquals(OptionalLong.of(-1L), Dpid.parse("ff:ff:ff:ff:ff:ff:ff:ff"));
    assertEquals(OptionalLong.empty(), Dpid.parse("ovs0"));
    assertEquals(OptionalLong.empty(), Dpid.parse("deadbeef"));
    assertEquals(OptionalLong.of(0xffffffffffffffffL), Dpid.parse(" 0xFFFFFFFFFFFFFFFF "));
    for (String name : List.of("0x", "0x12345678901234567", "00:00:00:00:00:00:00:0g", "00-00-00-00-00-00-00-01",
        "0000:00:00:00:00:00:0001", "abcdefghijklmnop", "000000000000002\u0661", "0xg")) {
      assertEquals(OptionalLong.empty(), Dpid.parse(name), name);
    }
    assertEquals("00:00:00:00:00:00:00:2a", Dpid.format(42));
    assertEquals("fe:dc:ba:98:76:54:32:10", Dpid.format(0xfedcba9876543210L));
    assertEquals("ff:ff:ff:ff:ff:ff:ff:ff", Dpid.format(-1));
    assertEquals(OptionalLong.of(0xfedcba9876543210L), Dpid.parse(Dpid.format(0xfedcba9876543210L)));
    assertTrue(Dpid.sameBridge("0x2a", "00:00:00:00:00:00:00:2a"));
    assertFalse(Dpid.sameBridge("ovs0", "ovs1"));
  }

  @Test
  void durations() {
    assertEquals(Duration.ofSeconds(5), Values.duration("5s"));
    assertEquals(Duration.ofMillis(500), Values.duration("500ms"));
    assertEquals(Duration.ofMinutes(2), Values.duration("2m"));
    assertEquals(Duration.ofHours(1), Values.duration("1h"));
    assertEquals(Duration.ofSeconds(3723), Values.duration("1h2m3s"));
    for (String bad : List.of("5", "5.5", "5 s", "s", "5x", "", "1.5s")) {
      assertThrows(IllegalArgumentException.class, () -> Values.duration(bad), bad);
    }
    assertEquals("5m", Values.format(Duration.ofSeconds(300)));
    assertEquals("90s", Values.format(Duration.ofSeconds(90)));
    assertEquals("1h", Values.format(Duration.ofHours(1)));
  }

  @Test
  void suggestions() {
    List<String> keys = List.of("listen", "echo-interval");
    assertEquals("echo-interval", Suggest.closest("echo-intervall", keys).orElseThrow());
    assertEquals("echo-interval", Suggest.closest("Echo_Interval", keys).orElseThrow());
    assertEquals("listen", Suggest.closest("lsiten", keys).orElseThrow());
    assertTrue(Suggest.closest("port", keys).isEmpty());
    assertTrue(Suggest.closest("ab", List.of("acl")).isEmpty());
    assertEquals(1, Suggest.distance("vlna", "vlan"));
    assertEquals(3, Suggest.distance("kitten", "sitting"));
  }

  @Test
  void configErrorText() {
    assertEquals("a.yaml:3: x.y: bad", new ConfigError("a.yaml", 3, "x.y", "bad").toString());
    assertEquals("a.yaml: bad", new ConfigError("a.yaml", 0, "", "bad").toString());
    assertEquals("x.y: bad", ConfigError.of("x.y", "bad").toString());
    assertEquals("line 2: bad", new ConfigError(null, 2, "", "bad").toString());
  }
}
