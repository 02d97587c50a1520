package io.switchboard.apps.l2;

import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import java.util.List;
import java.util.OptionalInt;

/** The entries l2-learning puts on a bridge, for one pipeline flavour (multi-table, or OpenFlow 1.0's one table). */
sealed interface LearningFlows permits MultiTableFlows, SingleTableFlows {

  /** A host as one of its learned entries describes it. */
  record HostAt(long port, int vlan, long mac) {}

  /** Entries that depend on the ports and their roles only. */
  void bridgeEntries(PortPlan plan, FlowSink out);

  /** The entries of one learned host; the first is its source entry, the one with the idle timeout. */
  List<FlowEntry> hostEntries(PortPlan plan, LearnedHost host, int idleTimeout);

  /** The host that a source entry (as made by {@link #hostEntries}, or read back from a switch) stands for. */
  HostAt sourceEntryHost(PortPlan plan, FlowEntry e);

  /** Reads (in_port, VLAN_VID, eth_src) of a source entry; the VID is interpreted by {@code vlanOf}. */
  static HostAt readSource(FlowEntry e, VidReader vlanOf) {
    FlowMatch m = e.match();
    if (e.tag() == 0 || e.idleTimeout() == 0 || !m.has(Field.IN_PORT) || !m.has(Field.ETH_SRC)
        || !m.has(Field.VLAN_VID) || m.has(Field.ETH_DST)) {
      return null;
    }
    long port = m.get(Field.IN_PORT).value();
    OptionalInt vlan = vlanOf.vlan(port, m.get(Field.VLAN_VID).value());
    return vlan.isPresent() ? new HostAt(port, vlan.getAsInt(), m.get(Field.ETH_SRC).value()) : null;
  }

  @FunctionalInterface
  interface VidReader {
    OptionalInt vlan(long port, long vid);
  }
}
