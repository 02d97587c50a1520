package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;

/**
 * CLASSIFY: which network a packet belongs to (written to metadata), with port security on endpoint ports.
 *
 * <pre>
 * 100 in_port=EP,eth_src=MAC,ip,ipv4_src=IP                      -> metadata=VNI, goto acl
 * 100 in_port=EP,eth_src=MAC,arp,arp_spa=IP,arp_sha=MAC          -> metadata=VNI, goto acl
 * 110 in_port=EP,eth_src=MAC,udp,0.0.0.0->255.255.255.255,68->67 -> controller (DHCP on: a client without address)
 * 110 in_port=EP,eth_src=MAC,udp,ipv4_src=IP,68->67              -> controller (DHCP on: renewing, INFORM)
 *  10 in_port=EP                                                 -> drop (spoofed, or neither IPv4 nor ARP)
 * 100 in_port=TUNNEL,tun_id=VNI   (networks with ports here)     -> metadata=VNI, goto acl
 *  10 in_port=TUNNEL                                             -> drop (unknown VNI)
 * </pre>
 */
final class ClassifyFlows {
  static final int DHCP = 110;
  /**
   * The meter DHCP entries go through on their way to the controller: 200 packets a second per bridge, bursts of
   * 200, dropped by the switch above that (the controller's per-port budget, 5/s, still applies behind it).
   */
  static final io.switchboard.controller.spi.ControllerApp.MeterSpec DHCP_METER =
      new io.switchboard.controller.spi.ControllerApp.MeterSpec(0xd4c9, 200, 200);
  static final int ENDPOINT_SOURCE = 100;
  static final int TUNNEL_VNI = 100;
  static final int DROP = 10;

  private ClassifyFlows() {}

  static void add(HostBridge bridge, FlowSink out) {
    OverlayTopology topo = bridge.topology();
    for (OverlayEndpoint e : topo.endpointsOn(bridge.hostName())) {
      localEndpoint(bridge, e, out);
    }
    bridge.tunnelPort().ifPresent(tunnel -> {
      for (OverlayNetwork n : topo.networksOn(bridge.hostName())) {
        if (n.isLocalnet()) {
          continue; // bridged to the physical network, never in VXLAN (LocalnetFlows)
        }
        out.add(tunnelVni(n, tunnel));
      }
      out.add(tunnelDrop(tunnel));
    });
  }

  /** The port security and DHCP entries of an endpoint of this host, once its port is on the bridge. */
  static void localEndpoint(HostBridge bridge, OverlayEndpoint e, FlowSink out) {
    OverlayNetwork n = bridge.topology().network(e.network()).orElseThrow();
    bridge.ofport(e).ifPresent(port -> endpointPort(e, n, port, out));
  }

  /** From the tunnel with a network's VNI: that network (for the networks this host has ports in). */
  static FlowEntry tunnelVni(OverlayNetwork n, long tunnel) {
    FlowMatch m = FlowMatch.builder().inPort(tunnel).exact(Field.TUNNEL_ID, n.vni()).build();
    return OverlayFlows.entry(Stage.CLASSIFY, TUNNEL_VNI, m, n.vni()).writeMetadata(n.vni(), -1L).next(Stage.ACL)
        .build();
  }

  static FlowEntry tunnelDrop(long tunnel) {
    return OverlayFlows.entry(Stage.CLASSIFY, DROP, FlowMatch.builder().inPort(tunnel).build(),
        OverlayFlows.NO_NETWORK).build();
  }

  /** Only the endpoint's own MAC, and its own IP, may enter from its port. */
  private static void endpointPort(OverlayEndpoint e, OverlayNetwork n, long port, FlowSink out) {
    long mac = e.mac().value();
    long ip = e.ip() & 0xffff_ffffL;
    FlowMatch ipv4 = FlowMatch.builder().inPort(port).ethSrc(mac).ethType(0x0800)
        .exact(Field.IPV4_SRC, ip).build();
    FlowMatch arp = FlowMatch.builder().inPort(port).ethSrc(mac).ethType(0x0806)
        .exact(Field.ARP_SPA, ip).exact(Field.ARP_SHA, mac).build();
    for (FlowMatch m : new FlowMatch[] {ipv4, arp}) {
      out.add(OverlayFlows.entry(Stage.CLASSIFY, ENDPOINT_SOURCE, m, n.vni())
          .writeMetadata(n.vni(), -1L).next(Stage.ACL).build());
    }
    if (n.dhcpEnabled().isPresent()) {
      for (long src : new long[] {0, ip}) {
        FlowMatch.Builder m = FlowMatch.builder().inPort(port).ethSrc(mac).ethType(0x0800)
            .exact(Field.IPV4_SRC, src).exact(Field.IP_PROTO, 17)
            .exact(Field.UDP_SRC, DhcpFrames.CLIENT_PORT).exact(Field.UDP_DST, DhcpFrames.SERVER_PORT);
        if (src == 0) {
          m.exact(Field.IPV4_DST, 0xffff_ffffL);
        }
        out.add(OverlayFlows.entry(Stage.CLASSIFY, DHCP, m.build(), n.vni())
            .actions(Action.meter(DHCP_METER.id()), Action.output(Action.PORT_CONTROLLER)).build());
      }
    }
    out.add(OverlayFlows.entry(Stage.CLASSIFY, DROP, FlowMatch.builder().inPort(port).build(), n.vni()).build());
  }
}
