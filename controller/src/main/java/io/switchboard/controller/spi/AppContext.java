package io.switchboard.controller.spi;

import io.switchboard.config.SwitchboardConfig;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** What the core offers an app. Thread-safe. */
public interface AppContext {
  /** The running config (replaced as a whole on reload). */
  SwitchboardConfig config();

  /** Connected bridges this controller instance programs. */
  Collection<SwitchView> switches();

  Optional<SwitchView> switchView(long dpid);

  /** The app's inputs changed for one bridge: its desired entries are recomputed and only the difference sent. */
  void recompute(long dpid);

  /** The app's inputs changed for every bridge. */
  void recomputeAll();

  /**
   * A small change to the app's desired entries on one bridge, without a full recompute (the reactive path):
   * entries in {@code added} replace any entry at the same (stage, priority, match); those in {@code removed}
   * go. The app's next {@code desiredFlows} must agree with it.
   */
  void update(long dpid, List<FlowEntry> added, List<FlowEntry> removed);

  /**
   * The app's own entries as the switch really holds them (flow stats), e.g. to report hit counters. Completes
   * off the caller's thread; never call {@code join()} on it from a switch worker.
   */
  java.util.concurrent.CompletableFuture<List<LiveFlow>> liveFlows(long dpid);

  /** Sends a packet out of the bridge, applying {@code actions} (e.g. output to a port). */
  void packetOut(long dpid, long inPort, List<Action> actions, byte[] data);

  /**
   * Sends the packet of a packet-in on, applying {@code actions}: by its buffer id when the switch kept the packet
   * (then the bytes need not travel back), else with its data.
   */
  default void packetOut(long dpid, PacketIn in, List<Action> actions) {
    packetOut(dpid, in.inPort(), actions, in.data());
  }

  /**
   * {@link #update} for a packet-in whose new entry {@code carrier} (one of {@code added}) also forwards its packet:
   * when the switch kept the packet (a buffer id) and the carrier's add is sent now, the flow-mod carries the buffer
   * id and the switch applies the new entry's actions to the packet (OpenFlow 1.0-1.3), one message instead of a
   * flow-mod and a packet-out. Otherwise the packet goes on as {@link #packetOut(long, PacketIn, List)} with
   * {@code actions} (which should be the carrier's). Either way the packet is sent once.
   */
  default void updateAndRelease(long dpid, List<FlowEntry> added, List<FlowEntry> removed, PacketIn in,
                                FlowEntry carrier, List<Action> actions) {
    packetOut(dpid, in, actions);
    update(dpid, added, removed);
  }

  /** Counts an event for metrics, e.g. {@code packet_in_dropped}. */
  void count(long dpid, String event);

  /**
   * Adds one to an app's own counter, rendered at {@code /metrics} as is: {@code metric} is snake_case with the
   * {@code switchboard_} prefix and ends in {@code _total}; {@code labels} are name, value pairs. Keep label values
   * few (a reason, a message type), never one per packet source.
   */
  default void increment(String metric, String... labels) {}

  /** Shared, possibly replicated, state stores (in memory, or Hazelcast in a cluster). */
  StoreFactory stores();

  /** True when this instance programs the bridge (always, unless clustered and another instance is master). */
  boolean isMaster(long dpid);
}
