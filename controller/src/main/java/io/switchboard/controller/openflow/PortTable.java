package io.switchboard.controller.openflow;

import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One bridge's ports and name (the LOCAL port's name), and the immutable {@link SwitchView} apps see: the same
 * instance until the ports or the name change. Written on the bridge's worker (or the event loop during the
 * handshake), read anywhere.
 */
final class PortTable {
  private final long dpid;
  private final String dpidText;
  private final boolean multiTable;
  private final String versionText;
  private volatile Map<Long, PortInfo> ports;
  private volatile String name;
  private volatile SwitchView view;

  PortTable(long dpid, String dpidText, boolean multiTable, String versionText, List<PortInfo> initial) {
    this.dpid = dpid;
    this.dpidText = dpidText;
    this.multiTable = multiTable;
    this.versionText = versionText;
    set(initial);
  }

  String name() {
    return name;
  }

  Collection<PortInfo> ports() {
    return ports.values();
  }

  /** Replaces the port list (ports from FEATURES or PORT_DESC). */
  void set(List<PortInfo> list) {
    Map<Long, PortInfo> m = new ConcurrentHashMap<>();
    String n = name;
    for (PortInfo p : list) {
      if (p.isLocal()) {
        n = p.name();
      } else {
        m.put(p.number(), p);
      }
    }
    this.name = n == null ? dpidText : n;
    this.ports = m;
    this.view = buildView();
  }

  void changed(PortInfo p, boolean removed) {
    Map<Long, PortInfo> m = new ConcurrentHashMap<>(ports);
    if (p.isLocal()) {
      if (!removed) {
        name = p.name();
        view = buildView();
      }
      return;
    }
    if (removed) {
      m.remove(p.number());
    } else {
      m.put(p.number(), p);
    }
    ports = m;
    view = buildView();
  }

  /**
   * Built when the ports change rather than on first use after: a lazy rebuild here was a branch the packet-in
   * path never took once warm, and its first taking (a new switch) threw away the compiled path.
   */
  SwitchView view() {
    return view;
  }

  private SwitchView buildView() {
    Map<Long, PortInfo> snapshot = Map.copyOf(ports);
    Map<String, PortInfo> byName = new HashMap<>();
    snapshot.values().forEach(p -> byName.put(p.name(), p));
    String n = name;
    boolean multi = multiTable;
    String ver = versionText;
    return new SwitchView() {
      public long dpid() {
        return dpid;
      }

      public String name() {
        return n;
      }

      public String openFlowVersion() {
        return ver;
      }

      public boolean multiTable() {
        return multi;
      }

      public Collection<PortInfo> ports() {
        return snapshot.values();
      }

      public Optional<PortInfo> port(String portName) {
        return Optional.ofNullable(byName.get(portName));
      }

      public Optional<PortInfo> port(long number) {
        return Optional.ofNullable(snapshot.get(number));
      }

      @Override
      public String toString() {
        return n + " (" + dpidText + ")";
      }
    };
  }
}
