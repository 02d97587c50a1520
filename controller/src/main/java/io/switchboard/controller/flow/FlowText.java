package io.switchboard.controller.flow;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An entry written for people, the same way in the REST views and in traces: fields by their API names, ports by
 * their names on the bridge, VLANs as numbers, the next stage by its label.
 */
public final class FlowText {
  private FlowText() {}

  public static Map<String, Object> match(Collection<PortInfo> ports, FlowMatch match) {
    Map<String, Object> m = new LinkedHashMap<>();
    match.fields().forEach((f, v) -> {
      if (f == Field.IN_PORT && v.exact(f)) {
        m.put(f.apiName(), portName(ports, v.value()));
      } else if (f == Field.VLAN_VID) {
        if (v.value() == 0 && v.exact(f)) {
          m.put("vlan", "untagged");
        } else if (v.exact(f)) {
          m.put("vlan", (int) (v.value() & 0xfff));
        } else {
          m.put("vlan", "tagged");
        }
      } else {
        m.put(f.apiName(), Values.format(f, v));
      }
    });
    return m;
  }

  public static List<String> actions(Collection<PortInfo> ports, FlowEntry e) {
    List<String> out = new ArrayList<>();
    for (Action a : e.actions()) {
      if (a instanceof Action.Output o) {
        out.add("output:" + portName(ports, o.port()));
      } else if (a instanceof Action.SetField sf && sf.field() == Field.VLAN_VID) {
        out.add("set_field:" + (sf.value() & 0xfff) + "->vlan");
      } else {
        out.add(a.toString());
      }
    }
    if (e.metadata() != null) {
      out.add("write_metadata:0x" + Long.toHexString(e.metadata().value()));
    }
    if (e.next() != null) {
      out.add("goto:" + e.next().label());
    }
    if (out.isEmpty()) {
      out.add("drop");
    }
    return out;
  }

  public static String portName(Collection<PortInfo> ports, long port) {
    if (port >= 0xffffff00L) {
      return Action.portName(port);
    }
    for (PortInfo p : ports) {
      if (p.number() == port) {
        return p.name();
      }
    }
    return Long.toString(port);
  }
}
