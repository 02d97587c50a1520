package io.switchboard.apps.l2;

import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import java.util.ArrayList;
import java.util.List;

/** Entries to add and remove on one bridge, sent as one reactive update. */
final class FlowChanges {
  private final List<FlowEntry> added = new ArrayList<>();
  private final List<FlowEntry> removed = new ArrayList<>();

  void add(List<FlowEntry> entries) {
    added.addAll(entries);
  }

  void remove(List<FlowEntry> entries) {
    removed.addAll(entries);
  }

  void apply(AppContext ctx, long dpid) {
    if (!added.isEmpty() || !removed.isEmpty()) {
      ctx.update(dpid, added, removed);
    }
  }
}
