package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One overlay host's bridge as the flows see it: the topology, which host the bridge is, and the OpenFlow port
 * numbers of its tunnel port and of its endpoints' ports (an endpoint whose port is not on the bridge yet is
 * "unbound": other hosts still send to it, this bridge does not deliver to it).
 */
record HostBridge(OverlayTopology topology, SwitchView sw, OverlayHost host) {

  String hostName() {
    return host.name();
  }

  /** The flow-based VXLAN port, when the bridge has it. */
  OptionalLong tunnelPort() {
    return ofport(topology.overlay().tunnelPort());
  }

  boolean isLocal(OverlayEndpoint e) {
    return e.host().equals(host.name());
  }

  /** The port of a local endpoint, when it is on the bridge. */
  OptionalLong ofport(OverlayEndpoint e) {
    return isLocal(e) ? ofport(e.port()) : OptionalLong.empty();
  }

  /** The ports of this network's endpoints on this bridge, in endpoint-name order. */
  List<Long> localPorts(OverlayNetwork network) {
    List<Long> out = new ArrayList<>();
    for (OverlayEndpoint e : topology.endpointsIn(network.name(), host.name())) {
      ofport(e).ifPresent(out::add);
    }
    return out;
  }

  private OptionalLong ofport(String portName) {
    return sw.port(portName).map(PortInfo::number).map(OptionalLong::of).orElse(OptionalLong.empty());
  }
}
