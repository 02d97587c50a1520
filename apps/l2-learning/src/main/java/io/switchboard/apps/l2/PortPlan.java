package io.switchboard.apps.l2;

import io.switchboard.config.BridgeConfig;
import io.switchboard.config.PortRole;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ports of one bridge with their roles from config, in port-number order. A port that config does not list is
 * a trunk of every VLAN whose untagged frames are VLAN 0 (native), as in OVS; the LOCAL port takes no part.
 *
 * <p>VLAN numbers used throughout the app: 1-4094 for 802.1Q VLANs, {@link #NATIVE} (0) for the untagged frames of
 * unlisted ports.
 */
final class PortPlan {
  static final int NATIVE = 0;

  /** One port: its number, name, and role (null: unlisted, a trunk of every VLAN plus native). */
  record Port(long number, String name, PortRole role) {
    boolean unlisted() {
      return role == null;
    }

    boolean isAccess() {
      return role instanceof PortRole.Access;
    }

    /** Whether frames of this VLAN may enter or leave here. */
    boolean carries(int vlan) {
      if (role == null) {
        return true;
      }
      return vlan != NATIVE && role.carries(vlan);
    }

    /** Whether a frame of this VLAN is tagged on this port's wire. */
    boolean tagged(int vlan) {
      return vlan != NATIVE && !isAccess();
    }
  }

  /** Port numbers up to this are also kept in an array: the packet-in path looks two ports up per packet. */
  private static final long DIRECT = 4096;

  private final Map<Long, Port> ports;
  /** The same ports by number, up to {@link #DIRECT}: one array read instead of a boxed key and a hash lookup. */
  private final Port[] direct;
  private final SortedSet<Integer> configuredVlans;

  private PortPlan(Map<Long, Port> ports, SortedSet<Integer> configuredVlans) {
    this.ports = ports;
    this.configuredVlans = configuredVlans;
    long top = ports.keySet().stream().mapToLong(Long::longValue).filter(n -> n >= 0 && n <= DIRECT).max()
        .orElse(-1);
    this.direct = new Port[(int) top + 1];
    ports.forEach((n, p) -> {
      if (n >= 0 && n <= top) {
        direct[n.intValue()] = p;
      }
    });
  }

  static PortPlan of(SwitchView sw, BridgeConfig config) {
    Map<String, PortRole> roles = config == null ? Map.of() : config.ports();
    List<PortInfo> sorted = new ArrayList<>(sw.ports());
    sorted.sort(Comparator.comparingLong(PortInfo::number));
    Map<Long, Port> ports = new LinkedHashMap<>();
    SortedSet<Integer> vlans = new TreeSet<>();
    for (PortInfo p : sorted) {
      if (p.isLocal()) {
        continue;
      }
      PortRole role = roles.get(p.name());
      ports.put(p.number(), new Port(p.number(), p.name(), role));
      if (role instanceof PortRole.Access a) {
        vlans.add(a.vlan());
      } else if (role instanceof PortRole.Trunk t) {
        vlans.addAll(t.vlans());
      }
    }
    return new PortPlan(ports, vlans);
  }

  Port port(long number) {
    return number >= 0 && number < direct.length ? direct[(int) number] : ports.get(number);
  }

  List<Port> ports() {
    return List.copyOf(ports.values());
  }

  /** The VLANs that some port of this bridge names in config (each gets its own flood entry). */
  SortedSet<Integer> configuredVlans() {
    return configuredVlans;
  }

  boolean hasUnlisted() {
    return ports.values().stream().anyMatch(Port::unlisted);
  }

  /** The ports a frame of this VLAN may leave on, in port order. */
  List<Port> members(int vlan) {
    return ports.values().stream().filter(p -> p.carries(vlan)).toList();
  }

  /** Whether a host learned on this port in this VLAN is still valid here. */
  boolean valid(long port, int vlan) {
    Port p = port(port);
    return p != null && p.carries(vlan);
  }

  /**
   * The VLAN a frame belongs to as it arrives on a port, or empty when the port must drop it.
   *
   * @param frameVlan   the frame's 802.1Q VID as seen, or {@link Frame#NO_VLAN}
   * @param classified  true when the frame passed the multi-table classify stage (an access port's tag is pushed
   *                    by then); false for a frame straight off the wire (OpenFlow 1.0)
   */
  OptionalInt ingressVlan(long port, int frameVlan, boolean classified) {
    Port p = port(port);
    if (p == null || frameVlan == 0) {
      return OptionalInt.empty(); // unknown or LOCAL port; priority-tagged frames are not learned
    }
    boolean untagged = frameVlan == Frame.NO_VLAN;
    if (p.role() instanceof PortRole.Access a) {
      return untagged || (classified && frameVlan == a.vlan()) ? OptionalInt.of(a.vlan()) : OptionalInt.empty();
    }
    if (untagged) {
      return p.unlisted() ? OptionalInt.of(NATIVE) : OptionalInt.empty();
    }
    return p.carries(frameVlan) ? OptionalInt.of(frameVlan) : OptionalInt.empty();
  }

  /** The VLAN_VID match value for frames of this VLAN in the pipeline (after classify): tagged, or 0 for native. */
  static long pipelineVid(int vlan) {
    return vlan == NATIVE ? 0 : vlan | Field.VID_PRESENT;
  }

  /** The VLAN_VID match value for frames of this VLAN as they are on the port's wire. */
  static long wireVid(Port p, int vlan) {
    return p.tagged(vlan) ? vlan | Field.VID_PRESENT : 0;
  }

  /** The VLAN of a host entry's VLAN_VID match value, read back from the wire of a port (inverse of wireVid). */
  OptionalInt vlanOfWireVid(long port, long vid) {
    Port p = port(port);
    if (p == null) {
      return OptionalInt.empty();
    }
    int vlan;
    if (vid == 0) {
      vlan = p.role() instanceof PortRole.Access a ? a.vlan() : NATIVE;
    } else {
      vlan = (int) (vid & 0xfff);
    }
    return p.carries(vlan) && wireVid(p, vlan) == vid ? OptionalInt.of(vlan) : OptionalInt.empty();
  }
}
