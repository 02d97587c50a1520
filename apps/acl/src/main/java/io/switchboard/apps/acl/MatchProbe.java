package io.switchboard.apps.acl;

import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowMatch;
import java.util.Map;

/** A match's fields as arrays by field ordinal, for the many quick comparisons of {@link RuleWarnings}' indexes. */
final class MatchProbe {
  static final Field[] FIELDS = Field.values();

  final String inPort;
  final long bits;
  final long[] masks = new long[FIELDS.length];
  final long[] values = new long[FIELDS.length];

  MatchProbe(RuleMatch m) {
    inPort = m.inPort().orElse(null);
    long b = 0;
    for (Map.Entry<Field, FlowMatch.Masked> e : m.fields().fields().entrySet()) {
      int i = e.getKey().ordinal();
      b |= 1L << i;
      masks[i] = e.getValue().mask();
      values[i] = e.getValue().value() & masks[i];
    }
    bits = b;
  }

  boolean exact(int field) {
    return (bits & (1L << field)) != 0 && masks[field] == FIELDS[field].fullMask();
  }
}
