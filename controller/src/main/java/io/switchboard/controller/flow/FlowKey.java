package io.switchboard.controller.flow;

import io.switchboard.controller.spi.FlowMatch;

/** What identifies an entry in a switch's flow table: (table, priority, match). Reconciliation keys on it. */
public record FlowKey(int table, int priority, FlowMatch match) {
  // written out rather than left to the record's generated methods: every map of the flow programmer keys on this,
  // and the generated equals showed as a frame of its own in the churn profile (docs/overlay-scale.md)
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof FlowKey k && k.table == table && k.priority == priority
        && java.util.Objects.equals(k.match, match);
  }

  @Override
  public int hashCode() {
    return (31 * table + priority) * 31 + java.util.Objects.hashCode(match);
  }

  @Override
  public String toString() {
    return "table=" + table + " priority=" + priority + " " + match;
  }
}
