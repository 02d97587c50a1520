package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.SwitchView;
import java.util.Map;
import java.util.Optional;

/** The overlay's part in packet traces: filling in a traced packet, and saying what its entries are for. */
final class OverlayTraces {
  private OverlayTraces() {}

  /**
   * A trace from an endpoint's port gets the endpoint's MAC as source; a destination IP in the same network gets
   * that endpoint's MAC, one in another subnet the gateway's MAC (the sender's next hop).
   */
  static void complete(OverlayTopology topology, SwitchView sw, Map<Field, Long> packet) {
    var host = topology.hostOf(sw);
    Long inPort = packet.get(Field.IN_PORT);
    if (host.isEmpty() || inPort == null) {
      return;
    }
    Optional<String> portName = sw.port(inPort).map(p -> p.name());
    var src = topology.endpointsOn(host.get().name()).stream()
        .filter(e -> portName.isPresent() && e.port().equals(portName.get())).findFirst();
    if (src.isEmpty()) {
      return;
    }
    var e = src.get();
    packet.putIfAbsent(Field.ETH_SRC, e.mac().value());
    if (packet.getOrDefault(Field.ETH_TYPE, 0L) == 0x0800) {
      packet.putIfAbsent(Field.IPV4_SRC, e.ip() & 0xffffffffL);
    }
    Long dst = packet.getOrDefault(Field.IPV4_DST, packet.get(Field.ARP_TPA));
    var net = topology.network(e.network()).orElse(null);
    if (dst == null || net == null || packet.containsKey(Field.ETH_DST)) {
      return;
    }
    if (net.subnet().contains((int) (long) dst)) {
      topology.endpointsIn(net.name()).stream().filter(x -> (x.ip() & 0xffffffffL) == dst).findFirst()
          .ifPresent(x -> packet.put(Field.ETH_DST, x.mac().value()));
    } else if (net.gateway().isPresent()) {
      packet.put(Field.ETH_DST, GatewayMac.of(net.gateway().getAsInt()));
    }
  }

  /** Why an entry of the overlay sends a packet to the controller. */
  static Optional<String> toController(OverlayTopology topology, SwitchView sw, Map<Field, Long> packet, long tag) {
    var router = topology.overlay().routers().stream()
        .filter(r -> r.external().flatMap(x -> topology.network(x.network())).map(n -> n.vni() == tag)
            .orElse(false)).findFirst();
    if (router.isPresent()) { // the external side's entries: ARP to learn from, or a next hop not resolved yet
      return Optional.of(packet.getOrDefault(Field.ETH_TYPE, 0L) == 0x0806
          ? "ARP on router " + router.get().name() + "'s external network: the controller learns the sender's MAC"
          : "the next hop of router " + router.get().name() + " has no MAC yet: the controller asks for it (ARP) "
              + "and drops the packet");
    }
    Long port = packet.get(Field.IN_PORT);
    var e = topology.hostOf(sw).flatMap(h -> port == null ? Optional.empty()
        : sw.port(port).flatMap(p -> topology.endpointAt(h.name(), p.name())));
    return e.map(x -> "DHCP for endpoint " + x.name() + " (answered with " + x.ipText() + " by the controller)");
  }

  /** What an overlay cookie tag names: a network, or the tunnel. */
  static Optional<String> tag(OverlayTopology topology, long tag) {
    if (tag == OverlayFlows.NO_NETWORK) {
      return Optional.of("overlay tunnel");
    }
    return topology.networkByVni(tag).map(n -> "network " + n.name() + " (vni " + n.vni() + ")");
  }
}
