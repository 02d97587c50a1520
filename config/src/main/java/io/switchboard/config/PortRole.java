package io.switchboard.config;

import java.util.List;

/** What a bridge port carries: YAML {@code {vlan: 100}} (access) or {@code {trunk: [100, 200]}}. */
public sealed interface PortRole permits PortRole.Access, PortRole.Trunk {

  /** True when frames of this VLAN may enter or leave through the port. */
  boolean carries(int vlan);

  /** An access port: untagged on the wire, in exactly one VLAN (as {@code ovs-vsctl set port P tag=100}). */
  record Access(int vlan) implements PortRole {
    public Access {
      if (vlan < 1 || vlan > 4094) {
        throw new IllegalArgumentException("VLAN out of range: " + vlan);
      }
    }

    @Override
    public boolean carries(int v) {
      return v == vlan;
    }
  }

  /** A trunk port: tagged frames of the listed VLANs (as {@code ovs-vsctl set port P trunks=100,200}). */
  record Trunk(List<Integer> vlans) implements PortRole {
    public Trunk {
      vlans = List.copyOf(vlans);
      if (vlans.isEmpty()) {
        throw new IllegalArgumentException("a trunk needs at least one VLAN");
      }
      for (int v : vlans) {
        if (v < 1 || v > 4094) {
          throw new IllegalArgumentException("VLAN out of range: " + v);
        }
      }
    }

    @Override
    public boolean carries(int v) {
      return vlans.contains(v);
    }
  }
}
