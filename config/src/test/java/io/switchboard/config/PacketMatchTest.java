package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PacketMatchTest {

  private static PacketMatch ok(Map<String, ?> fields) {
    Result<PacketMatch> r = PacketMatch.parse(fields);
    assertTrue(r.isOk(), r::toString);
    return r.value();
  }

  /** The single error of parsing {@code fields}, as "path: message". */
  private static String error(Map<String, ?> fields) {
    Result<PacketMatch> r = PacketMatch.parse(fields);
    assertFalse(r.isOk(), () -> "expected an error for " + fields);
    assertEquals(1, r.errors().size(), r::errorText);
    assertEquals(0, r.errors().get(0).line());
    return r.errors().get(0).toString();
  }

  @Test
  void everyFieldParses() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("in-port", "con6-eth");
    f.put("vlan", 100);
    f.put("eth-src", "02:00:00:00:01:02");
    f.put("eth-dst", "02:00:00:00:02:02");
    f.put("eth-type", "ipv4");
    f.put("ipv4-src", "192.168.1.2");
    f.put("ipv4-dst", "192.168.2.0/24");
    f.put("ip-proto", "tcp");
    f.put("tcp-src", "1024-65535");
    f.put("tcp-dst", 22);
    f.put("ttl", 64);
    f.put("tun-id", "0x64");
    PacketMatch m = ok(f);
    assertEquals(Optional.of("con6-eth"), m.inPort());
    assertEquals(OptionalInt.of(100), m.vlan());
    assertEquals(0x020000000102L, m.ethSrc().orElseThrow().value());
    assertEquals("02:00:00:00:02:02", m.ethDst().orElseThrow().toString());
    assertEquals(OptionalInt.of(0x0800), m.ethType());
    assertEquals(Ipv4Prefix.host(Ipv4.parse("192.168.1.2")), m.ipv4Src().orElseThrow());
    assertEquals(24, m.ipv4Dst().orElseThrow().length());
    assertEquals(OptionalInt.of(6), m.ipProto());
    assertEquals(new PortRange(1024, 65535), m.tcpSrc().orElseThrow());
    assertEquals(PortRange.of(22), m.tcpDst().orElseThrow());
    assertEquals(OptionalInt.of(64), m.ttl());
    assertEquals(OptionalLong.of(100), m.tunId());
    assertEquals("in-port=con6-eth,vlan=100,eth-src=02:00:00:00:01:02,eth-dst=02:00:00:00:02:02,eth-type=ipv4,"
        + "ipv4-src=192.168.1.2,ipv4-dst=192.168.2.0/24,ip-proto=tcp,tcp-src=1024-65535,tcp-dst=22,ttl=64,tun-id=100",
        m.toString());
    assertEquals(m, ok(m.toMap()), "toMap parses back to the same match");

    PacketMatch udp = ok(Map.of("udp-src", "53", "udp-dst", "1000-2000"));
    assertEquals(PortRange.of(53), udp.udpSrc().orElseThrow());
    assertEquals(new PortRange(1000, 2000), udp.udpDst().orElseThrow());
    assertEquals(udp, ok(udp.toMap()));
  }

  @Test
  void namesAndNumbers() {
    assertEquals(OptionalInt.of(0x0806), ok(Map.of("eth-type", "arp")).ethType());
    assertEquals(OptionalInt.of(0x86dd), ok(Map.of("eth-type", "IPv6")).ethType());
    assertEquals(OptionalInt.of(0x8100), ok(Map.of("eth-type", "vlan")).ethType());
    assertEquals(OptionalInt.of(0x88cc), ok(Map.of("eth-type", "lldp")).ethType());
    assertEquals(OptionalInt.of(0x0800), ok(Map.of("eth-type", "0x0800")).ethType());
    assertEquals(OptionalInt.of(2048), ok(Map.of("eth-type", 2048)).ethType());
    assertEquals(OptionalInt.of(0x88b5), ok(Map.of("eth-type", "0x88B5")).ethType());
    assertEquals("0x88b5", EthType.format(0x88b5));
    assertEquals(OptionalInt.of(1), ok(Map.of("ip-proto", "icmp")).ipProto());
    assertEquals(OptionalInt.of(17), ok(Map.of("ip-proto", "udp")).ipProto());
    assertEquals(OptionalInt.of(47), ok(Map.of("ip-proto", 47)).ipProto());
    assertEquals("47", IpProto.format(47));
    assertEquals(Optional.of("3"), ok(Map.of("in-port", 3)).inPort());
    assertEquals(Optional.of("7"), ok(Map.of("in-port", "007")).inPort());
    assertEquals(OptionalLong.of(5000), ok(Map.of("tun-id", 5000)).tunId());
    assertEquals(OptionalLong.of(-1L), ok(Map.of("tun-id", "0xffffffffffffffff")).tunId());
    assertEquals("18446744073709551615", ok(Map.of("tun-id", "0xffffffffffffffff")).toMap().get("tun-id"));
  }

  @Test
  void prefixesAreNormalized() {
    PacketMatch m = ok(Map.of("ipv4-src", "10.1.2.3/8"));
    assertEquals("10.0.0.0/8", m.ipv4Src().orElseThrow().toString());
    assertEquals("0.0.0.0/0", ok(Map.of("ipv4-dst", "0.0.0.0/0")).ipv4Dst().orElseThrow().toString());
  }

  @Test
  void badValuesSayWhatWasExpected() {
    assertEquals("vlan: expected a VLAN id (1-4094), got \"4095\" (out of range)", error(Map.of("vlan", 4095)));
    assertEquals("vlan: expected a VLAN id (1-4094), got \"0\" (out of range)", error(Map.of("vlan", 0)));
    assertEquals("vlan: expected a VLAN id (1-4094), got \"ten\"", error(Map.of("vlan", "ten")));
    assertEquals("eth-src: expected a MAC address like 02:00:00:00:01:02, got \"02:00:00:00:01\"",
        error(Map.of("eth-src", "02:00:00:00:01")));
    assertEquals("eth-type: expected an ethertype: ipv4, arp, ipv6, vlan, lldp or a number 0x0600-0xffff, got \"ip\"",
        error(Map.of("eth-type", "ip")));
    assertTrue(error(Map.of("eth-type", 100)).contains("frame lengths"));
    assertEquals("ipv4-src: expected an IPv4 address or prefix like 10.0.0.0/8, got \"10.0.0.256\"",
        error(Map.of("ipv4-src", "10.0.0.256")));
    assertTrue(error(Map.of("ipv4-dst", "10.0.0.0/33")).contains("prefix length must be 0-32"));
    assertEquals("ip-proto: expected an IP protocol: icmp, tcp, udp or a number 0-255, got \"256\"",
        error(Map.of("ip-proto", 256)));
    assertEquals("tcp-dst: expected a port (0-65535) or a range lo-hi, got \"70000\"", error(Map.of("tcp-dst", 70000)));
    assertEquals("udp-dst: expected a port (0-65535) or a range lo-hi, got \"2000-1000\" (lo is greater than hi)",
        error(Map.of("udp-dst", "2000-1000")));
    assertEquals("ttl: expected a TTL (0-255), got \"300\" (out of range)", error(Map.of("ttl", 300)));
    assertTrue(error(Map.of("tun-id", "0x1ffffffffffffffff")).startsWith("tun-id: expected a tunnel id"));
    assertEquals("in-port: expected a port name or number, got \"con 6\"", error(Map.of("in-port", "con 6")));
    assertEquals("vlan: expected a VLAN id (1-4094), got a list", error(Map.of("vlan", List.of(1))));
  }

  @Test
  void everyBadFieldIsReported() {
    Result<PacketMatch> r = PacketMatch.parse(Map.of("vlan", 0, "ttl", -1, "tcp-dst", "x"));
    assertEquals(3, r.errors().size(), r::errorText);
  }

  @Test
  void unknownFieldsGetSuggestions() {
    assertEquals("eth-dest: unknown key; did you mean 'eth-dst'?", error(Map.of("eth-dest", "02:00:00:00:00:01")));
    assertEquals("nw_dst: unknown key; did you mean 'ipv4-dst'?", error(Map.of("nw_dst", "10.0.0.1")));
    assertEquals("dl_type: unknown key; did you mean 'eth-type'?", error(Map.of("dl_type", "ipv4")));
    assertEquals("tp_dst: unknown key; did you mean 'tcp-dst' or 'udp-dst'?", error(Map.of("tp_dst", 22)));
    assertTrue(error(Map.of("colour", "red")).startsWith("colour: unknown key; expected one of: in-port, vlan,"));
  }

  @Test
  void parseWithKeyPathAddsToErrors() {
    Errors errors = new Errors(null);
    assertEquals(Optional.empty(), PacketMatch.parse(Map.of("vlan", 5000), "trace", errors));
    assertEquals("trace.vlan: expected a VLAN id (1-4094), got \"5000\" (out of range)", errors.list().get(0).toString());
  }

  // ---- prerequisites ------------------------------------------------------------------------------

  private static PacketMatch full(Map<String, ?> fields) {
    Result<PacketMatch> r = ok(fields).withPrerequisites();
    assertTrue(r.isOk(), r::toString);
    return r.value();
  }

  private static String contradiction(Map<String, ?> fields) {
    Result<PacketMatch> r = ok(fields).withPrerequisites();
    assertFalse(r.isOk(), () -> "expected a contradiction in " + fields);
    return r.errorText();
  }

  @Test
  void prerequisitesAreImplied() {
    assertEquals("eth-type=ipv4,ip-proto=tcp,tcp-dst=22", full(Map.of("tcp-dst", 22)).toString());
    assertEquals("eth-type=ipv4,ip-proto=udp,udp-src=53", full(Map.of("udp-src", 53)).toString());
    assertEquals("eth-type=ipv4,ipv4-src=10.0.0.0/8", full(Map.of("ipv4-src", "10.0.0.0/8")).toString());
    assertEquals("eth-type=ipv4,ip-proto=icmp", full(Map.of("ip-proto", "icmp")).toString());
    assertEquals("eth-type=ipv6,ip-proto=tcp,tcp-dst=22", full(Map.of("eth-type", "ipv6", "tcp-dst", 22)).toString());
    assertEquals("in-port=p1", full(Map.of("in-port", "p1")).toString());
    assertEquals("any", full(Map.of()).toString());
    assertTrue(full(Map.of()).isEmpty());
    PacketMatch explicit = full(Map.of("eth-type", "ipv4", "ip-proto", "tcp", "tcp-dst", 22));
    assertEquals(full(Map.of("tcp-dst", 22)), explicit);
  }

  @Test
  void contradictionsNameTheField() {
    assertEquals("tcp-dst: tcp-dst needs ip-proto tcp, but ip-proto is udp",
        contradiction(Map.of("ip-proto", "udp", "tcp-dst", 22)));
    assertEquals("udp-src: udp-src needs ip-proto udp, but ip-proto is icmp",
        contradiction(Map.of("ip-proto", "icmp", "udp-src", 53)));
    assertEquals("udp-dst: a packet cannot be both TCP and UDP: udp-dst contradicts tcp-src",
        contradiction(Map.of("tcp-src", 1, "udp-dst", 2)));
    assertEquals("ipv4-dst: ipv4-dst needs eth-type ipv4, but eth-type is arp",
        contradiction(Map.of("eth-type", "arp", "ipv4-dst", "10.0.0.1")));
    assertEquals("ip-proto: ip-proto needs eth-type ipv4 or ipv6, but eth-type is arp",
        contradiction(Map.of("eth-type", "arp", "ip-proto", "tcp")));
    assertEquals("tcp-dst: tcp-dst needs eth-type ipv4 or ipv6, but eth-type is lldp",
        contradiction(Map.of("eth-type", "lldp", "tcp-dst", 22)));
  }

  @Test
  void builderAndRanges() {
    PacketMatch m = PacketMatch.builder().inPort("p").vlan(10).tcpDst(PortRange.of(80)).build();
    assertEquals("in-port=p,vlan=10,tcp-dst=80", m.toString());
    assertEquals(m, m.toBuilder().build());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> PacketMatch.builder().vlan(4095).build());
  }
}
