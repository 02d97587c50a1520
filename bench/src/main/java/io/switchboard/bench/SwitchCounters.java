package io.switchboard.bench;

/**
 * What one emulated switch counted while measuring. Written only by the switch's event loop; read by the
 * driver between loops (volatile, single writer, so plain increments are safe).
 */
public final class SwitchCounters {
  /** Packet-ins sent. */
  volatile long packetIns;
  /** Packet-ins answered (by a packet-out or flow-mod that refers to them), each at most once. */
  volatile long answered;
  /** Packet-outs that carry one of our packet-ins (by tag or buffer id). */
  volatile long packetOuts;
  /** Flow-mods (add/modify) whose match names one of our hosts' MACs, or that release one of our buffers. */
  volatile long flowMods;
  /** Packet-outs and flow-mods that refer to nothing we sent (a foreign MAC, an unknown tag): not counted. */
  volatile long bogus;
  /** Packet-ins never answered within the timeout. */
  volatile long lost;
  /** OpenFlow errors the controller sent. */
  volatile long errors;

  /** Valid responses, as cbench counts them: packet-outs plus flow-mods. */
  public long responses() {
    return packetOuts + flowMods;
  }

  public Snapshot snapshot() {
    return new Snapshot(packetIns, answered, packetOuts, flowMods, bogus, lost, errors);
  }

  /** The counters at one instant. */
  public record Snapshot(long packetIns, long answered, long packetOuts, long flowMods, long bogus, long lost,
                         long errors) {
    public long responses() {
      return packetOuts + flowMods;
    }

    public Snapshot minus(Snapshot o) {
      return new Snapshot(packetIns - o.packetIns, answered - o.answered, packetOuts - o.packetOuts,
          flowMods - o.flowMods, bogus - o.bogus, lost - o.lost, errors - o.errors);
    }

    public Snapshot plus(Snapshot o) {
      return new Snapshot(packetIns + o.packetIns, answered + o.answered, packetOuts + o.packetOuts,
          flowMods + o.flowMods, bogus + o.bogus, lost + o.lost, errors + o.errors);
    }

    public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0, 0);
  }
}
