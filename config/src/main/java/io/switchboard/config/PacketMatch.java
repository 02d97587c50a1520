package io.switchboard.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * Packet fields: what an ACL rule matches, or the packet of a trace request. Every field is
 * optional; an empty match matches every packet. Field names are the same in YAML, REST
 * bodies and answers: {@link #FIELDS}.
 *
 * @param inPort  a port name, or a port number written in decimal
 * @param vlan    VLAN id 1-4094
 * @param ethType e.g. {@link EthType#IPV4}
 * @param ipProto e.g. {@link IpProto#TCP}
 * @param ttl     IP TTL 0-255 (trace packets only: ACL rules cannot match it)
 * @param tunId   tunnel id (VXLAN VNI), unsigned 64-bit
 */
public record PacketMatch(
    Optional<String> inPort,
    OptionalInt vlan,
    Optional<MacAddress> ethSrc,
    Optional<MacAddress> ethDst,
    OptionalInt ethType,
    Optional<Ipv4Prefix> ipv4Src,
    Optional<Ipv4Prefix> ipv4Dst,
    OptionalInt ipProto,
    Optional<PortRange> tcpSrc,
    Optional<PortRange> tcpDst,
    Optional<PortRange> udpSrc,
    Optional<PortRange> udpDst,
    OptionalInt ttl,
    OptionalLong tunId) {

  public static final String IN_PORT = "in-port";
  public static final String VLAN = "vlan";
  public static final String ETH_SRC = "eth-src";
  public static final String ETH_DST = "eth-dst";
  public static final String ETH_TYPE = "eth-type";
  public static final String IPV4_SRC = "ipv4-src";
  public static final String IPV4_DST = "ipv4-dst";
  public static final String IP_PROTO = "ip-proto";
  public static final String TCP_SRC = "tcp-src";
  public static final String TCP_DST = "tcp-dst";
  public static final String UDP_SRC = "udp-src";
  public static final String UDP_DST = "udp-dst";
  public static final String TTL = "ttl";
  public static final String TUN_ID = "tun-id";

  /** Every field name, in the order used when printing. */
  public static final List<String> FIELDS = List.of(IN_PORT, VLAN, ETH_SRC, ETH_DST, ETH_TYPE,
      IPV4_SRC, IPV4_DST, IP_PROTO, TCP_SRC, TCP_DST, UDP_SRC, UDP_DST, TTL, TUN_ID);

  public static final PacketMatch ANY = builder().build();

  static final String IN_PORT_EXPECTED = "a port name or number";
  static final String VLAN_EXPECTED = "a VLAN id (1-4094)";
  static final String TTL_EXPECTED = "a TTL (0-255)";
  static final String TUN_ID_EXPECTED = "a tunnel id (decimal or 0x-hex, up to 64 bits)";

  /** OpenFlow / ovs-ofctl names that people type out of habit. */
  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("dl-src", ETH_SRC), Map.entry("dl-dst", ETH_DST), Map.entry("dl-type", ETH_TYPE),
      Map.entry("dl-vlan", VLAN), Map.entry("vlan-vid", VLAN), Map.entry("vlan-id", VLAN),
      Map.entry("nw-src", IPV4_SRC), Map.entry("nw-dst", IPV4_DST), Map.entry("ip-src", IPV4_SRC),
      Map.entry("ip-dst", IPV4_DST), Map.entry("nw-proto", IP_PROTO), Map.entry("proto", IP_PROTO),
      Map.entry("tp-src", "tcp-src' or 'udp-src"), Map.entry("tp-dst", "tcp-dst' or 'udp-dst"),
      Map.entry("nw-ttl", TTL), Map.entry("tunnel-id", TUN_ID), Map.entry("vni", TUN_ID),
      Map.entry("port", IN_PORT), Map.entry("src-mac", ETH_SRC), Map.entry("dst-mac", ETH_DST));

  public PacketMatch {
    Objects.requireNonNull(inPort);
    Objects.requireNonNull(ethSrc);
    Objects.requireNonNull(ethDst);
    Objects.requireNonNull(ipv4Src);
    Objects.requireNonNull(ipv4Dst);
    Objects.requireNonNull(tcpSrc);
    Objects.requireNonNull(tcpDst);
    Objects.requireNonNull(udpSrc);
    Objects.requireNonNull(udpDst);
    Objects.requireNonNull(tunId);
    check(vlan, 1, 4094, VLAN);
    check(ethType, 0, 0xffff, ETH_TYPE);
    check(ipProto, 0, 255, IP_PROTO);
    check(ttl, 0, 255, TTL);
  }

  private static void check(OptionalInt v, int min, int max, String field) {
    Objects.requireNonNull(v, field);
    if (v.isPresent() && (v.getAsInt() < min || v.getAsInt() > max)) {
      throw new IllegalArgumentException(field + " out of range: " + v.getAsInt());
    }
  }

  // ---- parsing ------------------------------------------------------------------------------

  /** Parses packet fields from a JSON body; error paths are field names. */
  public static Result<PacketMatch> parse(Map<String, ?> fields) {
    Errors errors = new Errors(null);
    Optional<PacketMatch> m = parse(Node.fromJava(fields), "", errors);
    return errors.isEmpty() ? Result.ok(m.orElseThrow()) : Result.failed(errors.list());
  }

  /** Parses packet fields, adding every problem to {@code errors} under {@code keyPath}. */
  public static Optional<PacketMatch> parse(Map<String, ?> fields, String keyPath, Errors errors) {
    return parse(Node.fromJava(fields), keyPath, errors);
  }

  public static Optional<PacketMatch> parse(Node node, String path, Errors errors) {
    int before = errors.size();
    MapView m = MapView.of(node, path, errors, "a mapping of packet fields (" + String.join(", ", FIELDS) + ")",
        FIELDS, ALIASES);
    Builder b = builder();
    m.optional(IN_PORT, IN_PORT_EXPECTED, PacketMatch::parseInPort).ifPresent(b::inPort);
    m.optional(VLAN, VLAN_EXPECTED, t -> (int) Values.integer(t, 1, 4094, VLAN_EXPECTED)).ifPresent(b::vlan);
    m.optional(ETH_SRC, MacAddress.EXPECTED, MacAddress::parse).ifPresent(b::ethSrc);
    m.optional(ETH_DST, MacAddress.EXPECTED, MacAddress::parse).ifPresent(b::ethDst);
    m.optional(ETH_TYPE, EthType.EXPECTED, EthType::parse).ifPresent(b::ethType);
    m.optional(IPV4_SRC, Ipv4Prefix.EXPECTED, Ipv4Prefix::parse).ifPresent(b::ipv4Src);
    m.optional(IPV4_DST, Ipv4Prefix.EXPECTED, Ipv4Prefix::parse).ifPresent(b::ipv4Dst);
    m.optional(IP_PROTO, IpProto.EXPECTED, IpProto::parse).ifPresent(b::ipProto);
    m.optional(TCP_SRC, PortRange.EXPECTED, PortRange::parse).ifPresent(b::tcpSrc);
    m.optional(TCP_DST, PortRange.EXPECTED, PortRange::parse).ifPresent(b::tcpDst);
    m.optional(UDP_SRC, PortRange.EXPECTED, PortRange::parse).ifPresent(b::udpSrc);
    m.optional(UDP_DST, PortRange.EXPECTED, PortRange::parse).ifPresent(b::udpDst);
    m.optional(TTL, TTL_EXPECTED, t -> (int) Values.integer(t, 0, 255, TTL_EXPECTED)).ifPresent(b::ttl);
    m.optional(TUN_ID, TUN_ID_EXPECTED, t -> Values.unsigned(t, -1L, TUN_ID_EXPECTED)).ifPresent(b::tunId);
    return errors.size() == before ? Optional.of(b.build()) : Optional.empty();
  }

  /** A port name (no whitespace), or a decimal port number 1-4294967040 (normalized). */
  static String parseInPort(String text) {
    String t = text.trim();
    if (t.matches("\\d+")) {
      return Long.toString(Values.integer(t, 1, 0xffffff00L, "a port name or number (1-4294967040)"));
    }
    return Values.token(t, IN_PORT_EXPECTED);
  }

  // ---- prerequisites ------------------------------------------------------------------------

  /**
   * The match completed with what OpenFlow requires before a field may be matched:
   * tcp-* implies ip-proto tcp, udp-* implies ip-proto udp, ipv4-*, ip-proto and ttl imply
   * eth-type ipv4 (ip-proto and tcp/udp ports also allow eth-type ipv6). Contradictions
   * (tcp-dst with ip-proto udp, tcp and udp fields together, ipv4 fields with eth-type arp)
   * are errors whose path is the field that cannot be satisfied.
   */
  public Result<PacketMatch> withPrerequisites() {
    List<ConfigError> problems = new ArrayList<>();
    Builder b = toBuilder();
    String tcpField = tcpSrc.isPresent() ? TCP_SRC : tcpDst.isPresent() ? TCP_DST : null;
    String udpField = udpSrc.isPresent() ? UDP_SRC : udpDst.isPresent() ? UDP_DST : null;
    OptionalInt proto = ipProto;
    String protoSource = ipProto.isPresent() ? IP_PROTO : null;

    if (tcpField != null && udpField != null) {
      problems.add(ConfigError.of(udpField,
          "a packet cannot be both TCP and UDP: " + udpField + " contradicts " + tcpField));
    } else if (tcpField != null || udpField != null) {
      String field = tcpField != null ? tcpField : udpField;
      int needed = tcpField != null ? IpProto.TCP : IpProto.UDP;
      if (proto.isPresent() && proto.getAsInt() != needed) {
        problems.add(ConfigError.of(field, field + " needs ip-proto " + IpProto.format(needed)
            + ", but ip-proto is " + IpProto.format(proto.getAsInt())));
      } else if (proto.isEmpty()) {
        proto = OptionalInt.of(needed);
        protoSource = field;
        b.ipProto(needed);
      }
    }

    String ipv4Field = ipv4Src.isPresent() ? IPV4_SRC : ipv4Dst.isPresent() ? IPV4_DST : null;
    if (ipv4Field != null) {
      if (ethType.isPresent() && ethType.getAsInt() != EthType.IPV4) {
        problems.add(ConfigError.of(ipv4Field, ipv4Field + " needs eth-type ipv4, but eth-type is "
            + EthType.format(ethType.getAsInt())));
      } else {
        b.ethType(EthType.IPV4);
      }
    }
    String ipField = protoSource != null ? protoSource : ttl.isPresent() ? TTL : null;
    if (ipField != null) {
      if (ethType.isPresent() && ethType.getAsInt() != EthType.IPV4 && ethType.getAsInt() != EthType.IPV6) {
        problems.add(ConfigError.of(ipField, ipField + " needs eth-type ipv4 or ipv6, but eth-type is "
            + EthType.format(ethType.getAsInt())));
      } else if (ethType.isEmpty()) {
        b.ethType(EthType.IPV4);
      }
    }
    return problems.isEmpty() ? Result.ok(b.build()) : Result.failed(problems);
  }

  // ---- views --------------------------------------------------------------------------------

  public boolean isEmpty() {
    return equals(ANY);
  }

  /**
   * Field name to value, in {@link #FIELDS} order, only fields that are set; values are
   * strings or numbers as a JSON answer shows them, and parse back to an equal match.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    inPort.ifPresent(v -> out.put(IN_PORT, v));
    vlan.ifPresent(v -> out.put(VLAN, v));
    ethSrc.ifPresent(v -> out.put(ETH_SRC, v.toString()));
    ethDst.ifPresent(v -> out.put(ETH_DST, v.toString()));
    ethType.ifPresent(v -> out.put(ETH_TYPE, EthType.format(v)));
    ipv4Src.ifPresent(v -> out.put(IPV4_SRC, prefixText(v)));
    ipv4Dst.ifPresent(v -> out.put(IPV4_DST, prefixText(v)));
    ipProto.ifPresent(v -> out.put(IP_PROTO, IpProto.format(v)));
    tcpSrc.ifPresent(v -> out.put(TCP_SRC, portText(v)));
    tcpDst.ifPresent(v -> out.put(TCP_DST, portText(v)));
    udpSrc.ifPresent(v -> out.put(UDP_SRC, portText(v)));
    udpDst.ifPresent(v -> out.put(UDP_DST, portText(v)));
    ttl.ifPresent(v -> out.put(TTL, v));
    tunId.ifPresent(v -> out.put(TUN_ID, v >= 0 ? (Object) v : Long.toUnsignedString(v)));
    return Collections.unmodifiableMap(out);
  }

  private static String prefixText(Ipv4Prefix p) {
    return p.length() == 32 ? Ipv4.format(p.address()) : p.toString();
  }

  private static Object portText(PortRange r) {
    return r.isSingle() ? (Object) r.lo() : r.toString();
  }

  /** {@code eth-type=ipv4,ip-proto=tcp,tcp-dst=22}, or {@code any}. */
  @Override
  public String toString() {
    Map<String, Object> m = toMap();
    if (m.isEmpty()) {
      return "any";
    }
    StringJoiner j = new StringJoiner(",");
    m.forEach((k, v) -> j.add(k + "=" + v));
    return j.toString();
  }

  // ---- building -----------------------------------------------------------------------------

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.inPort = inPort;
    b.vlan = vlan;
    b.ethSrc = ethSrc;
    b.ethDst = ethDst;
    b.ethType = ethType;
    b.ipv4Src = ipv4Src;
    b.ipv4Dst = ipv4Dst;
    b.ipProto = ipProto;
    b.tcpSrc = tcpSrc;
    b.tcpDst = tcpDst;
    b.udpSrc = udpSrc;
    b.udpDst = udpDst;
    b.ttl = ttl;
    b.tunId = tunId;
    return b;
  }

  /** Mutable builder; {@link #build()} validates ranges. */
  public static final class Builder {
    private Optional<String> inPort = Optional.empty();
    private OptionalInt vlan = OptionalInt.empty();
    private Optional<MacAddress> ethSrc = Optional.empty();
    private Optional<MacAddress> ethDst = Optional.empty();
    private OptionalInt ethType = OptionalInt.empty();
    private Optional<Ipv4Prefix> ipv4Src = Optional.empty();
    private Optional<Ipv4Prefix> ipv4Dst = Optional.empty();
    private OptionalInt ipProto = OptionalInt.empty();
    private Optional<PortRange> tcpSrc = Optional.empty();
    private Optional<PortRange> tcpDst = Optional.empty();
    private Optional<PortRange> udpSrc = Optional.empty();
    private Optional<PortRange> udpDst = Optional.empty();
    private OptionalInt ttl = OptionalInt.empty();
    private OptionalLong tunId = OptionalLong.empty();

    private Builder() {}

    public Builder inPort(String v) { inPort = Optional.of(v); return this; }
    public Builder vlan(int v) { vlan = OptionalInt.of(v); return this; }
    public Builder ethSrc(MacAddress v) { ethSrc = Optional.of(v); return this; }
    public Builder ethDst(MacAddress v) { ethDst = Optional.of(v); return this; }
    public Builder ethType(int v) { ethType = OptionalInt.of(v); return this; }
    public Builder ipv4Src(Ipv4Prefix v) { ipv4Src = Optional.of(v); return this; }
    public Builder ipv4Dst(Ipv4Prefix v) { ipv4Dst = Optional.of(v); return this; }
    public Builder ipProto(int v) { ipProto = OptionalInt.of(v); return this; }
    public Builder tcpSrc(PortRange v) { tcpSrc = Optional.of(v); return this; }
    public Builder tcpDst(PortRange v) { tcpDst = Optional.of(v); return this; }
    public Builder udpSrc(PortRange v) { udpSrc = Optional.of(v); return this; }
    public Builder udpDst(PortRange v) { udpDst = Optional.of(v); return this; }
    public Builder ttl(int v) { ttl = OptionalInt.of(v); return this; }
    public Builder tunId(long v) { tunId = OptionalLong.of(v); return this; }

    public PacketMatch build() {
      return new PacketMatch(inPort, vlan, ethSrc, ethDst, ethType, ipv4Src, ipv4Dst, ipProto,
          tcpSrc, tcpDst, udpSrc, udpDst, ttl, tunId);
    }
  }
}
