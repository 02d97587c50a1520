package io.switchboard.apps.acl;

import io.switchboard.config.PacketMatch;
import io.switchboard.config.PortRange;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One OpenFlow match of a rule, before its in-port is resolved on a bridge. A rule is one or more of them: a port
 * range becomes the fewest value/mask pairs that cover it, and a source range with a destination range gives
 * their cross product. Everything but the in-port is already a {@link FlowMatch}, so two rules can be compared
 * without a bridge ({@link #covers}, {@link #overlaps}).
 *
 * @param inPort a port name or a decimal port number, as the rule gave it
 * @param fields every other field (with the prerequisites the config parser filled in)
 */
record RuleMatch(Optional<String> inPort, FlowMatch fields) {

  /** The low 24 bits of metadata: the VNI the vxlan-overlay app writes in CLASSIFY. */
  static final long VNI_MASK = 0xff_ffffL;

  /**
   * Compiles a rule's match (prerequisites already present, as {@code AclRules} parses it).
   *
   * @param vni the overlay network's VNI for a {@code network}-scoped rule
   */
  static List<RuleMatch> of(PacketMatch m, OptionalLong vni) {
    FlowMatch.Builder b = FlowMatch.builder();
    vni.ifPresent(v -> b.masked(Field.METADATA, v, VNI_MASK));
    m.vlan().ifPresent(b::vlan);
    m.ethSrc().ifPresent(mac -> b.ethSrc(mac.value()));
    m.ethDst().ifPresent(mac -> b.ethDst(mac.value()));
    m.ethType().ifPresent(b::ethType);
    m.ipv4Src().ifPresent(p -> b.ipv4Src(p.address(), p.length()));
    m.ipv4Dst().ifPresent(p -> b.ipv4Dst(p.address(), p.length()));
    m.ipProto().ifPresent(p -> b.exact(Field.IP_PROTO, p));
    m.tunId().ifPresent(id -> b.exact(Field.TUNNEL_ID, id));
    FlowMatch base = b.build();

    Field srcField = m.tcpSrc().isPresent() ? Field.TCP_SRC : Field.UDP_SRC;
    Field dstField = m.tcpDst().isPresent() ? Field.TCP_DST : Field.UDP_DST;
    List<PortRange.Masked> srcs = masks(m.tcpSrc().or(m::udpSrc));
    List<PortRange.Masked> dsts = masks(m.tcpDst().or(m::udpDst));
    List<RuleMatch> out = new ArrayList<>();
    for (PortRange.Masked src : srcs) {
      for (PortRange.Masked dst : dsts) {
        FlowMatch.Builder fb = base.toBuilder();
        if (src != null) {
          fb.masked(srcField, src.value(), src.mask());
        }
        if (dst != null) {
          fb.masked(dstField, dst.value(), dst.mask());
        }
        out.add(new RuleMatch(m.inPort(), fb.build()));
      }
    }
    return List.copyOf(out);
  }

  /** The range's value/mask pairs, or a single null for "no such field". */
  private static List<PortRange.Masked> masks(Optional<PortRange> range) {
    List<PortRange.Masked> out = new ArrayList<>();
    if (range.isEmpty()) {
      out.add(null);
    } else {
      out.addAll(range.get().toMasks());
    }
    return out;
  }

  /** The match on a bridge; empty while the rule's in-port does not exist there. */
  Optional<FlowMatch> on(SwitchView sw) {
    if (inPort.isEmpty()) {
      return Optional.of(fields);
    }
    OptionalLong port = resolvePort(sw, inPort.get());
    if (port.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(fields.toBuilder().inPort(port.getAsLong()).build());
  }

  /** A decimal port number as is; a name through the bridge's ports (the bridge's own name is LOCAL). */
  static OptionalLong resolvePort(SwitchView sw, String port) {
    if (port.chars().allMatch(Character::isDigit)) {
      return OptionalLong.of(Long.parseLong(port));
    }
    if (port.equals(sw.name())) {
      return OptionalLong.of(PortInfo.LOCAL);
    }
    return sw.port(port).map(p -> OptionalLong.of(p.number())).orElse(OptionalLong.empty());
  }

  /**
   * Whether every packet this match selects is also selected by {@code this}. In-ports compare as written: a
   * port name and a number are never taken as the same port (no bridge to ask), so this errs towards "no".
   */
  boolean covers(RuleMatch other) {
    if (inPort.isPresent() && !inPort.equals(other.inPort)) {
      return false;
    }
    for (Map.Entry<Field, FlowMatch.Masked> e : fields.fields().entrySet()) {
      FlowMatch.Masked mine = e.getValue();
      FlowMatch.Masked theirs = other.fields.get(e.getKey());
      if (theirs == null || (mine.mask() & ~theirs.mask()) != 0 || ((mine.value() ^ theirs.value()) & mine.mask()) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether some packet is selected by both. Differently written in-ports count as different ports. */
  boolean overlaps(RuleMatch other) {
    if (inPort.isPresent() && other.inPort.isPresent() && !inPort.equals(other.inPort)) {
      return false;
    }
    for (Map.Entry<Field, FlowMatch.Masked> e : fields.fields().entrySet()) {
      FlowMatch.Masked mine = e.getValue();
      FlowMatch.Masked theirs = other.fields.get(e.getKey());
      if (theirs != null && ((mine.value() ^ theirs.value()) & mine.mask() & theirs.mask()) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return inPort.map(p -> "in_port=" + p + (fields.isEmpty() ? "" : "," + fields)).orElse(fields.toString());
  }
}
