package io.switchboard.controller.flow;

/** One change to a switch's flow table. */
public sealed interface FlowOp {
  FlowKey key();

  record Add(DesiredFlow flow) implements FlowOp {
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
