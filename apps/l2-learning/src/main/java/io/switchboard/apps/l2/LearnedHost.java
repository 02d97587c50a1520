package io.switchboard.apps.l2;

import io.switchboard.controller.spi.Values;
import java.io.Serializable;

/**
 * A learned MAC address: on which port of which bridge, in which VLAN, since when. Serializable so that a cluster
 * store can share it.
 *
 * @param learnedAtMillis wall-clock time it was learned, re-learned after a move, or adopted after a restart
 */
record LearnedHost(long dpid, String bridge, int vlan, long mac, long port, String portName, long learnedAtMillis)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  HostKey key() {
    return new HostKey(dpid, vlan, mac);
  }

  @Override
  public String toString() {
    return Values.mac(mac) + " vlan " + vlan + " on " + bridge + ":" + portName + " (" + port + ")";
  }
}
