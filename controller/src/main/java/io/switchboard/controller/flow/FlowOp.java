package io.switchboard.controller.flow;

/** One change to a switch's flow table. */
public sealed interface FlowOp {
  FlowKey key();

  /**
   * A new entry. {@code bufferId}: a packet the switch buffered that the new entry's actions are applied to (the
   * packet-in that made the entry), or -1 (none).
   */
  record Add(DesiredFlow flow, int bufferId) implements FlowOp {
    public Add(DesiredFlow flow) {
      this(flow, -1);
    }

    public FlowKey key() {
      return flow.key();
    }
  }

  /** Same key, different actions: modified in place, so counters keep counting. */
  record Modify(DesiredFlow flow) implements FlowOp {
    public FlowKey key() {
      return flow.key();
    }
  }

  record Delete(FlowKey key) implements FlowOp {}
}
