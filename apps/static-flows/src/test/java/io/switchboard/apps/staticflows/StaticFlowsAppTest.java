package io.switchboard.apps.staticflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The app's entries for a bridge, and its REST collection. */
class StaticFlowsAppTest {
  static final String YAML = """
      apps: [static-flows]
      bridges:
        - bridge: ovs0
      static-flows:
        flows:
          - {name: a-to-b, bridge: ovs0, stage: classify, priority: 100, match: {in-port: a-eth}, output: [b-eth]}
          - {name: no-icmp, stage: classify, priority: 200, match: {ip-proto: icmp}}
          - {name: tap, stage: acl, priority: 300, match: {eth-type: arp}, output: [tap-eth], continue: true}
      """;

  /** A bridge with ports a-eth (1), b-eth (2) and, on ovs0 only, nothing called tap-eth. */
  record Bridge(long dpid, String name, List<PortInfo> ports) implements SwitchView {
    public String openFlowVersion() {
      return "1.3";
    }

    public boolean multiTable() {
      return true;
    }

    public Optional<PortInfo> port(String n) {
      return ports.stream().filter(p -> p.name().equals(n)).findFirst();
    }

    public Optional<PortInfo> port(long number) {
      return ports.stream().filter(p -> p.number() == number).findFirst();
    }
  }

  static final Bridge OVS0 = new Bridge(1, "ovs0", List.of(new PortInfo(1, "a-eth", 2, true),
      new PortInfo(2, "b-eth", 3, true)));
  static final Bridge OVS1 = new Bridge(2, "ovs1", List.of(new PortInfo(1, "a-eth", 4, true),
      new PortInfo(5, "tap-eth", 5, true)));

  /** Just what the app uses: the config, the bridges, a store, and a count of recomputes. */
  static final class Context implements AppContext {
    final SwitchboardConfig config;
    final StoreFactory stores = new InMemoryStoreFactory();
    int recomputes;

    Context(String yaml) throws Exception {
      config = ConfigLoader.parse(yaml, "t.yaml");
    }

    public SwitchboardConfig config() {
      return config;
    }

    public Collection<SwitchView> switches() {
      return List.of(OVS0, OVS1);
    }

    public Optional<SwitchView> switchView(long dpid) {
      return switches().stream().filter(s -> s.dpid() == dpid).findFirst();
    }

    public void recompute(long dpid) {}

    public void recomputeAll() {
      recomputes++;
    }

    public void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed) {}

    public CompletableFuture<List<LiveFlow>> liveFlows(long dpid) {
      return CompletableFuture.completedFuture(List.of());
    }

    public void packetOut(long dpid, long inPort, List<Action> actions, byte[] data) {}

    public void count(long dpid, String event) {}

    public StoreFactory stores() {
      return stores;
    }

    public boolean isMaster(long dpid) {
      return true;
    }
  }

  static List<String> entries(StaticFlowsApp app, SwitchView sw) {
    List<FlowEntry> out = new ArrayList<>();
    app.desiredFlows(sw, out::add);
    return out.stream().map(FlowEntry::toString).toList();
  }

  static StaticFlowsApp started(Context ctx) {
    StaticFlowsApp app = new StaticFlowsApp();
    app.start(ctx);
    return app;
  }

  @Test
  void eachBridgeGetsTheFlowsThatNameItAndWhosePortsItHas() throws Exception {
    StaticFlowsApp app = started(new Context(YAML));
    assertEquals(List.of(
        "classify priority=100 in_port=1 actions=output:2",
        "classify priority=200 eth_type=0x800,ip_proto=1 actions=drop"), entries(app, OVS0).stream()
        .map(s -> s.replaceAll(" tag=\\w+", "")).toList());
    assertEquals(List.of(
        "classify priority=200 eth_type=0x800,ip_proto=1 actions=drop",
        "acl priority=300 eth_type=0x806 actions=output:5,goto:l3"), entries(app, OVS1).stream()
        .map(s -> s.replaceAll(" tag=\\w+", "")).toList());
  }

  @Test
  void anOpenFlow10BridgeGetsNoFlowThatContinues() throws Exception {
    StaticFlowsApp app = started(new Context(YAML));
    SwitchView single = new SwitchView() {
      public long dpid() {
        return 2;
      }

      public String name() {
        return "ovs1";
      }

      public String openFlowVersion() {
        return "1.0";
      }

      public boolean multiTable() {
        return false;
      }

      public java.util.Collection<PortInfo> ports() {
        return OVS1.ports();
      }

      public Optional<PortInfo> port(String n) {
        return OVS1.port(n);
      }

      public Optional<PortInfo> port(long number) {
        return OVS1.port(number);
      }
    };
    assertEquals(List.of("classify priority=200 eth_type=0x800,ip_proto=1 actions=drop"), entries(app, single)
        .stream().map(s -> s.replaceAll(" tag=\\w+", "")).toList(), "tap continues: left out");
  }

  @Test
  void cookiesNameTheFlow() throws Exception {
    StaticFlowsApp app = started(new Context(YAML));
    List<FlowEntry> out = new ArrayList<>();
    app.desiredFlows(OVS0, out::add);
    assertEquals(Optional.of("a-to-b"), app.describeTag(out.get(0).tag()));
    assertEquals(Optional.of("no-icmp"), app.describeTag(out.get(1).tag()));
    assertEquals("flow", app.tagKind());
  }

  @Test
  void restAddsListsAndDeletesFlowsAndRefusesBadOnes() throws Exception {
    Context ctx = new Context(YAML);
    StaticFlowsApp app = started(ctx);
    StaticFlowsResource rest = (StaticFlowsResource) app.resources().get(0);
    assertEquals("static-flows", rest.path());

    Map<String, Object> made = rest.create(Map.of("name", "b-to-a", "bridge", "ovs0", "stage", "classify",
        "priority", 100, "match", Map.of("in-port", "b-eth"), "output", List.of("a-eth")));
    assertEquals("api", made.get("source"));
    assertEquals(List.of("ovs0"), made.get("installed-on"));
    assertEquals(1, ctx.recomputes);
    assertTrue(entries(app, OVS0).stream().anyMatch(e -> e.startsWith("classify priority=100 in_port=2 "
        + "actions=output:1")), entries(app, OVS0).toString());
    assertEquals(List.of("a-to-b", "no-icmp", "tap", "b-to-a"), rest.list().stream().map(m -> m.get("name")).toList());
    assertEquals("config", rest.get("tap").orElseThrow().get("source"));
    assertEquals(List.of("ovs1"), rest.get("tap").orElseThrow().get("installed-on"));

    ApiException bad = assertThrows(ApiException.class, () -> rest.create(Map.of("name", "x", "stage", "l9",
        "priority", 100000)));
    assertEquals(400, bad.status());
    assertEquals("stage: expected a stage (classify, acl, l3, learn, l2, egress), got \"l9\"; did you mean 'l3'?; "
        + "priority: expected a priority (1-65535, higher wins), got \"100000\" (out of range)", bad.getMessage());
    assertEquals(409, assertThrows(ApiException.class, () -> rest.create(Map.of("name", "tap", "stage", "acl",
        "priority", 1))).status());
    ApiException sameEntry = assertThrows(ApiException.class, () -> rest.create(Map.of("name", "again",
        "stage", "classify", "priority", 200, "match", Map.of("ip-proto", "icmp"))));
    assertEquals(409, sameEntry.status());
    assertEquals("flow 'no-icmp' has the same bridge, stage, priority and match", sameEntry.getMessage());
    assertEquals(409, assertThrows(ApiException.class, () -> rest.delete("tap")).status(), "the file's flows");

    assertTrue(rest.delete("b-to-a"));
    assertFalse(rest.delete("b-to-a"));
    assertFalse(entries(app, OVS0).stream().anyMatch(e -> e.contains("in_port=2")));
  }

  @Test
  void theApiHoldsABoundedNumberOfFlows() throws Exception {
    StaticFlowsApp app = started(new Context("apps: [static-flows]"));
    long t0 = System.nanoTime();
    RestResourceFiller.fill(app, StaticFlowsApp.MAX_API_FLOWS);
    System.out.printf("%d static flows added through the app's REST path in %d ms%n", StaticFlowsApp.MAX_API_FLOWS,
        (System.nanoTime() - t0) / 1_000_000);
    ApiException full = assertThrows(ApiException.class, () -> app.add(Map.of("name", "one-more", "stage", "l2",
        "priority", 1)));
    assertEquals(409, full.status());
    assertEquals("the API holds at most 1000 static flows; delete some first", full.getMessage());
  }

  /** Adds {@code n} distinct flows through the app's REST path. */
  static final class RestResourceFiller {
    static void fill(StaticFlowsApp app, int n) {
      for (int i = 0; i < n; i++) {
        app.add(Map.of("name", "f" + i, "stage", "acl", "priority", 1 + i));
      }
    }
  }

  @Test
  void aFlowStoredByAnotherInstanceIsPickedUp() throws Exception {
    Context ctx = new Context(YAML);
    StaticFlowsApp app = started(ctx);
    StaticFlowsApp other = started(ctx); // a second instance sharing the store, as in a cluster
    other.add(Map.of("name", "remote", "stage", "l2", "priority", 7));
    assertTrue(app.flows().stream().anyMatch(f -> f.name().equals("remote")), "the store's listener rebuilt it");
  }
}
