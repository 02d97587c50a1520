package io.switchboard.apps.l2;

import java.io.Serializable;

/** Where a MAC address is learned: one bridge, one VLAN (0 = native). The MAC table's key. */
record HostKey(long dpid, int vlan, long mac) implements Serializable {
  private static final long serialVersionUID = 1L;
}
