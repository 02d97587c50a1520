package io.switchboard.controller.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FlowProgrammerTest {
  /** A switch in memory: applies ops to its table like OVS would. */
  static class FakeSwitch implements FlowProgrammer.Channel {
    final java.util.Map<FlowKey, InstalledFlow> table = new java.util.LinkedHashMap<>();
    final List<List<FlowOp>> batches = new ArrayList<>();

    @Override
    public void apply(List<FlowOp> ops) {
      batches.add(ops);
      for (FlowOp op : ops) {
        if (op instanceof FlowOp.Delete) {
          table.remove(op.key());
        } else {
          DesiredFlow d = op instanceof FlowOp.Add a ? a.flow() : ((FlowOp.Modify) op).flow();
          InstalledFlow prev = table.get(d.key());
          table.put(d.key(), new InstalledFlow(d.key(), d.entry(), d.cookie(), d.entry().idleTimeout(),
              d.entry().hardTimeout(), prev == null ? 0 : prev.packets(), 0, 0, null));
        }
      }
    }

    @Override
    public CompletableFuture<List<InstalledFlow>> readFlows() {
      return CompletableFuture.completedFuture(List.copyOf(table.values()));
    }
  }

  static final class Events implements FlowProgrammer.Listener {
    final List<String> log = new ArrayList<>();

    public void adopt(String app, List<FlowEntry> entries) {
      log.add("adopt " + app + " " + entries.size());
    }

    public void expired(String app, FlowEntry entry) {
      log.add("expired " + app + " " + entry.match());
    }

    public void reconciled(boolean initial, int ops, long nanos) {
      log.add((initial ? "initial " : "audit ") + ops);
    }
  }

  static FlowEntry l2(long port, int idle) {
    return FlowEntry.in(Stage.L2).priority(10).match(FlowMatch.builder().ethDst(port).build())
        .actions(Action.output(port)).idleTimeout(idle).build();
  }

  @Test
  void firstReconcileSendsEverythingOnceAndThenNothing() {
    FakeSwitch sw = new FakeSwitch();
    Events ev = new Events();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, ev, Runnable::run);
    p.setDesired("app", List.of(l2(1, 0), l2(2, 0)));
    assertTrue(sw.batches.isEmpty(), "nothing is sent before the switch's table was read");
    p.reconcile();
    assertEquals(8, sw.table.size(), "6 stage defaults + 2 app entries");
    p.reconcile();
    assertEquals(List.of("adopt app 0", "initial 8", "audit 0"), ev.log,
        "every app adopts on connect, also when the switch holds none of its entries");
  }

  @Test
  void anUnchangedEntryIsHeldOnceWhateverTheAppHandsInAgain() {
    FakeSwitch sw = new FakeSwitch();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, new Events(), Runnable::run);
    p.setDesired("app", List.of(l2(1, 0), l2(2, 0)));
    p.reconcile();
    Map<FlowKey, DesiredFlow> first = p.desired();
    p.setDesired("app", List.of(l2(1, 0), l2(2, 0), l2(3, 0))); // equal entries, new instances, and one more
    Map<FlowKey, DesiredFlow> mine = p.desiredOf("app");
    assertEquals(3, mine.size());
    for (Map.Entry<FlowKey, DesiredFlow> e : first.entrySet()) {
      if (e.getValue().app().equals("app")) {
        assertSame(e.getValue(), mine.get(e.getKey()), "the app's view keeps the merged view's instance");
        assertSame(e.getValue(), p.desired(e.getKey()));
        assertSame(e.getValue().key(), mine.keySet().stream().filter(e.getKey()::equals).findFirst().orElseThrow(),
            "and its key");
      }
    }
    FlowKey third = mine.keySet().stream().filter(k -> !first.containsKey(k)).findFirst().orElseThrow();
    assertSame(mine.get(third), p.desired(third), "a new entry: one instance in both views");
  }

  @Test
  void aChangedDesiredSetSendsOnlyTheDifference() {
    FakeSwitch sw = new FakeSwitch();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, new Events(), Runnable::run);
    p.setDesired("app", List.of(l2(1, 0), l2(2, 0)));
    p.reconcile();
    sw.batches.clear();
    p.setDesired("app", List.of(l2(1, 0), l2(3, 0)));
    assertEquals(1, sw.batches.size());
    assertEquals(2, sw.batches.get(0).size(), sw.batches.toString());
    p.update("app", List.of(l2(4, 0)), List.of(l2(1, 0)));
    assertEquals(2, sw.batches.get(1).size());
    assertTrue(sw.table.keySet().stream().noneMatch(k -> k.match().equals(l2(1, 0).match())));
  }

  @Test
  void driftIsRepairedByTheAudit() {
    FakeSwitch sw = new FakeSwitch();
    Events ev = new Events();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, ev, Runnable::run);
    p.setDesired("app", List.of(l2(1, 0)));
    p.reconcile();
    sw.table.clear(); // someone ran ovs-ofctl del-flows
    p.reconcile();
    assertEquals(7, sw.table.size());
    assertEquals("audit 7", ev.log.get(ev.log.size() - 1));
  }

  @Test
  void anEntryTheSwitchExpiredIsForgottenNotReAdded() {
    FakeSwitch sw = new FakeSwitch();
    Events ev = new Events();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, ev, Runnable::run);
    p.setDesired("app", List.of(l2(1, 30), l2(2, 0)));
    p.reconcile();
    sw.table.remove(new FlowKey(4, 10, l2(1, 30).match())); // idle timeout on the switch
    sw.table.remove(new FlowKey(4, 10, l2(2, 0).match()));  // a permanent entry deleted by hand
    p.reconcile();
    assertTrue(ev.log.contains("expired app " + l2(1, 30).match()), ev.log.toString());
    assertTrue(sw.table.containsKey(new FlowKey(4, 10, l2(2, 0).match())), "the permanent entry is repaired");
    assertTrue(!sw.table.containsKey(new FlowKey(4, 10, l2(1, 30).match())), "the expired entry stays gone");
  }

  @Test
  void onConnectAppsAdoptTheirEntriesBeforeTheFirstDiff() {
    FakeSwitch sw = new FakeSwitch();
    FlowEntry learned = l2(5, 300);
    DesiredFlow d = new DesiredFlow(new FlowKey(4, 10, learned.match()), learned, "app", Cookies.cookie("app", 0));
    sw.table.put(d.key(), new InstalledFlow(d.key(), learned, d.cookie(), 300, 0, 42, 4200, 100, null));
    Events ev = new Events();
    FlowProgrammer[] holder = new FlowProgrammer[1];
    FlowProgrammer.Listener adopting = new FlowProgrammer.Listener() {
      public void adopt(String app, List<FlowEntry> entries) {
        ev.adopt(app, entries);
        holder[0].setDesired(app, entries); // the app re-learns what the switch holds
      }

      public void expired(String app, FlowEntry entry) {}

      public void reconciled(boolean initial, int ops, long nanos) {
        ev.reconciled(initial, ops, nanos);
      }
    };
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, adopting, Runnable::run);
    holder[0] = p;
    p.registerApp("app");
    p.reconcile();
    assertEquals(List.of("adopt app 1", "initial 6"), ev.log, "only the 6 defaults are added");
    assertEquals(42, sw.table.get(d.key()).packets(), "the learned entry was not touched");
  }

  @Test
  void twoAppsWantingTheSameKeyKeepTheFirstWithoutFlapping() {
    FakeSwitch sw = new FakeSwitch();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, new Events(), Runnable::run);
    p.setDesired("a", List.of(l2(1, 0)));
    p.setDesired("b", List.of(l2(1, 0).toBuilder().actions(Action.output(9)).build()));
    p.reconcile();
    assertEquals(Cookies.cookie("a", 0), sw.table.get(new FlowKey(4, 10, l2(1, 0).match())).cookie());
    p.removeApp("a");
    assertEquals(Cookies.cookie("b", 0), sw.table.get(new FlowKey(4, 10, l2(1, 0).match())).cookie());
  }

  @Test
  void twoAppsWantingTheSameKeyIsReportedUntilOneGivesItUp() {
    FakeSwitch sw = new FakeSwitch();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, new Events(), Runnable::run);
    p.setDesired("a", List.of(l2(1, 0), l2(2, 0)));
    p.setDesired("b", List.of(l2(1, 0).toBuilder().actions(Action.output(9)).build(), l2(3, 0)));
    p.setDesired("c", List.of(l2(2, 0)));
    List<FlowConflict> cs = new java.util.ArrayList<>(p.conflicts());
    cs.sort(java.util.Comparator.comparing(c -> c.key().match().toString()));
    assertEquals(2, cs.size(), cs.toString());
    FlowConflict one = cs.stream().filter(c -> c.key().match().equals(l2(1, 0).match())).findFirst().orElseThrow();
    assertEquals(new FlowKey(4, 10, l2(1, 0).match()), one.key());
    assertEquals(List.of("a", "b"), one.apps());
    assertEquals("a", one.winner());
    assertTrue(!one.sameEntry(), "b wants another output");
    FlowConflict two = cs.stream().filter(c -> c.key().match().equals(l2(2, 0).match())).findFirst().orElseThrow();
    assertEquals(List.of("a", "c"), two.apps());
    assertTrue(two.sameEntry(), "c wants exactly a's entry");
    assertTrue(one.describe().startsWith("apps a, b all want an entry at table 4 priority 10 match ("), one.describe());

    p.setDesired("b", List.of(l2(3, 0)));
    assertEquals(List.of(List.of("a", "c")), p.conflicts().stream().map(FlowConflict::apps).toList());
    p.removeApp("c");
    assertEquals(List.of(), p.conflicts());
  }

  @Test
  void theCoresDefaultsAreNoConflict() {
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, new FakeSwitch(), new Events(), Runnable::run);
    p.setDesired("a", Pipeline.MULTI_TABLE.defaultEntries());
    assertEquals(List.of(), p.conflicts(), "an app repeating a stage default competes with no other app");
  }

  @Test
  void aConflictThatComesAndGoesIsLoggedOnce() {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FlowProgrammer.class);
    logger.addAppender(logs);
    try {
      FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, new FakeSwitch(), new Events(), Runnable::run);
      p.setDesired("a", List.of(l2(1, 0)));
      for (int i = 0; i < 5; i++) {
        p.update("b", List.of(l2(1, 0)), List.of());
        p.update("b", List.of(), List.of(l2(1, 0)));
      }
      p.update("b", List.of(l2(1, 0)), List.of());
      assertEquals(1, p.conflicts().size());
      List<String> warned = logs.list.stream().map(e -> e.getFormattedMessage())
          .filter(m -> m.contains("all want an entry")).toList();
      assertEquals(1, warned.size(), warned.toString());
      assertTrue(warned.get(0).startsWith("switch sw: apps a, b all want an entry at table 4 priority 10"),
          warned.get(0));
    } finally {
      logger.detachAppender(logs);
    }
  }

  /** A switch whose batches may carry a buffered packet, or not (an OpenFlow 1.4 bundle). */
  static final class BufferingSwitch implements FlowProgrammer.Channel {
    final FakeSwitch sw = new FakeSwitch();
    boolean carries = true;

    @Override
    public void apply(List<FlowOp> ops) {
      sw.apply(ops);
    }

    @Override
    public boolean carriesBuffer(int ops) {
      return carries;
    }

    @Override
    public CompletableFuture<List<InstalledFlow>> readFlows() {
      return sw.readFlows();
    }

    int bufferOf(FlowEntry e) {
      return sw.batches.get(sw.batches.size() - 1).stream().filter(o -> o instanceof FlowOp.Add a
          && a.flow().entry() == e).mapToInt(o -> ((FlowOp.Add) o).bufferId()).findFirst().orElse(-2);
    }
  }

  @Test
  void aNewEntryCarriesThePacketThatMadeItWhenItIsSentNow() {
    BufferingSwitch ch = new BufferingSwitch();
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.SINGLE_TABLE, ch, new Events(), Runnable::run);
    FlowEntry host = l2(1, 0);
    FlowEntry pair = l2(2, 0);
    assertFalse(p.update("app", List.of(host, pair), List.of(), pair, 7),
        "not synced yet: nothing is sent now, so the caller sends the packet out");
    p.reconcile();
    FlowEntry next = l2(3, 0);
    FlowEntry other = l2(4, 0);
    assertTrue(p.update("app", List.of(other, next), List.of(), next, 8));
    assertEquals(8, ch.bufferOf(next), "the carrier's add has the buffer id");
    assertEquals(-1, ch.bufferOf(other), "the other add has none");
    int batches = ch.sw.batches.size();
    assertFalse(p.update("app", List.of(l2(3, 0)), List.of(), next, 9), "already installed: no add to carry it");
    assertEquals(batches, ch.sw.batches.size());
    ch.carries = false;
    FlowEntry refused = l2(5, 0);
    assertFalse(p.update("app", List.of(refused), List.of(), refused, 10), "the channel cannot carry it");
    assertEquals(-1, ch.bufferOf(refused));
    ch.carries = true;
    FlowEntry first = l2(6, 0);
    p.update("app", List.of(first), List.of());
    FlowEntry loser = l2(6, 0).toBuilder().actions(Action.output(9)).build();
    assertFalse(p.update("late", List.of(loser), List.of(), loser, 11),
        "another app's entry wins the key: the carrier is not what the switch gets");
    assertFalse(p.update("app", List.of(l2(12, 0)), List.of(), l2(12, 0), -1), "no buffer id");
  }
}
