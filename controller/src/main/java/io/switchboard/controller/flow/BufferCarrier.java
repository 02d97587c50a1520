package io.switchboard.controller.flow;

import io.switchboard.controller.spi.FlowEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * During one reactive update of a {@link FlowProgrammer}: the entry whose add may carry a packet the switch buffered
 * (its packet-in's buffer id), so that one FLOW_MOD both installs the entry and forwards the packet instead of a
 * FLOW_MOD plus a PACKET_OUT. {@link #carried()} says afterwards whether it went that way; if not, the caller sends
 * the packet out itself. Used on the bridge's worker only.
 */
final class BufferCarrier {
  private FlowEntry carrier;
  private int bufferId = -1;
  private boolean carried;

  void begin(FlowEntry entry, int bufferId) {
    this.carrier = entry;
    this.bufferId = bufferId;
    this.carried = false;
  }

  void end() {
    carrier = null;
    bufferId = -1;
  }

  /** Whether a carrier is waiting for its add to go out. */
  boolean waiting() {
    return carrier != null && !carried;
  }

  boolean carried() {
    return carried;
  }

  /** The ops with the carrier's add (if it is among them, by identity) carrying the buffered packet. */
  List<FlowOp> apply(List<FlowOp> ops) {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof FlowOp.Add a && a.flow().entry() == carrier) {
        List<FlowOp> out = new ArrayList<>(ops);
        out.set(i, new FlowOp.Add(a.flow(), bufferId));
        carried = true;
        return out;
      }
    }
    return ops;
  }
}
