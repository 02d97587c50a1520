package io.switchboard.apps.overlay;

import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.MacAddress;
import io.switchboard.apps.overlay.config.NatRule;
import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.apps.overlay.config.OverlayNat;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.apps.overlay.config.OverlayRouter;
import io.switchboard.config.Result;
import io.switchboard.apps.overlay.config.RouterExternal;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routers' external side at run time: NAT rules added through REST ({@value #NAT_STORE}) and the MAC addresses of
 * next hops on the external networks ({@value #NEXT_HOP_STORE}), both shared by every controller instance; the ARP
 * the gateway host's bridge sends up (learned) and packets to a next hop not yet resolved (answered with an ARP
 * request out of the patch port).
 */
final class RouterExternals {
  static final String NAT_STORE = "overlay.nat";
  static final String NEXT_HOP_STORE = "overlay.next-hops";
  /** Learned next hops, all routers together: a physical network's ARP cannot grow the controller's memory. */
  static final int MAX_NEXT_HOPS = 4096;
  /** Rules added through REST, all routers together. */
  static final int MAX_RUNTIME_RULES = 16384;
  /** At most one ARP request per next hop per second. */
  static final long ASK_INTERVAL_NANOS = 1_000_000_000L;
  static final int MAX_ASKING = 1024;

  private static final Logger log = LoggerFactory.getLogger(RouterExternals.class);

  private final KeyValueStore<String, RuntimeNatRule> rules;
  private final KeyValueStore<String, Long> nextHops;
  private final LongSupplier clock;
  private final Map<String, Long> asked = new ConcurrentHashMap<>();
  private volatile boolean fullLogged;

  RouterExternals(StoreFactory stores, LongSupplier clock) {
    this.rules = stores.map(NAT_STORE);
    this.nextHops = stores.map(NEXT_HOP_STORE);
    this.clock = clock;
  }

  KeyValueStore<String, RuntimeNatRule> ruleStore() {
    return rules;
  }

  KeyValueStore<String, Long> nextHopStore() {
    return nextHops;
  }

  /** The rules in force (the config's, then the valid runtime ones by name) and the learned next hops. */
  ExternalState state(OverlayConfig overlay) {
    Map<String, List<NatRule>> nat = new LinkedHashMap<>();
    Map<String, TreeMap<String, RuntimeNatRule>> runtime = new HashMap<>();
    rules.snapshot().values().forEach(r -> runtime.computeIfAbsent(r.router(), k -> new TreeMap<>())
        .put(r.type() + ":" + r.logicalIp(), r));
    for (OverlayRouter r : overlay.routers()) {
      List<NatRule> in = new ArrayList<>(r.nat());
      for (RuntimeNatRule rr : runtime.getOrDefault(r.name(), new TreeMap<>()).values()) {
        Result<NatRule> checked = OverlayNat.parseRule(rr.toMap(), overlay, r, in);
        if (checked.isOk()) {
          in.add(checked.value());
        } else {
          log.warn("overlay: NAT rule {} of router {} added through REST is not valid with the current config and "
              + "has no effect: {}", rr.type() + ":" + rr.logicalIp(), r.name(), checked.errorText());
        }
      }
      nat.put(r.name(), in);
    }
    Map<String, Map<Integer, Long>> bindings = new HashMap<>();
    nextHops.snapshot().forEach((k, mac) -> {
      int bar = k.indexOf('|');
      if (bar > 0) {
        bindings.computeIfAbsent(k.substring(0, bar), x -> new HashMap<>())
            .put(Ipv4.parse(k.substring(bar + 1)), mac);
      }
    });
    return new ExternalState(nat, bindings);
  }

  // ---- REST

  List<Map<String, Object>> list(OverlayConfig overlay, ExternalState state, String routerName) {
    OverlayRouter r = router(overlay, routerName);
    List<Map<String, Object>> out = new ArrayList<>();
    for (NatRule rule : state.rules(r)) {
      Map<String, Object> m = new LinkedHashMap<>(rule.toMap());
      m.put("source", r.nat().contains(rule) ? "config" : "api");
      out.add(m);
    }
    return out;
  }

  /** Validates a rule against the router and the rules in force, then stores it; 400/404/409 with the reason. */
  NatRule add(OverlayConfig overlay, ExternalState state, String routerName, Map<String, Object> body) {
    OverlayRouter r = router(overlay, routerName);
    Result<NatRule> checked = OverlayNat.parseRule(body, overlay, r, state.rules(r));
    if (!checked.isOk()) {
      boolean duplicate = checked.errors().stream().anyMatch(e -> e.message().contains("already has a"));
      throw new ApiException(duplicate ? 409 : 400, checked.errorText());
    }
    NatRule rule = checked.value();
    if (rules.snapshot().size() >= MAX_RUNTIME_RULES) {
      throw new ApiException(409, "the overlay holds " + MAX_RUNTIME_RULES + " NAT rules added through REST, its "
          + "limit; remove some first");
    }
    if (rules.putIfAbsent(RuntimeNatRule.key(r.name(), rule.key()), RuntimeNatRule.of(r.name(), rule)) != null) {
      throw new ApiException(409, "router " + r.name() + " already has a rule " + rule.key());
    }
    return rule;
  }

  /** Removes a rule added through REST; false when the router has no such rule; 409 for one of the config file. */
  boolean remove(OverlayConfig overlay, String routerName, String ruleName) {
    OverlayRouter r = router(overlay, routerName);
    if (r.nat().stream().anyMatch(x -> x.key().equals(ruleName))) {
      throw new ApiException(409, "rule " + ruleName + " of router " + r.name() + " is defined in the config file; "
          + "remove it there and reload");
    }
    return rules.remove(RuntimeNatRule.key(r.name(), ruleName)) != null;
  }

  private static OverlayRouter router(OverlayConfig overlay, String name) {
    return overlay.router(name).orElseThrow(() -> new ApiException(404, "no router named '" + name + "'"));
  }

  /**
   * After a controller restart the switch still holds the routes with the next hops' MACs: they are learned back
   * from it, so that no route falls back to "unresolved" and open sessions keep flowing.
   */
  void adopt(OverlayTopology topo, SwitchView sw, List<FlowEntry> installed) {
    Optional<OverlayHost> host = topo.hostOf(sw);
    if (host.isEmpty()) {
      return;
    }
    for (OverlayRouter r : topo.overlay().routers()) {
      Optional<RouterExternal> x = r.external().filter(e -> e.host().equals(host.get().name()));
      if (x.isEmpty()) {
        continue;
      }
      for (FlowEntry e : installed) {
        if (e.stage() != Stage.L3 || e.priority() < ExternalFlows.ROUTE_OUT
            || e.priority() > ExternalFlows.ROUTE_OUT + 32 || !e.match().has(Field.CT_ZONE)
            || e.match().get(Field.CT_ZONE).value() != x.get().zone()) {
          continue;
        }
        Long mac = null;
        for (Action a : e.actions()) {
          if (a instanceof Action.SetField sf && sf.field() == Field.ETH_DST) {
            mac = sf.value();
          }
        }
        if (mac == null) {
          continue;
        }
        int len = e.priority() - ExternalFlows.ROUTE_OUT;
        var dst = e.match().get(Field.IPV4_DST);
        int hop;
        if (len == 32 && dst != null) {
          hop = (int) dst.value();
        } else {
          Ipv4Prefix p = dst == null ? new Ipv4Prefix(0, 0)
              : new Ipv4Prefix((int) dst.value(), len);
          hop = ExternalState.routes(r).stream().filter(rt -> rt.prefix().equals(p) && !rt.onLink())
              .mapToInt(ExternalState.Route::nextHop).findFirst().orElse(0);
        }
        if (hop != 0 && x.get().subnet().contains(hop) && !topo.endpointsIn(x.get().network()).stream()
            .anyMatch(ep -> ep.ip() == hop)) {
          String key = r.name() + "|" + Ipv4.format(hop);
          if (nextHops.get(key) == null) {
            nextHops.putIfAbsent(key, mac);
          }
        }
      }
    }
  }

  // ---- packet-ins: ARP learned, next hops asked for

  /**
   * An ARP the gateway host's bridge sent up (a request for one of the router's addresses, or a reply to the
   * router): the sender's MAC is learned when it is on the external network. An IPv4 packet is one whose next hop
   * has no MAC yet: an ARP request for the next hop goes out of the patch port, at most once a second.
   */
  void onPacketIn(OverlayTopology topo, SwitchView sw, PacketIn in, AppContext ctx) {
    Optional<OverlayHost> host = topo.hostOf(sw);
    if (host.isEmpty()) {
      return;
    }
    OverlayRouter router = null;
    OverlayNetwork ext = null;
    for (OverlayRouter r : topo.overlay().routers()) {
      Optional<RouterExternal> x = r.external();
      if (x.isPresent() && x.get().host().equals(host.get().name())) {
        Optional<OverlayNetwork> n = topo.network(x.get().network());
        if (n.isPresent() && n.get().vni() == in.metadata()) {
          router = r;
          ext = n.get();
        }
      }
    }
    if (router == null) {
      return;
    }
    RouterExternal x = router.external().orElseThrow();
    byte[] f = in.data();
    int l3 = f.length >= 18 && u16(f, 12) == 0x8100 ? 18 : 14;
    int type = f.length >= l3 ? u16(f, l3 - 2) : 0;
    if (type == 0x0806 && f.length >= l3 + 28) {
      long sha = mac(f, l3 + 8);
      int spa = (int) u32(f, l3 + 14);
      if (x.subnet().contains(spa) && spa != x.ip() && (sha & 0x0100_0000_0000L) == 0 && sha != 0) {
        learn(ctx, router.name(), spa, sha);
      }
    } else if (type == 0x0800 && f.length >= l3 + 20) {
      int dst = (int) u32(f, l3 + 16);
      int hop = ExternalState.nextHop(router, dst);
      ask(ctx, sw, topo, router, x, ext, hop);
    }
  }

  private void learn(AppContext ctx, String router, int ip, long mac) {
    String key = router + "|" + Ipv4.format(ip);
    Long before = nextHops.get(key);
    if (before != null && before == mac) {
      return;
    }
    if (before == null && nextHops.snapshot().size() >= MAX_NEXT_HOPS) {
      ctx.increment("switchboard_overlay_next_hops_refused_total");
      if (!fullLogged) {
        fullLogged = true;
        log.warn("overlay: {} next hops learned on external networks, the limit; {} ({}) is not learned",
            MAX_NEXT_HOPS, Ipv4.format(ip), router);
      }
      return;
    }
    log.info("overlay: router {} learned next hop {} at {}", router, Ipv4.format(ip),
        new MacAddress(mac));
    ctx.increment("switchboard_overlay_next_hops_learned_total");
    nextHops.put(key, mac);
  }

  private void ask(AppContext ctx, SwitchView sw, OverlayTopology topo, OverlayRouter r, RouterExternal x,
      OverlayNetwork ext, int hop) {
    String key = r.name() + "|" + Ipv4.format(hop);
    long now = clock.getAsLong();
    Long last = asked.get(key);
    if (last != null && now - last < ASK_INTERVAL_NANOS) {
      return;
    }
    if (asked.size() >= MAX_ASKING) {
      asked.clear();
    }
    asked.put(key, now);
    Optional<String> port = topo.host(x.host())
        .flatMap(h -> h.patchPortFor(ext.localnet().orElseThrow().physicalNetwork()));
    if (port.isEmpty()) {
      return;
    }
    Optional<Long> number = sw.port(port.get()).map(p -> p.number());
    if (number.isEmpty()) {
      return;
    }
    byte[] request = arpRequest(GatewayMac.of(x.ip()), x.ip(), hop, ext.localnet().orElseThrow().vlan());
    ctx.increment("switchboard_overlay_next_hop_arp_requests_total");
    ctx.packetOut(sw.dpid(), Action.PORT_CONTROLLER, List.of(Action.output(number.get())), request);
  }

  /** "Who has HOP? Tell EXT", broadcast, with the provider network's 802.1Q tag when it has one. */
  static byte[] arpRequest(long srcMac, int srcIp, int target, OptionalInt vlan) {
    int tag = vlan.isPresent() ? 4 : 0;
    byte[] b = new byte[Math.max(60, 42 + tag)];
    putMac(b, 0, 0xffff_ffff_ffffL);
    putMac(b, 6, srcMac);
    int off = 12;
    if (vlan.isPresent()) {
      put16(b, 12, 0x8100);
      put16(b, 14, vlan.getAsInt());
      off = 16;
    }
    put16(b, off, 0x0806);
    int a = off + 2;
    put16(b, a, 1);
    put16(b, a + 2, 0x0800);
    b[a + 4] = 6;
    b[a + 5] = 4;
    put16(b, a + 6, 1);
    putMac(b, a + 8, srcMac);
    put32(b, a + 14, srcIp);
    put32(b, a + 24, target);
    return b;
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  private static long u32(byte[] b, int off) {
    return ((long) u16(b, off) << 16) | u16(b, off + 2);
  }

  private static long mac(byte[] b, int off) {
    return ((long) u16(b, off) << 32) | u32(b, off + 2);
  }

  private static void put16(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  private static void put32(byte[] b, int off, int v) {
    put16(b, off, v >>> 16);
    put16(b, off + 2, v);
  }

  private static void putMac(byte[] b, int off, long m) {
    put16(b, off, (int) (m >>> 32));
    put32(b, off + 2, (int) m);
  }
}
