package io.switchboard.controller.rest;

import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.FlowViews;
import io.switchboard.controller.flow.FlowConflict;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.RestResource;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps over REST: {@code GET /apps} (each app, whether it is enabled, its flow count, its collections and the
 * flow conflicts it is in) and the mounting of every app's {@link RestResource}s as collections under the base
 * path. A collection of an app that is not enabled answers 404 saying so.
 */
final class AppRoutes {
  private static final Logger log = LoggerFactory.getLogger(AppRoutes.class);

  private final Controller controller;

  AppRoutes(Controller controller) {
    this.controller = controller;
  }

  /** {@code GET /apps}. */
  void mountListing(RestServer rest) {
    rest.route(HttpMethod.GET, "/apps", r -> apps());
  }

  /** Every available app's collections (list, get, create, replace when it allows it, delete). */
  void mountResources(RestServer rest) {
    for (ControllerApp app : controller.availableApps()) {
      for (RestResource res : app.resources()) {
        resource(rest, app, res);
      }
    }
  }

  private void resource(RestServer rest, ControllerApp app, RestResource res) {
    String p = "/" + res.path();
    rest.route(HttpMethod.GET, p, r -> {
      requireEnabled(app);
      return res.list(r.params());
    });
    rest.route(HttpMethod.GET, p + "/:name", r -> {
      requireEnabled(app);
      return res.get(r.params(), r.param("name")).orElseThrow(() -> new ApiException(404,
          "no " + res.path() + " item named '" + r.param("name") + "'"));
    });
    rest.route(HttpMethod.POST, p, r -> {
      requireEnabled(app);
      return new RestServer.Created(res.create(r.params(), r.jsonBody()));
    });
    if (res.replaceable()) {
      rest.route(HttpMethod.PUT, p + "/:name", r -> {
        requireEnabled(app);
        return res.replace(r.param("name"), r.jsonBody());
      });
    }
    rest.route(HttpMethod.DELETE, p + "/:name", r -> {
      requireEnabled(app);
      if (!res.delete(r.params(), r.param("name"))) {
        throw new ApiException(404, "no " + res.path() + " item named '" + r.param("name") + "'");
      }
      return Map.of("deleted", r.param("name"));
    });
  }

  private void requireEnabled(ControllerApp app) {
    if (!controller.enabledApps().contains(app)) {
      throw new ApiException(404, "app " + app.name() + " is not enabled (add it to 'apps:' in the config)");
    }
  }

  private List<Map<String, Object>> apps() {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    Map<String, List<Object>> conflicts = new HashMap<>();
    Map<String, Integer> conflictCounts = new HashMap<>();
    for (SwitchSession s : controller.sessions()) {
      var p = s.programmer();
      if (p != null) {
        for (FlowConflict c : p.conflicts()) {
          Object view = FlowViews.conflict(s, c);
          for (String a : c.apps()) {
            List<Object> shown = conflicts.computeIfAbsent(a, k -> new ArrayList<>());
            if (shown.size() < FlowViews.CONFLICTS_SHOWN) {
              shown.add(view);
            }
            conflictCounts.merge(a, 1, Integer::sum);
          }
        }
        try {
          controller.desiredFlows(s).get(5, TimeUnit.SECONDS).values()
              .forEach(d -> counts.merge(d.app(), 1, Integer::sum));
        } catch (Exception e) {
          log.debug("switch {}: no flow count: {}", s.dpidText(), e.toString());
        }
      }
    }
    for (ControllerApp app : controller.availableApps()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", app.name());
      m.put("enabled", controller.enabledApps().contains(app));
      m.put("flows", counts.getOrDefault(app.name(), 0));
      m.put("resources", app.resources().stream().map(res -> RestServer.BASE + "/" + res.path()).toList());
      m.put("conflict-count", conflictCounts.getOrDefault(app.name(), 0));
      m.put("conflicts", conflicts.getOrDefault(app.name(), List.of()));
      out.add(m);
    }
    return out;
  }
}
