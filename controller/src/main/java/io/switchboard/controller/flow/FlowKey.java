package io.switchboard.controller.flow;

import io.switchboard.controller.spi.FlowMatch;

/** What identifies an entry in a switch's flow table: (table, priority, match). Reconciliation keys on it. */
public record FlowKey(int table, int priority, FlowMatch match) {
  @Override
  public String toString() {
    return "table=" + table + " priority=" + priority + " " + match;
  }
}
