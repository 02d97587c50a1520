package io.switchboard.controller.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.Stage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowReconcilerTest {
  static FlowEntry entry(int prio, long port, Action... actions) {
    return FlowEntry.in(Stage.L2).priority(prio).match(FlowMatch.builder().inPort(port).build())
        .actions(actions).build();
  }

  static DesiredFlow desired(String app, FlowEntry e) {
    return new DesiredFlow(new FlowKey(4, e.priority(), e.match()), e, app, Cookies.cookie(app, e.tag()));
  }

  static InstalledFlow installed(DesiredFlow d, long cookie) {
    return new InstalledFlow(d.key(), d.entry(), cookie, d.entry().idleTimeout(), d.entry().hardTimeout(), 5, 500,
        10, null);
  }

  @Test
  void nothingToDoWhenTheSwitchAlreadyHoldsTheDesiredSet() {
    DesiredFlow a = desired("app", entry(10, 1, Action.output(2)));
    DesiredFlow b = desired("app", entry(10, 2, Action.output(1)));
    Map<FlowKey, DesiredFlow> want = Map.of(a.key(), a, b.key(), b);
    Map<FlowKey, InstalledFlow> have = Map.of(a.key(), installed(a, a.cookie()), b.key(), installed(b, b.cookie()));
    assertEquals(List.of(), FlowReconciler.diff(want, have));
  }

  @Test
  void addsMissingDeletesUnwantedAndModifiesDifferentActionsInPlace() {
    DesiredFlow keep = desired("app", entry(10, 1, Action.output(2)));
    DesiredFlow missing = desired("app", entry(10, 3, Action.output(1)));
    DesiredFlow changed = desired("app", entry(10, 2, Action.output(7)));
    DesiredFlow stale = desired("app", entry(10, 9, Action.output(1)));
    Map<FlowKey, DesiredFlow> want = new HashMap<>();
    for (DesiredFlow d : List.of(keep, missing, changed)) {
      want.put(d.key(), d);
    }
    DesiredFlow oldChanged = desired("app", entry(10, 2, Action.output(1)));
    Map<FlowKey, InstalledFlow> have = new HashMap<>();
    have.put(keep.key(), installed(keep, keep.cookie()));
    have.put(changed.key(), installed(oldChanged, oldChanged.cookie()));
    have.put(stale.key(), installed(stale, stale.cookie()));

    List<FlowOp> ops = FlowReconciler.diff(want, have);

    assertEquals(3, ops.size(), ops.toString());
    assertEquals(new FlowOp.Delete(stale.key()), ops.get(0));
    assertTrue(ops.contains(new FlowOp.Add(missing)));
    assertTrue(ops.contains(new FlowOp.Modify(changed)));
  }

  @Test
  void aDifferentCookieOrTimeoutIsReplacedNotModified() {
    DesiredFlow d = desired("app", entry(10, 1, Action.output(2)));
    Map<FlowKey, InstalledFlow> have = Map.of(d.key(), installed(d, Cookies.cookie("other", 0)));
    List<FlowOp> ops = FlowReconciler.diff(Map.of(d.key(), d), have);
    assertEquals(List.of(new FlowOp.Delete(d.key()), new FlowOp.Add(d)), ops);
  }

  @Test
  void anEntryTheModelCannotExpressIsModified() {
    DesiredFlow d = desired("app", entry(10, 1, Action.output(2)));
    InstalledFlow unknown = new InstalledFlow(d.key(), null, d.cookie(), 0, 0, 0, 0, 0, "meter:1");
    List<FlowOp> ops = FlowReconciler.diff(Map.of(d.key(), d), Map.of(d.key(), unknown));
    assertEquals(1, ops.size());
    assertInstanceOf(FlowOp.Modify.class, ops.get(0));
  }

  @Test
  void matchesAreKeyedWhateverTheOrderTheirFieldsWereGivenIn() {
    FlowMatch m1 = FlowMatch.builder().inPort(1).vlan(100).ethDst(0x020000000102L).build();
    FlowMatch m2 = FlowMatch.builder().ethDst(0x020000000102L).vlan(100).inPort(1).build();
    assertEquals(m1, m2);
    assertEquals(new FlowKey(4, 10, m1), new FlowKey(4, 10, m2));
  }
}
