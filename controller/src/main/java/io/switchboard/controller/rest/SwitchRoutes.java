package io.switchboard.controller.rest;

import io.switchboard.controller.core.Controller;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Values;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The core's read-only views of the controller and its bridges: {@code GET /health} (with the fields other
 * modules add, e.g. the cluster's) and {@code GET /switches}, {@code GET /switches/:id}.
 */
final class SwitchRoutes {
  private final Controller controller;
  private final Map<String, Supplier<Object>> healthExtras = new LinkedHashMap<>();

  SwitchRoutes(Controller controller) {
    this.controller = controller;
  }

  void mount(RestServer rest) {
    rest.route(HttpMethod.GET, "/health", r -> health());
    rest.route(HttpMethod.GET, "/switches", r -> controller.sessions().stream()
        .sorted(Comparator.comparing(SwitchSession::name)).map(this::switchJson).toList());
    rest.route(HttpMethod.GET, "/switches/:id", r -> switchJson(session(controller, r.param("id"))));
  }

  /** Adds a field to GET /health. */
  void healthExtra(String key, Supplier<Object> value) {
    healthExtras.put(key, value);
  }

  /** The connected bridge named by {@code id} (a name or a dpid), or a 404 that says how to find one. */
  static SwitchSession session(Controller controller, String id) {
    return controller.session(id).orElseThrow(() -> new ApiException(404, "no connected bridge '" + id
        + "' (give a bridge name or a 16-hex-digit dpid; GET /api/v1/switches lists them)"));
  }

  private Map<String, Object> health() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ok");
    m.put("version", RestServer.VERSION);
    m.put("uptime-seconds", (System.currentTimeMillis() - controller.startedAt()) / 1000);
    m.put("switches", controller.sessions().size());
    m.put("apps", controller.enabledApps().stream().map(ControllerApp::name).toList());
    healthExtras.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private Map<String, Object> switchJson(SwitchSession s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dpid", s.dpidText());
    m.put("name", s.name());
    m.put("address", s.remoteAddress());
    m.put("openflow-version", s.versionText());
    m.put("tls", s.peerCertificate() != null);
    if (s.peerCertificate() != null) {
      m.put("certificate-sha256", s.peerCertificate());
    }
    m.put("role", controller.mastership().isMaster(s.dpid()) ? "master" : "slave");
    m.put("master", controller.mastership().masterOf(s.dpid()));
    m.put("connected-at", s.connectedAt().toString());
    m.put("connected-seconds", Instant.now().getEpochSecond() - s.connectedAt().getEpochSecond());
    m.put("tables", s.pipeline().tableCount());
    long rtt = s.echoRttNanos();
    m.put("echo-rtt-ms", rtt < 0 ? null : rtt / 1e6);
    var p = s.programmer();
    m.put("reconciled", p != null && p.synced());
    List<Map<String, Object>> ports = new ArrayList<>();
    s.ports().stream().sorted(Comparator.comparingLong(PortInfo::number)).forEach(port -> {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("number", port.number());
      pm.put("name", port.name());
      pm.put("mac", Values.mac(port.mac()));
      pm.put("up", port.up());
      ports.add(pm);
    });
    m.put("ports", ports);
    return m;
  }
}
