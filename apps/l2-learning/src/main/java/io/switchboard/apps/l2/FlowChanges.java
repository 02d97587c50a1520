package io.switchboard.apps.l2;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.PacketIn;
import java.util.ArrayList;
import java.util.List;

/**
 * Entries to add and remove on one bridge, sent as one reactive update; and, when one of the added entries also
 * forwards the packet-in's packet, that packet (the core lets the entry's flow-mod carry it when the switch buffered
 * it, else sends it out with the actions).
 */
final class FlowChanges {
  /** Made on first use: most packet-ins change nothing. */
  private List<FlowEntry> added;
  private List<FlowEntry> removed;
  private PacketIn packet;
  private FlowEntry carrier;
  private List<Action> actions;

  void add(List<FlowEntry> entries) {
    added().addAll(entries);
  }

  void remove(List<FlowEntry> entries) {
    if (removed == null) {
      removed = new ArrayList<>();
    }
    removed.addAll(entries);
  }

  private List<FlowEntry> added() {
    if (added == null) {
      added = new ArrayList<>();
    }
    return added;
  }

  /** Adds {@code entry}, whose actions ({@code actions}) are also what the packet of {@code in} is sent on with. */
  void addCarrying(FlowEntry entry, PacketIn in, List<Action> actions) {
    added().add(entry);
    this.packet = in;
    this.carrier = entry;
    this.actions = actions;
  }

  void apply(AppContext ctx, long dpid) {
    List<FlowEntry> a = added == null ? List.of() : added;
    List<FlowEntry> r = removed == null ? List.of() : removed;
    if (carrier != null) {
      ctx.updateAndRelease(dpid, a, r, packet, carrier, actions);
    } else if (!a.isEmpty() || !r.isEmpty()) {
      ctx.update(dpid, a, r);
    }
  }
}
