package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.Localnet;
import io.switchboard.apps.overlay.config.NatRule;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.apps.overlay.config.OverlayRouter;
import io.switchboard.apps.overlay.config.RouterExternal;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A router's external side: its port on a localnet network, on its gateway host only, with SNAT and floating IPs
 * done by the switch's connection tracker in the router's zone Z (docs/apps/nat.md). EXT is the router's external
 * address, EMAC its MAC ({@link GatewayMac} of EXT), VX the external network's VNI, PATCH the gateway host's patch
 * port to the physical bridge.
 *
 * <pre>
 * every host with ports in the router's networks (L3):
 *   60 metadata=VNI,eth_dst=GWMAC,ip,ip_dst=A-NETWORK-OF-THE-ROUTER -> drop (no such endpoint; never outside)
 * every other host with ports in the router's networks (L3):
 *   20 metadata=VNI,eth_dst=GWMAC,ip                      -> tun_id=VX, tun_dst=GATEWAY-HOST, output:TUNNEL
 * gateway host:
 *   CLASSIFY 100 in_port=TUNNEL,tun_id=VX                 -> metadata=VX, goto acl
 *   L3  20+len metadata=VNI,eth_dst=GWMAC,ip,ip_src=LOGICAL   (local endpoints)
 *                                                         -> metadata=VX, ct(commit,zone=Z,table=l3,nat(src=EXT))
 *   L3      20 metadata=VNI,eth_dst=GWMAC,ip              -> metadata=VX, ct(zone=Z,table=l3)    (no rule: no NAT)
 *   L3 1000+len in_port=TUNNEL,metadata=VX,ip,ip_src=LOGICAL  (other hosts' endpoints)
 *                                                         -> ct(commit,zone=Z,table=l3,nat(src=EXT))
 *   L3    1000 in_port=TUNNEL,metadata=VX,ip              -> ct(zone=Z,table=l3)
 *   L3    1200 metadata=VX,arp,arp_op=1,arp_tpa=EXT|FIP   -> controller (learns the asker), ARP reply with EMAC
 *   L3    1200 metadata=VX,arp,arp_op=2,arp_tpa=EXT       -> controller (learns the next hop's MAC)
 *   L3    1150 metadata=VX,eth_dst=EMAC,icmp echo,ip_dst=EXT -> echo reply from EXT
 *   L3    1100 metadata=VX,eth_dst=EMAC,ip,ip_dst=FIP     -> ct(commit,zone=Z,table=l3,nat(dst=LOGICAL))
 *   L3    1100 metadata=VX,eth_dst=EMAC,ip,ip_dst=SNAT-EXT -> ct(zone=Z,table=l3,nat)        (un-SNAT replies)
 *   L3    1050 metadata=VX,eth_dst=EMAC                   -> drop
 *   after conntrack (ct_state=+trk, ct_zone=Z, metadata=VX):
 *   L3    2100 eth_dst=EMAC,ip,ip_dst=EP                  -> eth_src=GWMAC, eth_dst=EP-MAC, dec_ttl, to EP's port or
 *                                                            tun_id=VNI, tun_dst=EP-HOST, output:TUNNEL
 *   L3    2000 eth_dst=EMAC                               -> drop
 *   L3 1500+len ip,ip_dst=PREFIX                          -> eth_src=EMAC, eth_dst=NEXT-HOP-MAC, dec_ttl,
 *                                                            (push_vlan,) output:PATCH; while unresolved:
 *                                                            ct_clear, controller (which sends an ARP request)
 *   L3    1400 any                                        -> drop
 * </pre>
 */
final class ExternalFlows {
  static final int TO_GATEWAY_HOST = 20;
  /** Above the NAT entries, below routing between the router's networks (RouterFlows.ROUTE). */
  static final int INTERNAL_DROP = 60;
  static final int OUT_LOCAL = 20;
  static final int OUT_TRANSIT = 1000;
  static final int INBOUND_DROP = 1050;
  static final int INBOUND = 1100;
  static final int ECHO = 1150;
  static final int ARP = 1200;
  static final int TRACKED_DROP = 1400;
  static final int ROUTE_OUT = 1500;
  static final int TRACKED_IN_DROP = 2000;
  static final int DELIVER = 2100;
  /** Packet-ins of the external side (ARP it learns from, packets to a next hop not yet resolved): 100/s. */
  static final ControllerApp.MeterSpec ARP_METER = new ControllerApp.MeterSpec(0xa49, 100, 100);

  private ExternalFlows() {}

  static void add(HostBridge bridge, ExternalState state, FlowSink out) {
    OverlayTopology topo = bridge.topology();
    for (OverlayRouter r : topo.overlay().routers()) {
      if (r.external().isEmpty()) {
        continue;
      }
      RouterExternal x = r.external().get();
      OverlayNetwork ext = topo.network(x.network()).orElse(null);
      OverlayHost gw = topo.host(x.host()).orElse(null);
      if (ext == null || gw == null) {
        continue;
      }
      for (OverlayNetwork n : internalOn(bridge, r)) {
        for (String name : r.networks()) {
          topo.network(name).ifPresent(m -> out.add(OverlayFlows.entry(Stage.L3, INTERNAL_DROP,
              toRouter(n).ipv4Dst(m.subnet().address(), m.subnet().length()).build(), n.vni()).build()));
        }
      }
      if (x.host().equals(bridge.hostName())) {
        OptionalLong patch = LocalnetFlows.patchPort(bridge, ext);
        // openflowj cannot encode ct_state in an OpenFlow 1.5 match (as for the acl app's conntrack entries)
        if (patch.isPresent() && !"1.5".equals(bridge.sw().openFlowVersion())) {
          gatewayHost(bridge, r, x, ext, state, patch.getAsLong(), out);
        }
      } else {
        bridge.tunnelPort().ifPresent(t -> {
          for (OverlayNetwork n : internalOn(bridge, r)) {
            out.add(OverlayFlows.entry(Stage.L3, TO_GATEWAY_HOST, toRouter(n).build(), ext.vni())
                .actions(OverlayFlows.toHost(ext.vni(), gw.tunnelIp(), t)).build());
          }
        });
      }
    }
  }

  /** The router's networks this host has ports in, by VNI. */
  private static List<OverlayNetwork> internalOn(HostBridge bridge, OverlayRouter r) {
    return bridge.topology().networksOn(bridge.hostName()).stream().filter(n -> r.networks().contains(n.name()))
        .toList();
  }

  private static FlowMatch.Builder toRouter(OverlayNetwork n) {
    return OverlayFlows.inNetwork(n).ethDst(GatewayMac.of(n.gateway().getAsInt())).ethType(0x0800);
  }

  private static void gatewayHost(HostBridge bridge, OverlayRouter r, RouterExternal x, OverlayNetwork ext,
      ExternalState state, long patch, FlowSink out) {
    OverlayTopology topo = bridge.topology();
    long vx = ext.vni();
    long emac = GatewayMac.of(x.ip());
    int zone = x.zone();
    List<NatRule> rules = state.rules(r);
    OptionalLong tunnel = bridge.tunnelPort();

    tunnel.ifPresent(t -> out.add(OverlayFlows.entry(Stage.CLASSIFY, ClassifyFlows.TUNNEL_VNI,
        FlowMatch.builder().inPort(t).exact(Field.TUNNEL_ID, vx).build(), vx).writeMetadata(vx, -1L)
        .next(Stage.ACL).build()));

    // outbound, before conntrack: the source's rule (the longest logical prefix wins: a FIP over its subnet's SNAT)
    for (OverlayNetwork n : internalOn(bridge, r)) {
      for (NatRule rule : rules) {
        if (n.subnet().contains(rule.logicalIp().address())) {
          FlowMatch m = toRouter(n).ipv4Src(rule.logicalIp().address(), rule.logicalIp().length()).build();
          out.add(OverlayFlows.entry(Stage.L3, OUT_LOCAL + rule.logicalIp().length(), m, vx).actions(
              Action.setField(Field.METADATA, vx), snat(zone, rule)).build());
        }
      }
      out.add(OverlayFlows.entry(Stage.L3, OUT_LOCAL, toRouter(n).build(), vx).actions(
          Action.setField(Field.METADATA, vx), Action.conntrack(false, zone, Stage.L3)).build());
    }
    tunnel.ifPresent(t -> {
      for (NatRule rule : rules) {
        FlowMatch m = FlowMatch.builder().inPort(t).metadata(vx).ethType(0x0800)
            .ipv4Src(rule.logicalIp().address(), rule.logicalIp().length()).build();
        out.add(OverlayFlows.entry(Stage.L3, OUT_TRANSIT + rule.logicalIp().length(), m, vx).actions(snat(zone, rule))
            .build());
      }
      out.add(OverlayFlows.entry(Stage.L3, OUT_TRANSIT, FlowMatch.builder().inPort(t).metadata(vx).ethType(0x0800)
          .build(), vx).actions(Action.conntrack(false, zone, Stage.L3)).build());
    });

    // the router's addresses on the physical network: ARP, ping, inbound before conntrack
    TreeSet<Integer> answered = new TreeSet<>();
    answered.add(x.ip());
    TreeSet<Integer> snatAddresses = new TreeSet<>();
    snatAddresses.add(x.ip());
    for (NatRule rule : rules) {
      answered.add(rule.externalIp());
      if (rule.type() == NatRule.Type.DNAT_AND_SNAT) {
        FlowMatch m = FlowMatch.builder().metadata(vx).ethDst(emac).ethType(0x0800)
            .exact(Field.IPV4_DST, rule.externalIp() & 0xffff_ffffL).build();
        out.add(OverlayFlows.entry(Stage.L3, INBOUND, m, vx).actions(Action.conntrack(true, zone, Stage.L3,
            Action.Nat.dst(rule.logicalIp().address()))).build());
      } else {
        snatAddresses.add(rule.externalIp());
      }
    }
    for (int a : snatAddresses) {
      FlowMatch m = FlowMatch.builder().metadata(vx).ethDst(emac).ethType(0x0800)
          .exact(Field.IPV4_DST, a & 0xffff_ffffL).build();
      out.add(OverlayFlows.entry(Stage.L3, INBOUND, m, vx).actions(Action.conntrack(false, zone, Stage.L3,
          Action.Nat.reverse())).build());
    }
    for (int a : answered) {
      out.add(arpResponder(vx, a, emac));
    }
    FlowMatch replies = FlowMatch.builder().metadata(vx).ethType(0x0806).exact(Field.ARP_OP, RouterFlows.ARP_REPLY)
        .exact(Field.ARP_TPA, x.ip() & 0xffff_ffffL).build();
    out.add(OverlayFlows.entry(Stage.L3, ARP, replies, vx).actions(Action.meter(ARP_METER.id()),
        Action.output(Action.PORT_CONTROLLER)).build());
    out.add(echoResponder(vx, x.ip(), emac));
    out.add(OverlayFlows.entry(Stage.L3, INBOUND_DROP, FlowMatch.builder().metadata(vx).ethDst(emac).build(), vx)
        .build());

    // after conntrack: inbound to the router's endpoints, wherever they are
    for (String name : r.networks()) {
      OverlayNetwork n = topo.network(name).orElse(null);
      if (n == null || n.gateway().isEmpty()) {
        continue;
      }
      for (OverlayEndpoint e : topo.endpointsIn(n.name())) {
        List<Action> actions = new ArrayList<>(List.of(
            Action.setField(Field.ETH_SRC, GatewayMac.of(n.gateway().getAsInt())),
            Action.setField(Field.ETH_DST, e.mac().value()), Action.DEC_TTL));
        if (bridge.isLocal(e)) {
          OptionalLong port = bridge.ofport(e);
          if (port.isEmpty()) {
            continue;
          }
          actions.add(Action.output(port.getAsLong()));
        } else {
          OverlayHost h = topo.host(e.host()).orElse(null);
          if (h == null || tunnel.isEmpty()) {
            continue;
          }
          actions.addAll(OverlayFlows.toHost(n.vni(), h.tunnelIp(), tunnel.getAsLong()));
        }
        FlowMatch m = tracked(vx, zone).ethDst(emac).ethType(0x0800).exact(Field.IPV4_DST, e.ip() & 0xffff_ffffL)
            .build();
        out.add(OverlayFlows.entry(Stage.L3, DELIVER, m, vx).actions(actions).build());
      }
    }
    out.add(OverlayFlows.entry(Stage.L3, TRACKED_IN_DROP, tracked(vx, zone).ethDst(emac).build(), vx).build());

    // after conntrack: outbound, routed to the next hop on the physical network
    Localnet l = ext.localnet().orElseThrow();
    List<Action> toPhysical = LocalnetFlows.toPhysical(l, patch);
    Map<Integer, Long> known = new TreeMap<>(state.bindings(r.name()));
    Map<Integer, OverlayEndpoint> localnetEndpoints = new TreeMap<>();
    topo.endpointsIn(ext.name()).forEach(e -> localnetEndpoints.put(e.ip(), e));
    for (OverlayEndpoint e : localnetEndpoints.values()) {
      known.put(e.ip(), e.mac().value());
    }
    for (ExternalState.Route route : ExternalState.routes(r)) {
      FlowMatch.Builder m = tracked(vx, zone).ethType(0x0800);
      if (route.prefix().length() > 0) {
        m.ipv4Dst(route.prefix().address(), route.prefix().length());
      }
      List<Action> actions;
      Long mac = route.onLink() ? null : known.get(route.nextHop());
      actions = mac == null ? UNRESOLVED : routeTo(emac, mac, toPhysical);
      out.add(OverlayFlows.entry(Stage.L3, ROUTE_OUT + route.prefix().length(), m.build(), vx).actions(actions)
          .build());
    }
    for (Map.Entry<Integer, Long> b : known.entrySet()) {
      if (!x.subnet().contains(b.getKey())) {
        continue; // a next hop, reached through its route's entry
      }
      OverlayEndpoint e = localnetEndpoints.get(b.getKey());
      List<Action> last = e != null && bridge.isLocal(e)
          ? bridge.ofport(e).stream().mapToObj(p -> (Action) Action.output(p)).toList() : toPhysical;
      if (last.isEmpty()) {
        continue;
      }
      FlowMatch m = tracked(vx, zone).ethType(0x0800).exact(Field.IPV4_DST, b.getKey() & 0xffff_ffffL).build();
      out.add(OverlayFlows.entry(Stage.L3, ROUTE_OUT + 32, m, vx).actions(routeTo(emac, b.getValue(), last)).build());
    }
    out.add(OverlayFlows.entry(Stage.L3, TRACKED_DROP, tracked(vx, zone).build(), vx).build());
  }

  /**
   * A packet whose next hop has no MAC yet goes to the controller, which asks for it (ARP); its conntrack state is
   * cleared first, so the packet-in carries no ct fields (the connection stays in the switch).
   */
  static final List<Action> UNRESOLVED = List.of(Action.meter(ARP_METER.id()), new Action.CtClear(),
      Action.output(Action.PORT_CONTROLLER));

  private static Action snat(int zone, NatRule rule) {
    return Action.conntrack(true, zone, Stage.L3, Action.Nat.src(rule.externalIp()));
  }

  private static FlowMatch.Builder tracked(long vx, int zone) {
    return FlowMatch.builder().metadata(vx).masked(Field.CT_STATE, Field.CT_TRK, Field.CT_TRK)
        .exact(Field.CT_ZONE, zone);
  }

  private static List<Action> routeTo(long emac, long mac, List<Action> last) {
    List<Action> a = new ArrayList<>(List.of(Action.setField(Field.ETH_SRC, emac), Action.setField(Field.ETH_DST, mac),
        Action.DEC_TTL));
    a.addAll(last);
    return a;
  }

  /**
   * "Who has IP?" on the external network, for the router's address or a NAT address: a copy to the controller
   * (which learns the asker's MAC), then the reply with EMAC back where the request came from.
   */
  private static FlowEntry arpResponder(long vx, int ip, long emac) {
    long addr = ip & 0xffff_ffffL;
    FlowMatch m = FlowMatch.builder().metadata(vx).ethType(0x0806).exact(Field.ARP_OP, RouterFlows.ARP_REQUEST)
        .exact(Field.ARP_TPA, addr).build();
    return OverlayFlows.entry(Stage.L3, ARP, m, vx).actions(
        Action.meter(ARP_METER.id()),
        Action.output(Action.PORT_CONTROLLER),
        new Action.Move(Field.ETH_SRC, Field.ETH_DST),
        Action.setField(Field.ETH_SRC, emac),
        Action.setField(Field.ARP_OP, RouterFlows.ARP_REPLY),
        new Action.Move(Field.ARP_SHA, Field.ARP_THA),
        Action.setField(Field.ARP_SHA, emac),
        new Action.Move(Field.ARP_SPA, Field.ARP_TPA),
        Action.setField(Field.ARP_SPA, addr),
        Action.output(Action.PORT_IN_PORT)).build();
  }

  private static FlowEntry echoResponder(long vx, int ip, long emac) {
    long addr = ip & 0xffff_ffffL;
    FlowMatch m = FlowMatch.builder().metadata(vx).ethDst(emac).ethType(0x0800).exact(Field.IP_PROTO, RouterFlows.ICMP)
        .exact(Field.ICMPV4_TYPE, RouterFlows.ECHO_REQUEST).exact(Field.IPV4_DST, addr).build();
    return OverlayFlows.entry(Stage.L3, ECHO, m, vx).actions(
        new Action.Move(Field.ETH_SRC, Field.ETH_DST),
        Action.setField(Field.ETH_SRC, emac),
        new Action.Move(Field.IPV4_SRC, Field.IPV4_DST),
        Action.setField(Field.IPV4_SRC, addr),
        Action.setField(Field.ICMPV4_TYPE, RouterFlows.ECHO_REPLY),
        Action.output(Action.PORT_IN_PORT)).build();
  }
}
