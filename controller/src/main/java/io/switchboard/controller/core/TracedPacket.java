package io.switchboard.controller.core;

import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.PacketMatch;
import io.switchboard.config.PortRange;
import io.switchboard.controller.flow.FlowText;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.Values;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packet a {@link PacketTracer} walks through a pipeline: header fields as OpenFlow fields, plus the TTL, which
 * OpenFlow 1.3 cannot match but dec_ttl changes, and the conntrack state a ct step is assumed to find. Made from a
 * trace request's fields; the walk changes it as the actions say.
 */
final class TracedPacket {
  /** The trace request's key for the state conntrack is assumed to find the packet in. */
  static final String CT_STATE_KEY = "ct-state";
  private static final Map<String, Long> CT_STATES = Map.of("new", Field.CT_NEW, "established", Field.CT_EST,
      "related", Field.CT_REL, "invalid", Field.CT_INV);

  /**
   * The controller cannot see the switch's connection table, so a trace says which state a ct step finds: {@code
   * new} (the default: the first packet of a connection), {@code established}, {@code related} or {@code invalid}.
   */
  static long assumedCtState(Object requested) throws ApiException {
    if (requested == null) {
      return Field.CT_NEW;
    }
    Long bit = requested instanceof String t ? CT_STATES.get(t.trim().toLowerCase(java.util.Locale.ROOT)) : null;
    if (bit == null) {
      throw new ApiException(400, CT_STATE_KEY + ": expected new, established, related or invalid (the state"
          + " conntrack is assumed to find the packet in), got \"" + requested + "\"");
    }
    return bit;
  }

  final EnumMap<Field, Long> f = new EnumMap<>(Field.class);
  int ttl = 64;
  /** The ct_state bit a ct step sets besides +trk (see {@link #assumedCtState}). */
  long assumedCtState = Field.CT_NEW;

  TracedPacket copy() {
    TracedPacket c = new TracedPacket();
    c.f.putAll(f);
    c.ttl = ttl;
    c.assumedCtState = assumedCtState;
    return c;
  }

  Map<String, Object> describe(SwitchSession s) {
    Map<String, Object> m = new LinkedHashMap<>();
    f.forEach((k, v) -> {
      if (k == Field.IN_PORT) {
        m.put(k.apiName(), FlowText.portName(s.ports(), v));
      } else if (k == Field.VLAN_VID) {
        m.put("vlan", v == 0 ? "untagged" : (Object) (int) (v & 0xfff));
      } else if ((k == Field.METADATA || k == Field.CT_STATE) && v == 0) {
        // not interesting (untracked)
      } else if (k == Field.CT_ZONE) {
        if (f.getOrDefault(Field.CT_STATE, 0L) != 0) {
          m.put(k.apiName(), v);
        }
      } else {
        m.put(k.apiName(), Values.format(k, v));
      }
    });
    if (f.getOrDefault(Field.ETH_TYPE, 0L) == 0x0800) {
      m.put("ttl", ttl);
    }
    return m;
  }

  /** The name of {@link #assumedCtState}, as a request gives it. */
  String assumedCtStateName() {
    return CT_STATES.entrySet().stream().filter(x -> x.getValue() == assumedCtState).map(Map.Entry::getKey)
        .findFirst().orElse("new");
  }

  /**
   * The packet a request describes, arriving on inPort: what it leaves out is completed by the apps (e.g. the
   * overlay's MAC of an endpoint) and then by defaults (an ICMP echo, TCP to port 80, UDP to 53, broadcast).
   */
  static TracedPacket of(SwitchSession s, PacketMatch pm, long inPort, List<ControllerApp> apps) {
    TracedPacket p = new TracedPacket();
    p.f.put(Field.IN_PORT, inPort);
    p.f.put(Field.METADATA, 0L);
    p.f.put(Field.CT_STATE, 0L);
    p.f.put(Field.CT_ZONE, 0L);
    pm.ethSrc().ifPresent(m -> p.f.put(Field.ETH_SRC, m.value()));
    pm.ethDst().ifPresent(m -> p.f.put(Field.ETH_DST, m.value()));
    p.f.put(Field.VLAN_VID, pm.vlan().isPresent() ? (pm.vlan().getAsInt() | Field.VID_PRESENT) : 0L);
    int ethType = pm.ethType().orElse(pm.ipv4Dst().isPresent() || pm.ipv4Src().isPresent()
        || pm.ipProto().isPresent() ? 0x0800 : 0);
    if (ethType != 0) {
      p.f.put(Field.ETH_TYPE, (long) ethType);
    }
    pm.ttl().ifPresent(t -> p.ttl = t);
    pm.tunId().ifPresent(t -> p.f.put(Field.TUNNEL_ID, t));
    if (ethType == 0x0806) {
      p.f.put(Field.ARP_OP, 1L);
      pm.ipv4Src().ifPresent(a -> p.f.put(Field.ARP_SPA, addr(a)));
      pm.ipv4Dst().ifPresent(a -> p.f.put(Field.ARP_TPA, addr(a)));
    } else if (ethType == 0x0800) {
      pm.ipv4Src().ifPresent(a -> p.f.put(Field.IPV4_SRC, addr(a)));
      pm.ipv4Dst().ifPresent(a -> p.f.put(Field.IPV4_DST, addr(a)));
      int proto = pm.ipProto().orElse(pm.tcpDst().isPresent() || pm.tcpSrc().isPresent() ? 6
          : pm.udpDst().isPresent() || pm.udpSrc().isPresent() ? 17 : 1);
      p.f.put(Field.IP_PROTO, (long) proto);
      if (proto == 6) {
        p.f.put(Field.TCP_SRC, (long) pm.tcpSrc().map(PortRange::lo).orElse(40000));
        p.f.put(Field.TCP_DST, (long) pm.tcpDst().map(PortRange::lo).orElse(80));
      } else if (proto == 17) {
        p.f.put(Field.UDP_SRC, (long) pm.udpSrc().map(PortRange::lo).orElse(40000));
        p.f.put(Field.UDP_DST, (long) pm.udpDst().map(PortRange::lo).orElse(53));
      } else if (proto == 1) {
        p.f.put(Field.ICMPV4_TYPE, 8L);
        p.f.put(Field.ICMPV4_CODE, 0L);
      }
    }
    var view = s.view();
    for (ControllerApp app : apps) {
      app.completeTracePacket(view, p.f);
    }
    p.f.putIfAbsent(Field.ETH_SRC, 0x020000000001L);
    p.f.putIfAbsent(Field.ETH_DST, 0xffffffffffffL);
    if (ethType == 0x0806) {
      p.f.putIfAbsent(Field.ARP_SHA, p.f.get(Field.ETH_SRC));
      p.f.putIfAbsent(Field.ARP_THA, 0L);
    }
    return p;
  }

  private static long addr(Ipv4Prefix a) {
    return a.address() & 0xffffffffL;
  }
}
