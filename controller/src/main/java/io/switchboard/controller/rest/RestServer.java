package io.switchboard.controller.rest;

import io.switchboard.controller.core.Controller;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowReconciler;
import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.Values;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under /api/v1 (and /metrics). Handlers are thin over the controller; they run on Vert.x worker
 * threads or complete from futures, never blocking an event loop. Every error is JSON {"error": "..."}.
 */
public final class RestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RestServer.class);
  public static final String BASE = "/api/v1";
  public static final String VERSION = "0.1.0";

  private final Controller controller;
  private final FlowViews views;
  private final Vertx vertx = Vertx.vertx();
  private final Router router = Router.router(vertx);
  private final Map<String, Supplier<Object>> healthExtras = new LinkedHashMap<>();
  private HttpServer server;

  public RestServer(Controller controller) {
    this.controller = controller;
    this.views = new FlowViews(controller);
    router.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
    router.route().handler(ctx -> {
      long start = System.nanoTime();
      ctx.addBodyEndHandler(v -> controller.metrics().observeSeconds("switchboard_rest_request_seconds",
          (System.nanoTime() - start) / 1e9, "method", ctx.request().method().name(),
          "status", Integer.toString(ctx.response().getStatusCode())));
      ctx.next();
    });
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type",
        "text/plain; version=0.0.4; charset=utf-8").end(controller.metrics().render()));
    route(HttpMethod.GET, "/health", r -> health());
    route(HttpMethod.GET, "/switches", r -> controller.sessions().stream()
        .sorted(Comparator.comparing(SwitchSession::name)).map(this::switchJson).toList());
    route(HttpMethod.GET, "/switches/:id", r -> switchJson(session(r.param("id"))));
    route(HttpMethod.GET, "/switches/:id/flows", this::flows);
    route(HttpMethod.GET, "/apps", r -> apps());
    io.switchboard.controller.core.PacketTracer tracer = new io.switchboard.controller.core.PacketTracer(controller);
    route(HttpMethod.POST, "/trace", r -> tracer.trace(r.jsonBody()));
    new UiRoutes(controller, vertx).mount(router, this); // the web console, /ui
    for (ControllerApp app : controller.availableApps()) {
      for (RestResource res : app.resources()) {
        resource(app, res);
      }
    }
  }

  /** Adds a JSON route under /api/v1 (used by the dist module for config, cluster and trace). */
  public void route(HttpMethod method, String path, RestHandler handler) {
    router.route(method, BASE + path).blockingHandler(ctx -> run(ctx, handler), false);
  }

  /** Adds a field to GET /health. */
  public void healthExtra(String key, Supplier<Object> value) {
    healthExtras.put(key, value);
  }

  private void resource(ControllerApp app, RestResource res) {
    String p = "/" + res.path();
    route(HttpMethod.GET, p, r -> {
      requireEnabled(app);
      return res.list();
    });
    route(HttpMethod.GET, p + "/:name", r -> {
      requireEnabled(app);
      return res.get(r.param("name")).orElseThrow(() -> new ApiException(404,
          "no " + res.path() + " item named '" + r.param("name") + "'"));
    });
    route(HttpMethod.POST, p, r -> {
      requireEnabled(app);
      return new Created(res.create(r.jsonBody()));
    });
    route(HttpMethod.DELETE, p + "/:name", r -> {
      requireEnabled(app);
      if (!res.delete(r.param("name"))) {
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

  /** A 201 answer. */
  public record Created(Object body) {}

  private void run(RoutingContext ctx, RestHandler handler) {
    Map<String, String> query = new HashMap<>();
    ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    RestRequest req = new RestRequest(Map.copyOf(ctx.pathParams()), query,
        ctx.body() == null ? null : ctx.body().asString());
    try {
      Object result = handler.handle(req);
      if (result instanceof CompletionStage<?> stage) {
        result = stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
      int status = 200;
      if (result instanceof Created c) {
        status = 201;
        result = c.body();
      }
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(Json.write(result));
    } catch (Throwable t) {
      Throwable cause = t instanceof java.util.concurrent.ExecutionException && t.getCause() != null ? t.getCause() : t;
      if (cause instanceof ApiException api) {
        error(ctx, api.status(), api.getMessage());
      } else if (cause instanceof java.util.concurrent.TimeoutException) {
        error(ctx, 504, "the switch did not answer in time");
      } else {
        log.error("REST {} {} failed", ctx.request().method(), ctx.request().path(), cause);
        error(ctx, 500, "internal error: " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
      }
    }
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(Json.write(Map.of("error", message)));
  }

  public InetSocketAddress start(String host, int port) throws Exception {
    router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " "
        + ctx.request().path()));
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (ctx.failure() != null && status == 500) {
        log.error("REST {} failed", ctx.request().path(), ctx.failure());
      }
      error(ctx, status, status == 413 ? "request body too large" : status == 400 ? "bad request"
          : "internal error");
    });
    server = vertx.createHttpServer().requestHandler(router).listen(port, host).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    log.info("REST API on http://{}:{}{}", host, server.actualPort(), BASE);
    return new InetSocketAddress(host, server.actualPort());
  }

  // ---- handlers

  private Map<String, Object> health() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ok");
    m.put("version", VERSION);
    m.put("uptime-seconds", (System.currentTimeMillis() - controller.startedAt()) / 1000);
    m.put("switches", controller.sessions().size());
    m.put("apps", controller.enabledApps().stream().map(ControllerApp::name).toList());
    healthExtras.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private SwitchSession session(String id) {
    return controller.session(id).orElseThrow(() -> new ApiException(404, "no connected bridge '" + id
        + "' (give a bridge name or a 16-hex-digit dpid; GET /api/v1/switches lists them)"));
  }

  private Map<String, Object> switchJson(SwitchSession s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dpid", s.dpidText());
    m.put("name", s.name());
    m.put("address", s.remoteAddress());
    m.put("openflow-version", s.versionText());
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

  private Object flows(RestRequest r) {
    SwitchSession s = session(r.param("id"));
    String source = r.query("source").orElse("live");
    boolean diff = r.query("diff").map(Boolean::parseBoolean).orElse(false);
    String app = r.query("app").orElse(null);
    Integer table = null;
    if (r.query("table").isPresent()) {
      String t = r.query("table").get();
      try {
        table = Integer.parseInt(t);
      } catch (NumberFormatException e) {
        table = null;
        for (var st : io.switchboard.controller.spi.Stage.values()) {
          if (st.label().equals(t)) {
            table = s.pipeline().table(st);
          }
        }
        if (table == null) {
          throw new ApiException(400, "table: expected a table number or a stage name, got '" + t + "'");
        }
      }
    }
    if (!source.equals("live") && !source.equals("desired")) {
      throw new ApiException(400, "source: expected 'live' or 'desired', got '" + source + "'");
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

  private static final Comparator<FlowKey> KEY_ORDER = Comparator.comparingInt(FlowKey::table)
      .thenComparing(Comparator.comparingInt(FlowKey::priority).reversed())
      .thenComparing(k -> k.match().toString());
  private static final Comparator<DesiredFlow> FLOW_ORDER_DESIRED = Comparator.comparing(DesiredFlow::key, KEY_ORDER);
  private static final Comparator<InstalledFlow> FLOW_ORDER_LIVE = Comparator.comparing(InstalledFlow::key, KEY_ORDER);

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

  private List<Map<String, Object>> apps() {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    for (SwitchSession s : controller.sessions()) {
      var p = s.programmer();
      if (p != null) {
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
      m.put("resources", app.resources().stream().map(res -> BASE + "/" + res.path()).toList());
      out.add(m);
    }
    return out;
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("REST shutdown: {}", e.toString());
    }
  }
}
