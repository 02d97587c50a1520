package io.switchboard.controller.rest;

import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.FlowViews;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowReconciler;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Stage;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /switches/:id/flows}: a bridge's flows as installed ({@code source=live}) or as the apps want them
 * ({@code source=desired}), filtered by {@code table} (number or stage name) and {@code app}, or the difference
 * between the two ({@code diff=true}). Answers complete from the controller's futures; nothing here blocks.
 */
final class FlowRoutes {
  private static final Comparator<FlowKey> KEY_ORDER = Comparator.comparingInt(FlowKey::table)
      .thenComparing(Comparator.comparingInt(FlowKey::priority).reversed())
      .thenComparing(k -> k.match().toString());
  private static final Comparator<DesiredFlow> FLOW_ORDER_DESIRED = Comparator.comparing(DesiredFlow::key, KEY_ORDER);
  private static final Comparator<InstalledFlow> FLOW_ORDER_LIVE = Comparator.comparing(InstalledFlow::key, KEY_ORDER);

  private final Controller controller;
  private final FlowViews views;

  FlowRoutes(Controller controller) {
    this.controller = controller;
    this.views = new FlowViews(controller);
  }

  void mount(RestServer rest) {
    rest.route(HttpMethod.GET, "/switches/:id/flows", this::flows);
  }

  private Object flows(RestRequest r) {
    String source = r.query("source").orElse("live");
    if (!source.equals("live") && !source.equals("desired")) {
      throw new BadParameter("source", "'live' or 'desired'", source);
    }
    String diffText = r.query("diff").orElse("false");
    if (!diffText.equals("true") && !diffText.equals("false")) {
      throw new BadParameter("diff", "true or false", diffText);
    }
    boolean diff = diffText.equals("true");
    String app = r.query("app").orElse(null);
    String t = r.query("table").orElse(null);
    String stages = String.join(", ", Arrays.stream(Stage.values()).map(Stage::label).toList());
    boolean numbered = t != null && t.matches("\\d{1,3}");
    if (t != null && !numbered && Arrays.stream(Stage.values()).noneMatch(st -> st.label().equals(t))) {
      throw new BadParameter("table", "a table number 0-254 or a stage name (" + stages + ")", t);
    }
    SwitchSession s = SwitchRoutes.session(controller, r.param("id"));
    Integer table = null;
    if (numbered) {
      table = Integer.parseInt(t);
      if (table >= s.pipeline().tableCount()) {
        throw new BadParameter("table", "a table number 0-" + (s.pipeline().tableCount() - 1) + " (this bridge's"
            + " pipeline) or a stage name (" + stages + ")", t);
      }
    } else if (t != null) {
      for (Stage st : Stage.values()) {
        if (st.label().equals(t)) {
          table = s.pipeline().table(st);
        }
      }
    }
    final Integer tableFilter = table;
    if (diff) {
      return diff(s);
    }
    if (source.equals("desired")) {
      return controller.desiredFlows(s).thenApply(d -> d.values().stream()
          .filter(f -> tableFilter == null || f.key().table() == tableFilter)
          .filter(f -> app == null || app.equals(f.app()))
          .sorted(FLOW_ORDER_DESIRED).map(f -> views.desired(s, f)).toList());
    }
    return controller.liveFlows(s).thenApply(list -> list.stream()
        .filter(f -> tableFilter == null || f.key().table() == tableFilter)
        .filter(f -> app == null || app.equals(controller.appOf(f.cookie())))
        .sorted(FLOW_ORDER_LIVE).map(f -> views.live(s, f)).toList());
  }

  private CompletableFuture<Map<String, Object>> diff(SwitchSession s) {
    return controller.desiredFlows(s).thenCombine(controller.liveFlows(s), (desired, live) -> {
      Map<FlowKey, InstalledFlow> installed = new HashMap<>();
      live.forEach(f -> installed.put(f.key(), f));
      List<Object> missing = new ArrayList<>();
      List<Object> different = new ArrayList<>();
      List<Object> extra = new ArrayList<>();
      desired.values().stream().sorted(FLOW_ORDER_DESIRED).forEach(d -> {
        InstalledFlow have = installed.get(d.key());
        if (have == null) {
          missing.add(views.desired(s, d));
        } else if (have.cookie() != d.cookie() || !FlowReconciler.sameBehaviour(d.entry(), have.entry())
            || have.idleTimeout() != d.entry().idleTimeout() || have.hardTimeout() != d.entry().hardTimeout()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("desired", views.desired(s, d));
          m.put("live", views.live(s, have));
          different.add(m);
        }
      });
      live.stream().filter(f -> !desired.containsKey(f.key())).sorted(FLOW_ORDER_LIVE)
          .forEach(f -> extra.add(views.live(s, f)));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("missing", missing);
      m.put("different", different);
      m.put("extra", extra);
      m.put("in-sync", missing.isEmpty() && different.isEmpty() && extra.isEmpty());
      return m;
    });
  }
}
