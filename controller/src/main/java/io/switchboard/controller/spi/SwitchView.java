package io.switchboard.controller.spi;

import java.util.Collection;
import java.util.Optional;

/** What an app may know of a connected bridge. Immutable snapshot. */
public interface SwitchView {
  long dpid();

  /** The bridge's name: the name of its LOCAL port. */
  String name();

  /** The negotiated OpenFlow version, e.g. "1.3". */
  String openFlowVersion();

  /** True on OpenFlow 1.3+ (the multi-table pipeline); false on 1.0, where every stage is the single table. */
  boolean multiTable();

  /** Every port but LOCAL. */
  Collection<PortInfo> ports();

  Optional<PortInfo> port(String name);

  Optional<PortInfo> port(long number);

  /** Whether this bridge is known in config under {@code nameOrDpid} (its name, or its dpid in any usual form). */
  default boolean isCalled(String nameOrDpid) {
    if (nameOrDpid.equals(name())) {
      return true;
    }
    long d = Values.parseDpid(nameOrDpid);
    return d != -1 && d == dpid();
  }
}
