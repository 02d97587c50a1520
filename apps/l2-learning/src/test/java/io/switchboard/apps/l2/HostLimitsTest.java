package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The host caps (per port, VLAN, bridge), their log line, and forgetting the hosts of a bridge that left. */
class HostLimitsTest {
  static final String CONFIG = """
      bridges:
        - bridge: br0
          ports:
            a-eth: {vlan: 100}
            b-eth: {vlan: 200}
            c-eth: {vlan: 100}
            trunk1: {trunk: [100, 300]}
      l2-learning:
        max-hosts-per-port: 3
        max-hosts-per-vlan: 5
        max-hosts-per-switch: 7
        forget-after: 30s
      """;

  record Scheduled(Runnable task, Duration delay) {}

  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  final List<Scheduled> timers = new ArrayList<>();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  FakeAppContext ctx;
  L2LearningApp app;
  FakeSwitchView sw;
  MacTable table;

  @BeforeEach
  void setUp() {
    ctx = new FakeAppContext(CONFIG);
    app = new L2LearningApp(millis::get, nanos::get, (task, delay) -> timers.add(new Scheduled(task, delay)));
    sw = new FakeSwitchView(1, "br0", true, "a-eth", "b-eth", "c-eth", "trunk1");
    ctx.start(app, sw);
    table = new MacTable(ctx.stores());
    logs.start();
    ((Logger) LoggerFactory.getLogger(HostCaps.class)).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(HostCaps.class)).detachAppender(logs);
  }

  static String mac(int i) {
    return String.format("02:00:00:00:%02x:%02x", i >> 8, i & 0xff);
  }

  /** A frame from a new MAC on a port (numbers 1-4 are a-eth, b-eth, c-eth, trunk1). */
  private void from(long port, int macIndex, int vlan) {
    app.onPacketIn(sw, Frames.fromLearn(port, mac(macIndex), Frames.BROADCAST, vlan), ctx);
  }

  private long count(String event) {
    return ctx.counts.stream().filter(event::equals).count();
  }

  private List<String> warnings() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aPortTakesAtMostItsCapAndThenLogsOncePerInterval() {
    for (int i = 0; i < 6; i++) {
      from(1, i, 100);
    }
    assertEquals(3, table.hostsOf(1).size());
    assertEquals(3, count("host_learned"));
    assertEquals(3, count("host_over_port_cap"), "each refused frame is counted");
    assertEquals(3, ctx.updates.size(), "no flow for a refused host: its frames go on by flooding");
    assertEquals(1, warnings().size(), "one line for the port, however many frames");
    String w = warnings().get(0);
    assertTrue(w.contains("switch 00:00:00:00:00:00:00:01") && w.contains("port a-eth (1)")
        && w.contains("l2-learning.max-hosts-per-port") && w.contains(mac(3)), w);

    from(3, 10, 100); // another port is not affected
    assertNotNull(table.get(1, 100, 0x02_00_00_00_00_0aL));

    nanos.addAndGet(HostCaps.LOG_INTERVAL.toNanos() - 1);
    from(1, 20, 100);
    assertEquals(1, warnings().size(), "still within the interval");
    nanos.addAndGet(2);
    from(1, 21, 100);
    assertEquals(2, warnings().size(), "a new interval, a new line");
  }

  @Test
  void aVlanTakesAtMostItsCapAcrossPorts() {
    for (int i = 0; i < 3; i++) {
      from(1, i, 100);
    }
    for (int i = 3; i < 6; i++) {
      from(3, i, 100);
    }
    assertEquals(5, table.hostsOf(1).size());
    assertNull(table.get(1, 100, 0x02_00_00_00_00_05L));
    assertEquals(1, count("host_over_vlan_cap"));
    from(2, 6, 200); // VLAN 200 has room
    assertEquals(6, table.hostsOf(1).size());
    assertTrue(warnings().get(0).contains("VLAN 100") && warnings().get(0).contains("max-hosts-per-vlan"),
        warnings().toString());
  }

  @Test
  void aBridgeTakesAtMostItsCapAndRoomIsMadeByExpiry() {
    for (int i = 0; i < 3; i++) {
      from(1, i, 100); // VLAN 100: 3
      from(2, 10 + i, 200); // VLAN 200: 3
    }
    from(4, 20, 300); // 7
    from(4, 21, 300); // the 8th
    assertEquals(7, table.hostsOf(1).size());
    assertEquals(1, count("host_over_switch_cap"));
    assertTrue(warnings().get(0).contains("the bridge") && warnings().get(0).contains("max-hosts-per-switch"),
        warnings().toString());

    FlowEntry source = ctx.desired.get(1L).values().stream()
        .filter(e -> e.stage() == io.switchboard.controller.spi.Stage.LEARN && e.match().toString().contains(mac(0)))
        .findFirst().orElseThrow();
    ctx.desired.get(1L).remove(FakeAppContext.Key.of(source));
    app.onFlowExpired(sw, source);
    from(4, 21, 300);
    assertNotNull(table.get(1, 300, 0x02_00_00_00_00_15L), "an expired host leaves room");
    assertEquals(7, table.hostsOf(1).size());
  }

  @Test
  void allBridgesTogetherTakeAtMostTheTotalCap() {
    ctx = new FakeAppContext(CONFIG.replace("  forget-after: 30s", "  max-hosts: 4\n  forget-after: 30s"));
    assertEquals(4, L2Section.of(ctx.config()).maxHosts());
    app = new L2LearningApp(millis::get, nanos::get, (task, delay) -> timers.add(new Scheduled(task, delay)));
    ctx.start(app, sw);
    table = new MacTable(ctx.stores());
    // another bridge's hosts count too: two learned there first
    table.put(new LearnedHost(2, "br1", 0, 0x02_00_00_00_01_01L, 1, "x-eth", 0));
    table.put(new LearnedHost(2, "br1", 0, 0x02_00_00_00_01_02L, 1, "x-eth", 0));
    from(1, 0, 100);
    from(2, 10, 200);
    from(2, 11, 200); // the 5th on all bridges: under every cap of br0, over the total
    assertEquals(4, table.total());
    assertEquals(2, table.hostsOf(1).size());
    assertEquals(1, count("host_over_total_cap"));
    assertTrue(warnings().get(0).contains("the controller (all bridges)")
        && warnings().get(0).contains("l2-learning.max-hosts limit"), warnings().toString());
    from(2, 12, 200);
    assertEquals(1, warnings().size(), "one line per interval for the total, whichever bridge hits it");

    table.remove(table.get(2, 0, 0x02_00_00_00_01_01L));
    from(2, 11, 200);
    assertNotNull(table.get(1, 200, 0x02_00_00_00_00_0bL), "a host gone from another bridge leaves room here");
    assertEquals(4, table.total());
  }

  @Test
  void aHostMovingToAFullPortStaysWhereItWas() {
    for (int i = 0; i < 3; i++) {
      from(3, i, 100); // c-eth full
    }
    from(1, 9, 100);
    from(3, 9, 100); // 9 moves to the full c-eth
    assertEquals("a-eth", table.get(1, 100, 0x02_00_00_00_00_09L).portName());
    assertEquals(1, count("host_over_port_cap"));
    assertEquals(0, count("host_moved"));
  }

  @Test
  void aDepartedBridgesHostsAreForgottenAfterTheGracePeriod() {
    from(1, 1, 100);
    from(2, 2, 200);
    ctx.switches.remove(1L);
    app.onSwitchDown(1);
    assertEquals(1, timers.size());
    assertEquals(Duration.ofSeconds(30), timers.get(0).delay(), "l2-learning.forget-after");
    assertEquals(2, table.hostsOf(1).size(), "kept during the grace period");
    timers.get(0).task().run();
    assertTrue(table.hostsOf(1).isEmpty());
    assertTrue(table.all().isEmpty());
    assertNull(ctx.stores().<Long, Long>map(L2LearningApp.DEPARTED_STORE).get(1L));
  }

  @Test
  void aBridgeBackWithinTheGracePeriodKeepsItsHosts() {
    from(1, 1, 100);
    from(2, 2, 200);
    List<FlowEntry> onSwitch = new ArrayList<>(ctx.desired.get(1L).values());
    ctx.switches.remove(1L);
    app.onSwitchDown(1);
    // back: the core connects it and lets the app adopt what the switch holds
    app.adoptFlows(sw, onSwitch);
    ctx.connect(sw);
    ctx.switches.remove(1L); // ... and gone again: a second departure, a second timer
    app.onSwitchDown(1);
    millis.addAndGet(1);
    ctx.connect(sw);
    app.adoptFlows(sw, onSwitch);
    timers.forEach(t -> t.task().run());
    assertEquals(2, table.hostsOf(1).size(), "neither departure forgot the hosts of a bridge that is back");
  }

  @Test
  void aBridgeStillConnectedIsNotForgotten() {
    from(1, 1, 100);
    app.onSwitchDown(1); // e.g. a stale connection closed while a new one from the same dpid is up
    timers.get(0).task().run();
    assertEquals(1, table.hostsOf(1).size());
  }

  @Test
  void adoptionKeepsWithinTheCaps() {
    for (int i = 0; i < 3; i++) {
      from(1, i, 100);
    }
    List<FlowEntry> onSwitch = new ArrayList<>(ctx.desired.get(1L).values());
    FakeAppContext fresh = new FakeAppContext(CONFIG.replace("max-hosts-per-port: 3", "max-hosts-per-port: 2"));
    L2LearningApp restarted = new L2LearningApp(millis::get, nanos::get, (t, d) -> {});
    fresh.start(restarted);
    restarted.adoptFlows(sw, onSwitch);
    assertEquals(2, new MacTable(fresh.stores()).hostsOf(1).size());

    // the total on all bridges too: another bridge already has 2 of the 3 allowed
    FakeAppContext full = new FakeAppContext(
        CONFIG.replace("  forget-after: 30s", "  max-hosts: 3\n  forget-after: 30s"));
    MacTable shared = new MacTable(full.stores());
    shared.put(new LearnedHost(2, "br1", 0, 0x02_00_00_00_01_01L, 1, "x-eth", 0));
    shared.put(new LearnedHost(2, "br1", 0, 0x02_00_00_00_01_02L, 1, "x-eth", 0));
    L2LearningApp third = new L2LearningApp(millis::get, nanos::get, (t, d) -> {});
    full.start(third);
    third.adoptFlows(sw, onSwitch);
    assertEquals(1, shared.hostsOf(1).size());
    assertEquals(3, shared.total());
  }

  @Test
  void countsFollowTheStoreIncludingChangesMadeElsewhere() {
    from(1, 1, 100);
    from(3, 2, 100);
    // another instance (same shared store) moves host 1 to c-eth and removes host 2
    MacTable other = new MacTable(ctx.stores());
    LearnedHost h1 = other.get(1, 100, 0x02_00_00_00_00_01L);
    other.put(new LearnedHost(1, "br0", 100, h1.mac(), 3, "c-eth", 0));
    other.remove(other.get(1, 100, 0x02_00_00_00_00_02L));
    assertEquals(0, table.onPort(1, 1));
    assertEquals(1, table.onPort(1, 3));
    assertEquals(1, table.inVlan(1, 100));
    assertEquals(1, table.onBridge(1));
  }
}
