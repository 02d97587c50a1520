package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Learning, moves, expiry, port removal, adoption and the packet-in budget, with a fake context (no OVS). */
class LearningTest {
  static final String CONFIG = """
      bridges:
        - bridge: br0
          ports:
            a-eth: {vlan: 100}
            b-eth: {vlan: 200}
            c-eth: {vlan: 100}
            trunk1: {trunk: [100, 300]}
      l2-learning:
        idle-timeout: 60s
        packet-in-budget: 5
      """;
  static final String A = "02:00:00:00:00:0a";
  static final String B = "02:00:00:00:00:0b";

  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  FakeAppContext ctx;
  L2LearningApp app;
  FakeSwitchView sw;
  MacTable table;

  @BeforeEach
  void setUp() {
    ctx = new FakeAppContext(CONFIG);
    app = new L2LearningApp(millis::get, nanos::get);
    sw = new FakeSwitchView(1, "br0", true, "a-eth", "b-eth", "c-eth", "trunk1");
    ctx.start(app, sw);
    table = new MacTable(ctx.stores());
  }

  private void assertDeltasAgreeWithRecompute() {
    assertEquals(FakeAppContext.dump(ctx.compute(sw).values()), ctx.dump(sw.dpid()));
  }

  private List<String> entriesOf(String mac) {
    return ctx.dump(sw.dpid()).stream().filter(l -> l.contains(mac)).toList();
  }

  @Test
  void learnsOncePerHost() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(1, A, B, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(1, A, B, 100), ctx);
    assertEquals(List.of("+2 -0"), ctx.updates, "one update for the first packet-in, none for the others");
    LearnedHost h = table.get(1, 100, 0x02_00_00_00_00_0aL);
    assertNotNull(h);
    assertEquals("a-eth", h.portName());
    assertEquals(List.of(
        "learn priority=100 in_port=1,eth_src=02:00:00:00:00:0a,vlan_vid=0x1064 idle_timeout=60 actions=goto:l2",
        "l2 priority=100 eth_dst=02:00:00:00:00:0a,vlan_vid=0x1064 actions=pop_vlan,output:1"), entriesOf(A));
    assertTrue(ctx.packetOuts.isEmpty(), "multi-table: the switch forwards the frame itself");
    assertEquals(List.of("host_learned"), ctx.counts);
    assertDeltasAgreeWithRecompute();
  }

  @Test
  void theSameMacInTwoVlansIsTwoHosts() {
    app.onPacketIn(sw, Frames.fromLearn(4, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(4, A, Frames.BROADCAST, 300), ctx);
    assertNotNull(table.get(1, 100, 0x02_00_00_00_00_0aL));
    assertNotNull(table.get(1, 300, 0x02_00_00_00_00_0aL));
    assertEquals(4, entriesOf(A).size());
  }

  @Test
  void framesOutsideThePortsVlansAreNotLearned() {
    app.onPacketIn(sw, Frames.fromLearn(4, A, Frames.BROADCAST, 200), ctx); // the trunk does not carry 200
    app.onPacketIn(sw, Frames.fromLearn(4, A, Frames.BROADCAST, Frame.NO_VLAN), ctx); // untagged on a trunk
    app.onPacketIn(sw, Frames.fromLearn(1, "01:00:5e:00:00:01", Frames.BROADCAST, 100), ctx); // multicast source
    assertTrue(table.all().isEmpty());
    assertEquals(List.of("packet_in_wrong_vlan", "packet_in_wrong_vlan"), ctx.counts);
    assertTrue(ctx.updates.isEmpty());
  }

  @Test
  void aMovedHostIsRelearnedAndItsOldEntriesGoAtOnce() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(3, A, Frames.BROADCAST, 100), ctx);
    assertEquals(List.of("+2 -0", "+2 -2"), ctx.updates);
    assertEquals(List.of(
        "learn priority=100 in_port=3,eth_src=02:00:00:00:00:0a,vlan_vid=0x1064 idle_timeout=60 actions=goto:l2",
        "l2 priority=100 eth_dst=02:00:00:00:00:0a,vlan_vid=0x1064 actions=pop_vlan,output:3"), entriesOf(A));
    assertEquals("c-eth", table.get(1, 100, 0x02_00_00_00_00_0aL).portName());
    assertEquals(List.of("host_learned", "host_moved"), ctx.counts);
    assertDeltasAgreeWithRecompute();
    // and back again at once, though the first location was learned moments ago
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    assertEquals("a-eth", table.get(1, 100, 0x02_00_00_00_00_0aL).portName());
    assertDeltasAgreeWithRecompute();
  }

  @Test
  void anExpiredHostIsForgottenWithItsDestinationEntry() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(4, B, Frames.BROADCAST, 300), ctx);
    FlowEntry source = sourceEntry(A);
    ctx.desired.get(1L).remove(FakeAppContext.Key.of(source)); // the core drops what the switch expired
    app.onFlowExpired(sw, source);
    assertNull(table.get(1, 100, 0x02_00_00_00_00_0aL));
    assertTrue(entriesOf(A).isEmpty(), "no entry left for A: " + ctx.dump(1));
    assertEquals(2, entriesOf(B).size(), "B is untouched");
    assertTrue(ctx.counts.contains("host_expired"));
    assertDeltasAgreeWithRecompute();
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    assertNotNull(table.get(1, 100, 0x02_00_00_00_00_0aL), "learned again as soon as it talks");
  }

  @Test
  void anExpiryFromAnOldLocationDoesNotForgetAMovedHost() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    FlowEntry oldSource = sourceEntry(A);
    app.onPacketIn(sw, Frames.fromLearn(3, A, Frames.BROADCAST, 100), ctx);
    app.onFlowExpired(sw, oldSource);
    assertEquals("c-eth", table.get(1, 100, 0x02_00_00_00_00_0aL).portName());
    assertEquals(2, entriesOf(A).size());
  }

  @Test
  void aRemovedPortTakesItsHostsAlong() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(3, B, Frames.BROADCAST, 100), ctx);
    PortInfo gone = sw.removePort(1);
    app.onPortChange(sw, gone, true);
    ctx.recompute(1); // the core recomputes after a port change
    assertNull(table.get(1, 100, 0x02_00_00_00_00_0aL));
    assertNotNull(table.get(1, 100, 0x02_00_00_00_00_0bL));
    assertTrue(entriesOf(A).isEmpty());
  }

  @Test
  void aRestartedControllerAdoptsTheLearnedEntriesItFindsOnTheSwitch() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(4, B, Frames.BROADCAST, 300), ctx);
    List<String> before = ctx.dump(1);
    List<FlowEntry> onSwitch = new ArrayList<>(ctx.desired.get(1L).values());

    FakeAppContext fresh = new FakeAppContext(CONFIG); // a new controller: empty store
    L2LearningApp restarted = new L2LearningApp(millis::get, nanos::get);
    fresh.start(restarted);
    restarted.adoptFlows(sw, onSwitch.stream().map(e -> e.toBuilder().notifyRemoval(false).build()).toList());
    fresh.connect(sw);
    assertEquals(before, fresh.dump(1), "the same entries: nothing to rewrite on the switch");
    assertEquals(2, new MacTable(fresh.stores()).all().size());
    restarted.onPacketIn(sw, Frames.fromLearn(1, A, B, 100), fresh);
    assertTrue(fresh.updates.isEmpty(), "an adopted host is known: no update");
  }

  @Test
  void adoptionForgetsHostsTheSwitchNoLongerHas() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(4, B, Frames.BROADCAST, 300), ctx);
    app.adoptFlows(sw, List.of(sourceEntry(B)));
    assertNull(table.get(1, 100, 0x02_00_00_00_00_0aL));
    assertNotNull(table.get(1, 300, 0x02_00_00_00_00_0bL));
  }

  @Test
  void packetInsBeyondTheBudgetAreDroppedAndCounted() {
    for (int i = 0; i < 8; i++) {
      app.onPacketIn(sw, Frames.fromLearn(1, String.format("02:00:00:00:01:%02x", i), Frames.BROADCAST, 100), ctx);
    }
    assertEquals(5, table.all().size(), "a budget of 5 per second");
    assertEquals(3, ctx.counts.stream().filter("packet_in_over_budget"::equals).count());
    nanos.addAndGet(1_000_000_000L);
    app.onPacketIn(sw, Frames.fromLearn(1, "02:00:00:00:02:01", Frames.BROADCAST, 100), ctx);
    assertEquals(6, table.all().size(), "a second later the budget is back");
  }

  @Test
  void hostsResourceShowsWhereAndHowLong() {
    app.onPacketIn(sw, Frames.fromLearn(4, A, Frames.BROADCAST, 300), ctx);
    millis.addAndGet(42_000);
    List<Map<String, Object>> hosts = app.resources().get(0).list();
    assertEquals(List.of(Map.of("bridge", "br0", "dpid", "00:00:00:00:00:00:00:01", "vlan", 300,
        "mac", A, "port", "trunk1", "port-number", 4L, "age-seconds", 42L)), hosts);
    assertEquals("hosts", app.resources().get(0).path());
    assertEquals(hosts.get(0), app.resources().get(0).get(A).orElseThrow());
  }

  @Test
  void overlayHostBridgesAreLeftToTheOverlayApp() {
    FakeAppContext overlay = new FakeAppContext("""
        apps: [l2-learning, vxlan-overlay]
        overlay:
          hosts:
            - {name: host1, bridge: br0, tunnel-ip: 10.99.0.1}
        """);
    L2LearningApp other = new L2LearningApp();
    overlay.start(other, sw);
    assertTrue(overlay.dump(1).isEmpty(), "no entries on an overlay host bridge");
    other.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, Frame.NO_VLAN), overlay);
    assertTrue(new MacTable(overlay.stores()).all().isEmpty());

    // the same topology while its app is not enabled: the bridge is l2-learning's
    FakeAppContext disabled = new FakeAppContext("""
        apps: [l2-learning]
        overlay:
          hosts:
            - {name: host1, bridge: br0, tunnel-ip: 10.99.0.1}
        """);
    L2LearningApp mine = new L2LearningApp();
    disabled.start(mine, sw);
    assertFalse(disabled.dump(1).isEmpty(), "l2-learning programs a host bridge whose overlay app is off");
  }

  @Test
  void aReloadThatChangesAPortsVlanForgetsItsHosts() {
    app.onPacketIn(sw, Frames.fromLearn(1, A, Frames.BROADCAST, 100), ctx);
    app.onPacketIn(sw, Frames.fromLearn(3, B, Frames.BROADCAST, 100), ctx);
    ctx.config(CONFIG.replace("a-eth: {vlan: 100}", "a-eth: {vlan: 200}"));
    app.start(ctx); // what the core does on a reload, before recomputing every bridge
    ctx.recomputeAll();
    assertNull(table.get(1, 100, 0x02_00_00_00_00_0aL), "a-eth no longer carries VLAN 100");
    assertNotNull(table.get(1, 100, 0x02_00_00_00_00_0bL));
    assertTrue(ctx.dump(1).contains("classify priority=100 in_port=1,vlan_vid=0x0 "
        + "actions=push_vlan:0x8100,set_field:0x10c8->vlan_vid,goto:acl"), ctx.dump(1).toString());
  }

  // ---- OpenFlow 1.0

  @Test
  void singleTableForwardsFromTheControllerAndAddsPairs() {
    FakeSwitchView v10 = new FakeSwitchView(2, "br0", false, "a-eth", "b-eth", "c-eth", "trunk1");
    ctx.connect(v10);
    app.onPacketIn(v10, Frames.fromMiss(1, A, Frames.BROADCAST, Frame.NO_VLAN), ctx);
    assertEquals(List.of("3 untagged", "4 vlan=100"), PipelineSim.packetOut(lastPacketOut().actions(), 1,
        Frame.NO_VLAN), "flooded in VLAN 100 only");
    app.onPacketIn(v10, Frames.fromMiss(4, B, A, 100), ctx);
    assertEquals(List.of("1 untagged"), PipelineSim.packetOut(lastPacketOut().actions(), 4, 100),
        "to the known port, untagged");
    assertTrue(ctx.dump(2).contains("l2 priority=200 in_port=4,eth_dst=02:00:00:00:00:0a,eth_src=02:00:00:00:00:0b,"
        + "vlan_vid=0x1064 actions=pop_vlan,output:1"), ctx.dump(2).toString());
    int updates = ctx.updates.size();
    app.onPacketIn(v10, Frames.fromMiss(4, B, A, 100), ctx);
    assertEquals(updates, ctx.updates.size(), "the same pair again: no update, but still a packet-out");
    assertEquals(3, ctx.packetOuts.size());
    assertEquals(FakeAppContext.dump(ctx.compute(v10).values()), ctx.dump(2));

    // a tagged frame on an access port is dropped: no learning, no packet-out
    app.onPacketIn(v10, Frames.fromMiss(1, "02:00:00:00:00:99", A, 100), ctx);
    assertEquals(3, ctx.packetOuts.size());
    assertNull(table.get(2, 100, 0x02_00_00_00_00_99L));

    // A expires: its pair entries go too
    FlowEntry hostA = ctx.desired.get(2L).values().stream()
        .filter(e -> e.priority() == SingleTableFlows.HOST_PRIORITY && e.tag() == 0x02_00_00_00_00_0aL)
        .findFirst().orElseThrow();
    ctx.desired.get(2L).remove(FakeAppContext.Key.of(hostA));
    app.onFlowExpired(v10, hostA);
    assertTrue(ctx.dump(2).stream().noneMatch(l -> l.contains(A)), ctx.dump(2).toString());
    assertEquals(FakeAppContext.dump(ctx.compute(v10).values()), ctx.dump(2));
  }

  @Test
  void singleTableAdoptionKeepsPairs() {
    FakeSwitchView v10 = new FakeSwitchView(2, "br0", false, "a-eth", "b-eth", "c-eth", "trunk1");
    ctx.connect(v10);
    app.onPacketIn(v10, Frames.fromMiss(1, A, Frames.BROADCAST, Frame.NO_VLAN), ctx);
    app.onPacketIn(v10, Frames.fromMiss(3, B, A, Frame.NO_VLAN), ctx);
    List<String> before = ctx.dump(2);
    FakeAppContext fresh = new FakeAppContext(CONFIG);
    L2LearningApp restarted = new L2LearningApp();
    fresh.start(restarted);
    restarted.adoptFlows(v10, List.copyOf(ctx.desired.get(2L).values()));
    fresh.connect(v10);
    assertEquals(before, fresh.dump(2));
  }

  private FakeAppContext.PacketOut lastPacketOut() {
    return ctx.packetOuts.get(ctx.packetOuts.size() - 1);
  }

  private FlowEntry sourceEntry(String mac) {
    return ctx.desired.get(1L).values().stream()
        .filter(e -> e.stage() == Stage.LEARN && e.match().toString().contains(mac)).findFirst().orElseThrow();
  }
}
