package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import java.util.List;

/**
 * L3: what the sending host's bridge answers or routes itself, for the networks it has ports in.
 *
 * <pre>
 * 300 in_port=TUNNEL                                      -> goto l2 (the sender already did L3)
 * 200 metadata=VNI,arp,arp_op=1,arp_tpa=IP                -> ARP reply with the endpoint's / gateway's MAC, IN_PORT
 * 200 metadata=VNI,eth_dst=GWMAC,icmp,icmp_type=8,ipv4_dst=GW  (GW of the network or of a routed peer)
 *                                                         -> ICMP echo reply from GW, IN_PORT
 * 100 metadata=VNI,eth_dst=GWMAC,ip,ipv4_dst=PEER-EP-IP   -> eth_src=PEER-GWMAC, eth_dst=EP-MAC, dec_ttl,
 *                                                            metadata=PEER-VNI, goto l2
 *  10 metadata=VNI,eth_dst=GWMAC                          -> drop (for the router, nothing to route to)
 *   1 any                                                 -> goto l2 (overlay traffic skips learn)
 * </pre>
 */
final class RouterFlows {
  static final int FROM_TUNNEL = 300;
  static final int RESPONDER = 200;
  static final int ROUTE = 100;
  static final int GATEWAY_DROP = 10;
  static final int CONTINUE = 1;
  static final int ARP_REQUEST = 1;
  static final int ARP_REPLY = 2;
  static final int ICMP = 1;
  static final int ECHO_REQUEST = 8;
  static final int ECHO_REPLY = 0;

  private RouterFlows() {}

  static void add(HostBridge bridge, FlowSink out) {
    OverlayTopology topo = bridge.topology();
    bridge.tunnelPort().ifPresent(tunnel -> out.add(fromTunnel(tunnel)));
    for (OverlayNetwork n : topo.networksOn(bridge.hostName())) {
      if (n.isLocalnet()) {
        continue; // a physical network's own hosts answer ARP there (LocalnetFlows, ExternalFlows)
      }
      for (OverlayEndpoint e : topo.endpointsIn(n.name())) {
        out.add(arpResponder(n, e.ip(), e.mac().value()));
      }
      if (n.gateway().isEmpty()) {
        continue;
      }
      List<OverlayNetwork> peers = topo.routedPeers(n.name());
      gateway(n, peers, out);
      for (OverlayNetwork peer : peers) {
        for (OverlayEndpoint e : topo.endpointsIn(peer.name())) {
          out.add(route(n, peer, e));
        }
      }
      out.add(gatewayDrop(n));
    }
    out.add(continueToL2());
  }

  /** The sending host already routed what comes from the tunnel. */
  static FlowEntry fromTunnel(long tunnel) {
    return OverlayFlows.entry(Stage.L3, FROM_TUNNEL, FlowMatch.builder().inPort(tunnel).build(),
        OverlayFlows.NO_NETWORK).next(Stage.L2).build();
  }

  static FlowEntry continueToL2() {
    return OverlayFlows.entry(Stage.L3, CONTINUE, FlowMatch.ALL, OverlayFlows.NO_NETWORK).next(Stage.L2).build();
  }

  /** The router's own answers in a network with a gateway: ARP for the gateway, pings to it and to its peers'. */
  static void gateway(OverlayNetwork n, List<OverlayNetwork> peers, FlowSink out) {
    int gw = n.gateway().getAsInt();
    out.add(arpResponder(n, gw, GatewayMac.of(gw)));
    out.add(echoResponder(n, n));
    for (OverlayNetwork peer : peers) {
      out.add(echoResponder(n, peer));
    }
  }

  /** What is sent to the router and matched no route. */
  static FlowEntry gatewayDrop(OverlayNetwork n) {
    return OverlayFlows.entry(Stage.L3, GATEWAY_DROP, OverlayFlows.inNetwork(n)
        .ethDst(GatewayMac.of(n.gateway().getAsInt())).build(), n.vni()).build();
  }

  /** Answers "who has IP?" with MAC, back out of the port the request came in on. */
  static FlowEntry arpResponder(OverlayNetwork n, int ip, long mac) {
    long addr = ip & 0xffff_ffffL;
    FlowMatch m = OverlayFlows.inNetwork(n).ethType(0x0806).exact(Field.ARP_OP, ARP_REQUEST)
        .exact(Field.ARP_TPA, addr).build();
    return OverlayFlows.entry(Stage.L3, RESPONDER, m, n.vni()).actions(
        new Action.Move(Field.ETH_SRC, Field.ETH_DST),
        Action.setField(Field.ETH_SRC, mac),
        Action.setField(Field.ARP_OP, ARP_REPLY),
        new Action.Move(Field.ARP_SHA, Field.ARP_THA),
        Action.setField(Field.ARP_SHA, mac),
        new Action.Move(Field.ARP_SPA, Field.ARP_TPA),
        Action.setField(Field.ARP_SPA, addr),
        Action.output(Action.PORT_IN_PORT)).build();
  }

  /**
   * A ping from network {@code n} to the router's address in {@code target} (its own gateway, or a peer's) is
   * answered on the bridge: addresses swapped, type set to echo reply; OVS updates the checksums.
   */
  static FlowEntry echoResponder(OverlayNetwork n, OverlayNetwork target) {
    long gwMac = GatewayMac.of(n.gateway().getAsInt());
    long targetIp = target.gateway().getAsInt() & 0xffff_ffffL;
    FlowMatch m = OverlayFlows.inNetwork(n).ethDst(gwMac).ethType(0x0800).exact(Field.IP_PROTO, ICMP)
        .exact(Field.ICMPV4_TYPE, ECHO_REQUEST).exact(Field.IPV4_DST, targetIp).build();
    return OverlayFlows.entry(Stage.L3, RESPONDER, m, n.vni()).actions(
        new Action.Move(Field.ETH_SRC, Field.ETH_DST),
        Action.setField(Field.ETH_SRC, gwMac),
        new Action.Move(Field.IPV4_SRC, Field.IPV4_DST),
        Action.setField(Field.IPV4_SRC, targetIp),
        Action.setField(Field.ICMPV4_TYPE, ECHO_REPLY),
        Action.output(Action.PORT_IN_PORT)).build();
  }

  /** From network {@code n} through the router to endpoint {@code e} of {@code peer}: one hop, TTL - 1. */
  static FlowEntry route(OverlayNetwork n, OverlayNetwork peer, OverlayEndpoint e) {
    FlowMatch m = OverlayFlows.inNetwork(n).ethDst(GatewayMac.of(n.gateway().getAsInt())).ethType(0x0800)
        .exact(Field.IPV4_DST, e.ip() & 0xffff_ffffL).build();
    return OverlayFlows.entry(Stage.L3, ROUTE, m, n.vni()).actions(
        Action.setField(Field.ETH_SRC, GatewayMac.of(peer.gateway().getAsInt())),
        Action.setField(Field.ETH_DST, e.mac().value()),
        Action.DEC_TTL)
        .writeMetadata(peer.vni(), -1L).next(Stage.L2).build();
  }
}
