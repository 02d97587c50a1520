package io.switchboard.controller.spi;

import java.util.List;

/**
 * A Switchboard app: declares the flow entries every bridge should hold and reacts to events.
 * Apps are found with {@link java.util.ServiceLoader} and enabled by the {@code apps:} config list.
 *
 * <p>Threading: every call about one bridge is made on that bridge's worker, one at a time; calls about
 * different bridges may run concurrently, so shared state must be thread-safe. Those calls may block (wait on I/O or a
 * lock) unless the app says {@link #nonBlocking}.
 */
public interface ControllerApp {
  /** The name used in config ({@code apps: [...]}), REST and cookies. */
  String name();

  /** Called once when the app is enabled, before any switch is seen, and again after each config reload. */
  default void start(AppContext ctx) {}

  default void stop() {}

  /**
   * True when none of this app's calls about a bridge ever waits: no I/O, no sleeping, no lock held for long by
   * another thread, no waiting on a future; store calls aside (the store says for itself, {@link
   * StoreFactory#nonBlocking}). When every enabled app and the store say so, the core runs each bridge's work on
   * its connection's Netty event loop, which saves two thread hops per packet-in; a call that blocks there would
   * stall every switch on that loop (the core logs such stalls as the {@code event_loop_stall} limit). Default
   * false: the bridge's work runs on the worker pool, where blocking delays only that bridge.
   */
  default boolean nonBlocking() {
    return false;
  }

  /**
   * The app's complete set of entries for one bridge. Pure and deterministic: no I/O, no clock; the core
   * calls it whenever the app says its inputs changed ({@link AppContext#recompute}) and diffs the result.
   */
  void desiredFlows(SwitchView sw, FlowSink out);

  /** Records facts from a packet the switch sent up; may change desired flows or send a packet-out. */
  default void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {}

  /** A port was added, removed or changed. The core recomputes the app's flows for the bridge afterwards. */
  default void onPortChange(SwitchView sw, PortInfo port, boolean removed) {}

  /**
   * Before the first reconciliation of a (re)connected bridge, the entries this app's cookie marks on the switch.
   * Reactive apps rebuild their state from them, so a controller restart keeps what was learned.
   */
  default void adoptFlows(SwitchView sw, List<FlowEntry> installed) {}

  /** An entry with an idle or hard timeout was removed by the switch; it is forgotten, not re-added. */
  default void onFlowExpired(SwitchView sw, FlowEntry entry) {}

  /** A bridge went away. */
  default void onSwitchDown(long dpid) {}

  /** What a described tag is, as the key it is shown under in REST and traces: "rule" for ACL rules. */
  default String tagKind() {
    return "about";
  }

  /** What an entry's cookie tag stands for, for people (e.g. the ACL rule's name); empty when nothing. */
  default java.util.Optional<String> describeTag(long tag) {
    return java.util.Optional.empty();
  }

  /**
   * Fills in the packet fields a trace request left out (e.g. the MAC of the endpoint on the in-port, or the
   * gateway's MAC when the destination is on another subnet). {@code packet} holds what is known so far, keyed
   * by field; only absent fields should be added.
   */
  default void completeTracePacket(SwitchView sw, java.util.Map<Field, Long> packet) {}

  /**
   * What the controller does with a traced packet that one of this app's entries (tagged {@code tag}) sends to
   * the controller, for people: "DHCP for endpoint con6". Empty when the app has nothing to say.
   */
  default java.util.Optional<String> describeToController(SwitchView sw, java.util.Map<Field, Long> packet,
      long tag) {
    return java.util.Optional.empty();
  }

  /**
   * Where a traced packet that leaves a bridge goes next, when it leaves through a port this app knows more about
   * than the core (a tunnel to another host): {@code kind} and {@code summary} for people, {@code details} shown with
   * them (e.g. {@code remote-ip}, {@code host}), and the bridge and in-port the packet arrives at, when that bridge is
   * known ({@code nextBridge}: a name or dpid as in config). The trace then goes on there, with fresh pipeline state.
   */
  record TraceHop(String kind, String summary, java.util.Map<String, Object> details,
      java.util.Optional<String> nextBridge, String nextInPort) {
    public TraceHop {
      java.util.Objects.requireNonNull(kind, "kind");
      java.util.Objects.requireNonNull(summary, "summary");
      details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
      java.util.Objects.requireNonNull(nextBridge, "nextBridge");
    }
  }

  /**
   * For traces: where a packet output to {@code port} (its name) on this bridge leads, if this app knows (the
   * overlay answers for its tunnel port); empty to let the core report a plain output. {@code packet} holds the
   * fields as they are at the output, e.g. the tunnel destination set by an earlier action.
   */
  default java.util.Optional<TraceHop> traceHop(SwitchView sw, String port, java.util.Map<Field, Long> packet) {
    return java.util.Optional.empty();
  }

  /**
   * A rate limit the bridge enforces: packets per second over which the switch drops, with a burst allowance.
   * Entries use it through {@link Action#meter}.
   */
  record MeterSpec(int id, int packetsPerSecond, int burst) {}

  /**
   * Meters the app's entries use on a bridge (OpenFlow 1.3+ bridges only). The core adds them when the bridge
   * connects, before any entry; a meter the bridge already holds is kept as it is.
   */
  default List<MeterSpec> meters(SwitchView sw) {
    return List.of();
  }

  /**
   * The app's own section of the config file, if it has one: its key (e.g. {@code acl}) and its parser, which
   * reports errors as {@code file:line: key.path: message} like the core's sections. The loader parses it for every
   * installed app (enabled or not, so that a typo is caught before the app is enabled); the app reads the result
   * with {@code ctx.config().section(theSection)}. A top-level key no installed app declares is an error.
   */
  default java.util.Optional<io.switchboard.config.AppSection<?>> configSection() {
    return java.util.Optional.empty();
  }

  /** Collections the app shows (and may accept writes to) through the REST API. */
  default List<RestResource> resources() {
    return List.of();
  }
}
