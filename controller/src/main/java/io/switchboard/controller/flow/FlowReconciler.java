package io.switchboard.controller.flow;

import io.switchboard.controller.spi.FlowEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The difference between what the apps want and what a switch holds, as the fewest flow-mods: an entry that is
 * already right is not touched; one whose actions differ is modified in place; one whose cookie or timeouts differ
 * is replaced (OpenFlow cannot modify those); what no app wants is deleted. Pure: no I/O.
 */
public final class FlowReconciler {
  private FlowReconciler() {}

  public static List<FlowOp> diff(Map<FlowKey, DesiredFlow> desired, Map<FlowKey, InstalledFlow> installed) {
    List<FlowOp> deletes = new ArrayList<>();
    List<FlowOp> changes = new ArrayList<>();
    for (InstalledFlow have : installed.values()) {
      if (!desired.containsKey(have.key())) {
        deletes.add(new FlowOp.Delete(have.key()));
      }
    }
    for (DesiredFlow want : desired.values()) {
      FlowOp op = change(want, installed.get(want.key()));
      if (op instanceof FlowOp.Delete) {
        deletes.add(op);
        changes.add(new FlowOp.Add(want));
      } else if (op != null) {
        changes.add(op);
      }
    }
    // deletes first: a replaced entry must go before its successor is added
    deletes.addAll(changes);
    return deletes;
  }

  /** Ops for a subset of keys only (the reactive path), against the same rule. */
  public static List<FlowOp> diff(Collection<FlowKey> keys, Map<FlowKey, DesiredFlow> desired,
                                  Map<FlowKey, InstalledFlow> installed) {
    List<FlowOp> ops = new ArrayList<>();
    for (FlowKey k : keys) {
      diff(k, desired.get(k), installed.get(k), ops);
    }
    return ops;
  }

  /** The ops for one key, added to {@code ops}: what is wanted there (null: nothing) against what is there. */
  public static void diff(FlowKey k, DesiredFlow want, InstalledFlow have, List<FlowOp> ops) {
    if (want == null) {
      if (have != null) {
        ops.add(new FlowOp.Delete(k));
      }
      return;
    }
    FlowOp op = change(want, have);
    if (op instanceof FlowOp.Delete) {
      ops.add(op);
      ops.add(new FlowOp.Add(want));
    } else if (op != null) {
      ops.add(op);
    }
  }

  /** null when {@code have} is already right; Delete means "replace": delete, then add. */
  private static FlowOp change(DesiredFlow want, InstalledFlow have) {
    if (have == null) {
      return new FlowOp.Add(want);
    }
    FlowEntry w = want.entry();
    if (have.cookie() != want.cookie() || have.idleTimeout() != w.idleTimeout()
        || have.hardTimeout() != w.hardTimeout()) {
      return new FlowOp.Delete(want.key());
    }
    if (!sameBehaviour(w, have.entry())) {
      return new FlowOp.Modify(want);
    }
    return null;
  }

  public static boolean sameBehaviour(FlowEntry a, FlowEntry b) {
    return b != null && a.actions().equals(b.actions()) && Objects.equals(a.metadata(), b.metadata())
        && a.next() == b.next();
  }
}
