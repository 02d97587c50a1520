package io.switchboard.controller.rest;

import io.switchboard.controller.core.Controller;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Flows as the API shows them: the field names of docs/configuration.md, port names, the owning app and, where known, the rule. */
public final class FlowViews {
  private final Controller controller;

  public FlowViews(Controller controller) {
    this.controller = controller;
  }

  public Map<String, Object> live(SwitchSession s, InstalledFlow f) {
    Map<String, Object> m = head(s, f.key(), f.cookie());
    m.put("actions", f.entry() != null ? actions(s, f.entry()) : List.of(f.rawActions()));
    m.put("idle-timeout", f.idleTimeout());
    m.put("hard-timeout", f.hardTimeout());
    m.put("packets", f.packets());
    m.put("bytes", f.bytes());
    m.put("duration-seconds", f.durationSec());
    return m;
  }

  public Map<String, Object> desired(SwitchSession s, DesiredFlow d) {
    Map<String, Object> m = head(s, d.key(), d.cookie());
    m.put("actions", actions(s, d.entry()));
    m.put("idle-timeout", d.entry().idleTimeout());
    m.put("hard-timeout", d.entry().hardTimeout());
    return m;
  }

  private Map<String, Object> head(SwitchSession s, FlowKey k, long cookie) {
    Map<String, Object> m = new LinkedHashMap<>();
    Pipeline p = s.pipeline();
    Stage stage = p.stage(k.table());
    m.put("table", k.table());
    m.put("stage", stage == null ? null : stage.label());
    m.put("priority", k.priority());
    m.put("match", match(s, k.match()));
    m.put("cookie", "0x" + Long.toHexString(cookie));
    String app = controller.appOf(cookie);
    m.put("app", app);
    if (app != null && !Cookies.CORE.equals(app)) {
      for (ControllerApp a : controller.availableApps()) {
        if (a.name().equals(app)) {
          a.describeTag(Cookies.tagOf(cookie)).ifPresent(t -> m.put(a.tagKind(), t));
        }
      }
    }
    return m;
  }

  /** At most this many conflicts are shown per app (GET /apps) or per bridge (plan); the count says how many. */
  public static final int CONFLICTS_SHOWN = 100;

  /**
   * Entries two apps want at the same key on a bridge: {@code bridge}, {@code table}, {@code stage},
   * {@code priority}, {@code match}, {@code apps} (in precedence order), {@code installed} (the winner's) and
   * {@code same-entry}.
   */
  public static Map<String, Object> conflict(SwitchSession s, io.switchboard.controller.flow.FlowConflict c) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("bridge", s.name());
    m.put("table", c.key().table());
    io.switchboard.controller.spi.Stage stage = s.pipeline().stage(c.key().table());
    if (stage != null) {
      m.put("stage", stage.label());
    }
    m.put("priority", c.key().priority());
    m.put("match", match(s, c.key().match()));
    m.put("apps", c.apps());
    m.put("installed", c.winner());
    m.put("same-entry", c.sameEntry());
    return m;
  }

  public static Map<String, Object> match(SwitchSession s, FlowMatch match) {
    Map<String, Object> m = new LinkedHashMap<>();
    match.fields().forEach((f, v) -> {
      if (f == Field.IN_PORT && v.exact(f)) {
        m.put(f.apiName(), portName(s, v.value()));
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

  public static List<String> actions(SwitchSession s, FlowEntry e) {
    List<String> out = new ArrayList<>();
    for (Action a : e.actions()) {
      if (a instanceof Action.Output o) {
        out.add("output:" + portName(s, o.port()));
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

  public static String portName(SwitchSession s, long port) {
    if (port >= 0xffffff00L) {
      return Action.portName(port);
    }
    for (PortInfo p : s.ports()) {
      if (p.number() == port) {
        return p.name();
      }
    }
    return Long.toString(port);
  }
}
