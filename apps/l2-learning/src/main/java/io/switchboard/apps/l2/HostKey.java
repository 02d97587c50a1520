package io.switchboard.apps.l2;

import java.io.Serializable;

/** Where a MAC address is learned: one bridge, one VLAN (0 = native). The MAC table's key. */
record HostKey(long dpid, int vlan, long mac) implements Serializable {
  private static final long serialVersionUID = 1L;

  // written out: the generated ones go through method handles, slow until the JIT inlines them (one per packet-in)
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof HostKey k && k.mac == mac && k.dpid == dpid && k.vlan == vlan;
  }

  @Override
  public int hashCode() {
    return (31 * Long.hashCode(dpid) + vlan) * 31 + Long.hashCode(mac);
  }
}
