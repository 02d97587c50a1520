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
  private final List<FlowEntry> added = new ArrayList<>();
  private final List<FlowEntry> removed = new ArrayList<>();
  private PacketIn packet;
  private FlowEntry carrier;
  private List<Action> actions;

  void add(List<FlowEntry> entries) {
    added.addAll(entries);
  }

  void remove(List<FlowEntry> entries) {
    removed.addAll(entries);
  }

  /** Adds {@code entry}, whose actions ({@code actions}) are also what the packet of {@code in} is sent on with. */
  void addCarrying(FlowEntry entry, PacketIn in, List<Action> actions) {
    added.add(entry);
    this.packet = in;
    this.carrier = entry;
    this.actions = actions;
  }

  void apply(AppContext ctx, long dpid) {
    if (carrier != null) {
      ctx.updateAndRelease(dpid, added, removed, packet, carrier, actions);
    } else if (!added.isEmpty() || !removed.isEmpty()) {
      ctx.update(dpid, added, removed);
    }
  }
}
