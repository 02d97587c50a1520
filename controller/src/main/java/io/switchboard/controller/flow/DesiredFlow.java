package io.switchboard.controller.flow;

import io.switchboard.controller.spi.FlowEntry;

/** An app's entry placed in a concrete table, with the cookie that names the app. */
public record DesiredFlow(FlowKey key, FlowEntry entry, String app, long cookie) {
  // equals and hashCode written out: the generated ones go through method handles, slow until the JIT inlines them
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof DesiredFlow d && d.cookie == cookie && d.key.equals(key) && d.entry.equals(entry)
        && d.app.equals(app);
  }

  @Override
  public int hashCode() {
    return ((31 * key.hashCode() + entry.hashCode()) * 31 + app.hashCode()) * 31 + Long.hashCode(cookie);
  }
}
