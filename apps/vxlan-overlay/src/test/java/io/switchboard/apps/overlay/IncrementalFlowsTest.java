package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.apps.overlay.config.OverlaySection;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The overlay app brings bridges up to date change by change ({@link DesiredFlowCache}, the topology updated for
 * one endpoint at a time); this checks that after every step of a random sequence of changes — endpoints added and
 * deleted through REST or appearing in the shared store as another instance would put them (clashing ones
 * included), networks and routers changed by a config reload, ports appearing, disappearing and moving, bridges
 * disconnecting, and in half the runs a localnet network (endpoints in it, its patch port coming and going) with a
 * router's external side on it, whose NAT rules (floating IPs) are added and removed through the app and whose next
 * hop is learned — each bridge holds exactly what a computation from scratch gives: {@link OverlayTopology#of} from
 * the config and the stores, then {@link OverlayFlows#compute} with the NAT rules and next hops of the stores.
 * Seeded: a failure names its seed and step, and the same seed replays it.
 */
class IncrementalFlowsTest {
  static final int STEPS = 150;
  /** The patch port to the physical bridge br-phys of the localnet network (int-BRIDGE). */
  static final String PATCH = "int-br-phys";

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void everyBridgeEqualsAFullRecomputeAfterEveryStep(long seed) {
    new Run(seed).go();
  }

  /** The overlay's shape as a few numbers, written out as YAML. */
  static final class Model {
    int hosts;
    final List<int[]> networks = new ArrayList<>(); // {id, subnet index, gateway 0/1}
    final List<List<Integer>> routers = new ArrayList<>();
    final List<String> configEndpoints = new ArrayList<>();
    final Map<Integer, Integer> tunnelIpOffset = new HashMap<>();
    /** A localnet network "wan" (10.90.0.0/24 on physical network phys, mapped on h0 and h1). */
    boolean wan;
    /** Router r0 has its external side on wan, gateway host h0, with SNAT for its first network. */
    boolean external;

    String yaml() {
      StringBuilder b = new StringBuilder("apps: [vxlan-overlay]\noverlay:\n  tunnel-port: vxlan0\n  hosts:\n");
      for (int h = 0; h < hosts; h++) {
        String bridge = h % 2 == 0 ? "\"0x" + (h + 1) + "\"" : "br-h" + h;
        b.append(String.format(Locale.ROOT, "    - {name: h%d, bridge: %s, tunnel-ip: 10.99.0.%d%s}%n", h, bridge,
            1 + h + tunnelIpOffset.getOrDefault(h, 0), wan && h < 2 ? ", bridge-mappings: {phys: br-phys}" : ""));
      }
      b.append("  networks:\n");
      for (int[] n : networks) {
        b.append(String.format(Locale.ROOT, "    - {name: n%d, vni: %d, subnet: 10.%d.0.0/24%s}%n", n[0], 100 + n[0],
            n[1], n[2] == 1 ? ", gateway: 10." + n[1] + ".0.1" : ", dhcp: {enabled: false}"));
      }
      if (wan) {
        b.append("    - {name: wan, vni: 90, subnet: 10.90.0.0/24, type: localnet, physical-network: phys}\n");
      }
      b.append("  routers:\n");
      for (int r = 0; r < routers.size(); r++) {
        StringBuilder nets = new StringBuilder();
        for (int n : routers.get(r)) {
          nets.append(nets.length() == 0 ? "" : ", ").append("n").append(n);
        }
        String ext = "";
        if (r == 0 && external) {
          int[] first = network(routers.get(0).get(0));
          ext = ", external: {network: wan, ip: 10.90.0.5/24, gateway: 10.90.0.1, host: h0}, nat: [{type: snat, "
              + "logical-ip: 10." + first[1] + ".0.0/24, external-ip: 10.90.0.5}]";
        }
        b.append(String.format(Locale.ROOT, "    - {name: r%d, networks: [%s]%s}%n", r, nets, ext));
      }
      b.append("  endpoints:\n");
      configEndpoints.forEach(e -> b.append("    - ").append(e).append('\n'));
      return b.toString().replace("  routers:\n  endpoints", "  routers: []\n  endpoints")
          .replace("  endpoints:\n", configEndpoints.isEmpty() ? "  endpoints: []\n" : "  endpoints:\n");
    }

    int[] network(int id) {
      return networks.stream().filter(n -> n[0] == id).findFirst().orElse(null);
    }

    boolean routed(int id) {
      return routers.stream().anyMatch(r -> r.contains(id));
    }
  }

  static final class Run {
    final long seed;
    final Random rnd;
    final Model model = new Model();
    final Ctx ctx = new Ctx();
    final VxlanOverlayApp app = new VxlanOverlayApp();
    RestResource api;
    KeyValueStore<String, RuntimeEndpoint> store;
    final List<String> fips = new ArrayList<>();
    int step;
    int nextName;

    Run(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
    }

    void go() {
      model.hosts = 3 + rnd.nextInt(3);
      for (int i = 0; i < 3 + rnd.nextInt(3); i++) {
        model.networks.add(new int[] {i, i % 3 == 2 ? 0 : i, rnd.nextInt(5) == 0 ? 0 : 1});
      }
      model.wan = rnd.nextBoolean();
      fixRouters();
      for (int i = 0; i < 4; i++) {
        model.configEndpoints.add(configEndpoint(i));
      }
      ctx.config = parse();
      for (int h = 0; h < model.hosts; h++) {
        FakeSwitchView sw = FakeSwitchView.of("br-h" + h, h + 1);
        if (h != 1 || rnd.nextBoolean()) {
          sw = sw.withPort(100, "vxlan0");
        }
        for (int p = 0; p < 8; p++) {
          if (rnd.nextInt(4) != 0) {
            sw = sw.withPort(10 + p, "p" + p);
          }
        }
        if (model.wan && rnd.nextInt(4) != 0) {
          sw = sw.withPort(99, PATCH);
        }
        ctx.bridges.put(sw.dpid(), sw);
      }
      ctx.app = app;
      app.start(ctx);
      api = app.resources().get(0);
      store = ctx.stores.map(VxlanOverlayApp.STORE);
      ctx.bridges.keySet().forEach(ctx::connect);
      check();
      for (step = 1; step <= STEPS; step++) {
        int what = rnd.nextInt(100);
        if (what < 35) {
          addThroughRest();
        } else if (what < 55) {
          deleteThroughRest();
        } else if (what < 65) {
          putInStore();
        } else if (what < 72) {
          removeFromStore();
        } else if (what < 78) {
          changeConfig();
        } else if (what < 88) {
          changePort();
        } else if (what < 94 && model.wan) {
          changeNat();
        } else {
          reconnect();
        }
        check();
      }
    }

    private void fixRouters() {
      model.routers.clear();
      List<Integer> routable = new ArrayList<>();
      for (int[] n : model.networks) {
        if (n[2] == 1 && n[1] != 0) { // a gateway, and a subnet of its own (10.0.0.0/24 is shared)
          routable.add(n[0]);
        }
      }
      if (routable.size() >= 2 && rnd.nextInt(4) != 0) {
        int split = routable.size() >= 4 ? 2 : routable.size();
        model.routers.add(new ArrayList<>(routable.subList(0, split)));
        if (routable.size() - split >= 2) {
          model.routers.add(new ArrayList<>(routable.subList(split, routable.size())));
        }
      }
      model.external = model.wan && !model.routers.isEmpty() && rnd.nextInt(4) != 0;
    }

    /** A floating IP of router r0 added or removed through the app, or its upstream gateway's MAC learned. */
    private void changeNat() {
      int what = rnd.nextInt(5);
      try {
        if (what < 3) {
          var candidates = app.topology().endpointsIn(model.routers.isEmpty() ? "none"
              : "n" + model.routers.get(0).get(rnd.nextInt(model.routers.get(0).size())));
          String logical = candidates.isEmpty() ? "10.1.0.77" : candidates.get(rnd.nextInt(candidates.size())).ipText();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("type", "dnat-and-snat");
          body.put("logical-ip", logical);
          body.put("external-ip", "10.90.0." + (40 + rnd.nextInt(20)));
          fips.add(app.addNatRule("r0", body).key());
        } else if (what < 4 && !fips.isEmpty()) {
          app.removeNatRule("r0", fips.remove(rnd.nextInt(fips.size())));
        } else {
          app.externals().nextHopStore().put("r0|10.90.0.1", 0x02_00_00_5a_00_01L + rnd.nextInt(3));
        }
      } catch (ApiException refused) { // no r0, no external, an address taken, an endpoint gone: as REST says
        assertTrue(refused.status() == 400 || refused.status() == 404 || refused.status() == 409,
            refused.getMessage());
      }
    }

    private String configEndpoint(int i) {
      int[] n = model.networks.get(i % model.networks.size());
      boolean dynamic = i == 3;
      return String.format(Locale.ROOT, "{name: c%d, network: n%d, host: h%d, port: p%d, mac: %s, ip: %s}", i, n[0],
          i % model.hosts, i, dynamic ? "dynamic" : "\"02:00:00:00:00:" + String.format("%02x", 0xc0 + i) + "\"",
          dynamic ? "dynamic" : "10." + n[1] + ".0." + (200 + i));
    }

    private SwitchboardConfig parse() {
      return Fixtures.config(model.yaml());
    }

    /** An endpoint body: sometimes clashing with what exists (same port, IP or MAC), sometimes dynamic. */
    private Map<String, Object> randomBody() {
      int[] n = model.networks.get(rnd.nextInt(model.networks.size()));
      boolean wan = model.wan && rnd.nextInt(6) == 0;
      if (wan) {
        n = new int[] {90, 90, 0};
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", "e" + (nextName++));
      m.put("network", wan ? "wan" : "n" + n[0]);
      m.put("host", "h" + rnd.nextInt(model.hosts));
      m.put("port", "p" + rnd.nextInt(12));
      boolean dynamicIp = rnd.nextInt(5) == 0;
      int host = 2 + rnd.nextInt(30);
      m.put("mac", rnd.nextInt(4) == 0 ? "dynamic" : String.format(Locale.ROOT, "02:00:00:%02x:00:%02x", n[0],
          rnd.nextInt(30)));
      m.put("ip", dynamicIp ? "dynamic" : "10." + n[1] + ".0." + host);
      return m;
    }

    private void addThroughRest() {
      try {
        api.create(randomBody());
      } catch (ApiException refused) {
        assertTrue(refused.status() == 400 || refused.status() == 409, refused.getMessage());
      }
    }

    private void deleteThroughRest() {
      List<String> names = new ArrayList<>(store.snapshot().keySet());
      if (!names.isEmpty()) {
        api.delete(names.get(rnd.nextInt(names.size())));
      }
    }

    /** As another instance would (it validated against its own view): may clash, and is then rejected here. */
    private void putInStore() {
      Map<String, Object> b = randomBody();
      store.put((String) b.get("name"), new RuntimeEndpoint((String) b.get("name"), (String) b.get("network"),
          (String) b.get("host"), (String) b.get("port"), (String) b.get("mac"), (String) b.get("ip")));
    }

    private void removeFromStore() {
      List<String> names = new ArrayList<>(store.snapshot().keySet());
      if (!names.isEmpty()) {
        store.remove(names.get(rnd.nextInt(names.size())));
      }
    }

    /** A reload: a network added or removed, routers regrouped, a host's tunnel address or a config endpoint changed. */
    private void changeConfig() {
      switch (rnd.nextInt(5)) {
        case 0 -> {
          int id = model.networks.stream().mapToInt(n -> n[0]).max().orElse(0) + 1;
          model.networks.add(new int[] {id, id % 3 == 2 ? 0 : id, rnd.nextInt(4) == 0 ? 0 : 1});
        }
        case 1 -> {
          if (model.networks.size() > 2) {
            int[] gone = model.networks.get(rnd.nextInt(model.networks.size()));
            String name = "n" + gone[0] + ",";
            if (model.configEndpoints.stream().noneMatch(e -> e.contains("network: " + name))) {
              model.networks.remove(gone);
            }
          }
        }
        case 2 -> model.tunnelIpOffset.merge(rnd.nextInt(model.hosts), 50, (a, b) -> a == 0 ? b : 0);
        case 3 -> {
          if (model.configEndpoints.size() > 1) {
            model.configEndpoints.remove(model.configEndpoints.size() - 1);
          } else {
            model.configEndpoints.add(configEndpoint(model.configEndpoints.size()));
          }
        }
        default -> { } // routers only
      }
      fixRouters();
      ctx.config = parse();
      app.stop();
      app.start(ctx);
      ctx.bridges.keySet().forEach(ctx::recomputeNow); // what the core does after a reload
    }

    private void changePort() {
      long dpid = 1 + rnd.nextInt(model.hosts);
      FakeSwitchView sw = ctx.bridges.get(dpid);
      int which = rnd.nextInt(10);
      String port = which == 0 ? "vxlan0" : which == 1 && model.wan ? PATCH : "p" + rnd.nextInt(12);
      boolean there = sw.port(port).isPresent();
      long number;
      do {
        number = 10 + rnd.nextInt(40); // a number no other port of the bridge has, as OVS gives them
      } while (sw.port(number).isPresent());
      FakeSwitchView next = there && rnd.nextBoolean() ? sw.withoutPort(port) : sw.withPort(number, port);
      ctx.bridges.put(dpid, next);
      if (rnd.nextInt(3) == 0) {
        addThroughRest(); // a change that reaches the app before the core's recompute for the port does
      }
      ctx.recomputeNow(dpid); // a port status: the core recomputes the bridge
    }

    private void reconnect() {
      long dpid = 1 + rnd.nextInt(model.hosts);
      app.onSwitchDown(dpid);
      ctx.connected.remove(dpid);
      if (rnd.nextBoolean()) {
        putInStore(); // a change while it is away
      }
      ctx.connect(dpid);
    }

    private void check() {
      OverlayTopology scratch = OverlayTopology.of(OverlaySection.of(ctx.config), store.snapshot(),
          new Ipam(ctx.stores).assignments());
      OverlayTopology kept = app.topology();
      String where = "seed " + seed + " step " + step;
      assertEquals(scratch.endpoints(), kept.endpoints(), where + ": endpoints in force");
      assertEquals(scratch.pending().keySet(), kept.pending().keySet(), where + ": pending");
      assertEquals(scratch.rejected().keySet(), kept.rejected().keySet(), where + ": rejected");
      ExternalState nat = new RouterExternals(ctx.stores, System::nanoTime).state(OverlaySection.of(ctx.config));
      for (long dpid : ctx.connected.keySet()) {
        FakeSwitchView sw = ctx.bridges.get(dpid);
        List<FlowEntry> computed = new ArrayList<>();
        OverlayFlows.compute(scratch, nat, sw, computed::add);
        Map<String, FlowEntry> expected = byKey(computed, where);
        Map<String, FlowEntry> held = ctx.connected.get(dpid);
        if (!expected.equals(held)) {
          List<String> d = Fixtures.diff(new ArrayList<>(held.values()), new ArrayList<>(expected.values()));
          fail(where + ": bridge " + dpid + " differs from a full recompute (- held, + expected):\n"
              + String.join("\n", d));
        }
      }
    }
  }

  static Map<String, FlowEntry> byKey(Collection<FlowEntry> entries, String where) {
    Map<String, FlowEntry> m = new TreeMap<>();
    for (FlowEntry e : entries) {
      if (m.put(key(e), e) != null) {
        fail(where + ": two entries with one key " + e);
      }
    }
    return m;
  }

  static String key(FlowEntry e) {
    return e.stage() + " " + e.priority() + " " + e.match();
  }

  /** The core, as far as the app sees it: bridges, what each programmed one holds, and the stores. */
  static final class Ctx implements AppContext {
    SwitchboardConfig config;
    final StoreFactory stores = new InMemoryStoreFactory();
    final Map<Long, FakeSwitchView> bridges = new TreeMap<>();
    /** Programmed bridges: their entries by key, as the core's FlowProgrammer holds an app's set. */
    final Map<Long, Map<String, FlowEntry>> connected = new TreeMap<>();
    VxlanOverlayApp app;

    void connect(long dpid) {
      connected.put(dpid, new TreeMap<>());
      recomputeNow(dpid);
    }

    void recomputeNow(long dpid) {
      if (connected.containsKey(dpid)) {
        List<FlowEntry> out = new ArrayList<>();
        app.desiredFlows(bridges.get(dpid), out::add);
        connected.put(dpid, byKey(out, "desiredFlows"));
      }
    }

    @Override
    public SwitchboardConfig config() {
      return config;
    }

    @Override
    public Collection<SwitchView> switches() {
      List<SwitchView> out = new ArrayList<>();
      connected.keySet().forEach(d -> out.add(bridges.get(d)));
      return out;
    }

    @Override
    public Optional<SwitchView> switchView(long dpid) {
      return connected.containsKey(dpid) ? Optional.of(bridges.get(dpid)) : Optional.empty();
    }

    @Override
    public void recompute(long dpid) {
      recomputeNow(dpid);
    }

    @Override
    public void recomputeAll() {
      List.copyOf(connected.keySet()).forEach(this::recomputeNow);
    }

    /** As FlowProgrammer.update: removed by key, then added replacing what has its key. */
    @Override
    public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {
      Map<String, FlowEntry> held = connected.get(dpid);
      if (held != null) {
        removed.forEach(e -> held.remove(key(e)));
        added.forEach(e -> held.put(key(e), e));
      }
    }

    @Override
    public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {}

    @Override
    public void count(long dpid, String event) {}

    @Override
    public StoreFactory stores() {
      return stores;
    }

    @Override
    public boolean isMaster(long dpid) {
      return true;
    }
  }

}
