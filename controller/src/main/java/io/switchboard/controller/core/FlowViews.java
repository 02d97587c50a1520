package io.switchboard.controller.core;

import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowText;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.pipeline.Pipeline;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Stage;
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
    m.put("actions", f.entry() != null ? FlowText.actions(s.ports(), f.entry()) : List.of(f.rawActions()));
    m.put("idle-timeout", f.idleTimeout());
    m.put("hard-timeout", f.hardTimeout());
    m.put("packets", f.packets());
    m.put("bytes", f.bytes());
    m.put("duration-seconds", f.durationSec());
    return m;
  }

  public Map<String, Object> desired(SwitchSession s, DesiredFlow d) {
    Map<String, Object> m = head(s, d.key(), d.cookie());
    m.put("actions", FlowText.actions(s.ports(), d.entry()));
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
    m.put("match", FlowText.match(s.ports(), k.match()));
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
    m.put("match", FlowText.match(s.ports(), c.key().match()));
    m.put("apps", c.apps());
    m.put("installed", c.winner());
    m.put("same-entry", c.sameEntry());
    return m;
  }
}
