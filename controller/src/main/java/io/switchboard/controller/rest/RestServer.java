package io.switchboard.controller.rest;

import io.switchboard.config.HostPort;
import io.switchboard.config.RestSettings;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.FlowViews;
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
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under /api/v1 (and /metrics). Handlers are thin over the controller; they run on Vert.x worker
 * threads or complete from futures, never blocking an event loop. Every error is JSON {"error": "..."}.
 *
 * <p>Before any handler runs, each request passes the protections of docs/security.md: an allowed {@code Host}
 * (DNS rebinding), the bearer token of {@code rest.token-file} for mutations (and for reads when the listener is
 * not on loopback), a same-site {@code Origin} and a JSON {@code Content-Type} for mutations, and the body size
 * limit. A GET answering a list is paged ({@code offset}, {@code limit}).
 */
public final class RestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RestServer.class);
  public static final String BASE = "/api/v1";
  public static final String VERSION = "0.1.0";
  private static final Set<String> JSON_ONLY = Set.of("application/json");
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Controller controller;
  private final RestSettings settings;
  private final FlowViews views;
  private final Vertx vertx = Vertx.vertx();
  private final Router router = Router.router(vertx);
  private final Map<String, Supplier<Object>> healthExtras = new LinkedHashMap<>();
  /** Every route, for 405 answers with the methods a path has. */
  private final List<RouteSpec> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Body media types of routes that take more than JSON, by path. */
  private final Map<String, Set<String>> bodyTypes = new java.util.concurrent.ConcurrentHashMap<>();
  private final Rejections rejections;
  private volatile RestToken token;
  private volatile AllowedHosts allowed;
  private volatile boolean loopbackListener;
  private HttpServer server;

  private record RouteSpec(HttpMethod method, Pattern path) {}

  /** With the controller's {@code rest} settings (token file, allowed hosts, TLS, body limit). */
  public RestServer(Controller controller) {
    this(controller, controller.config().rest());
  }

  public RestServer(Controller controller, RestSettings settings) {
    this.controller = controller;
    this.settings = settings;
    this.views = new FlowViews(controller);
    this.rejections = new Rejections(controller.metrics(), LOG_INTERVAL_NANOS, System::nanoTime);
    router.route().handler(ctx -> {
      long start = System.nanoTime();
      ctx.addBodyEndHandler(v -> controller.metrics().observeSeconds("switchboard_rest_request_seconds",
          (System.nanoTime() - start) / 1e9, "method", methodLabel(ctx.request().method()),
          "status", Integer.toString(ctx.response().getStatusCode())));
      ctx.next();
    });
    router.route().handler(this::guard);
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
    register(HttpMethod.GET, "/metrics");
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

  /** A client may send any method name: only the standard ones become metric labels, the rest "other". */
  private static String methodLabel(HttpMethod m) {
    return STANDARD_METHODS.contains(m) ? m.name() : "other";
  }

  private static final Set<HttpMethod> STANDARD_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

  /** Adds a JSON route under /api/v1 (used by the dist module for config, cluster and trace). */
  public void route(HttpMethod method, String path, RestHandler handler) {
    register(method, BASE + path);
    router.route(method, BASE + path).blockingHandler(ctx -> run(ctx, handler), false);
  }

  /**
   * Adds a route whose body may have one of {@code mediaTypes} (e.g. application/yaml) instead of JSON; every
   * one must be a type a browser cannot send cross-site without asking first (not text/plain nor a form).
   */
  public void route(HttpMethod method, String path, Set<String> mediaTypes, RestHandler handler) {
    for (String t : mediaTypes) {
      if (t.startsWith("text/plain") || t.startsWith("multipart/form-data")
          || t.startsWith("application/x-www-form-urlencoded")) {
        throw new IllegalArgumentException(t + ": a browser sends it cross-site without a preflight");
      }
    }
    bodyTypes.put(BASE + path, Set.copyOf(mediaTypes));
    route(method, path, handler);
  }

  private void register(HttpMethod method, String path) {
    StringBuilder re = new StringBuilder();
    for (String part : path.substring(1).split("/")) {
      re.append('/').append(part.startsWith(":") ? "[^/]+" : Pattern.quote(part));
    }
    routes.add(new RouteSpec(method, Pattern.compile(re + "/?")));
  }

  /** The token file clients read (known after {@link #start}). */
  public java.nio.file.Path tokenFile() {
    return token == null ? settings.tokenFile() : token.file();
  }

  /** Adds a field to GET /health. */
  public void healthExtra(String key, Supplier<Object> value) {
    healthExtras.put(key, value);
  }

  private void resource(ControllerApp app, RestResource res) {
    String p = "/" + res.path();
    route(HttpMethod.GET, p, r -> {
      requireEnabled(app);
      return res.list(r.params());
    });
    route(HttpMethod.GET, p + "/:name", r -> {
      requireEnabled(app);
      return res.get(r.params(), r.param("name")).orElseThrow(() -> new ApiException(404,
          "no " + res.path() + " item named '" + r.param("name") + "'"));
    });
    route(HttpMethod.POST, p, r -> {
      requireEnabled(app);
      return new Created(res.create(r.params(), r.jsonBody()));
    });
    if (res.replaceable()) {
      route(HttpMethod.PUT, p + "/:name", r -> {
        requireEnabled(app);
        return res.replace(r.param("name"), r.jsonBody());
      });
    }
    route(HttpMethod.DELETE, p + "/:name", r -> {
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

  /** A 201 answer. */
  public record Created(Object body) {}

  // ---- the protections, in order: Host, token, Origin, Content-Type, body size

  private void guard(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    AllowedHosts names = allowed;
    if (names == null) {
      error(ctx, 503, "starting");
      return;
    }
    String host = req.getHeader(HttpHeaders.HOST);
    if (host == null && req.authority() != null) {
      host = req.authority().toString();
    }
    if (host != null && !names.allowsHost(host)) {
      refuse(ctx, 421, "host", "Host '" + Json.clip(host) + "' is not a name of this API (a DNS rebinding"
          + " protection); the operator can add it to rest.allowed-hosts");
      return;
    }
    HttpMethod m = req.method();
    boolean mutation = !(m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS);
    if (mutation || !loopbackListener) {
      String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
      String why = null;
      if (auth == null) {
        why = "missing bearer token: send 'Authorization: Bearer <token>' with the token from the file named by"
            + " rest.token-file on the controller's host" + (mutation ? "" : " (this listener is not on loopback:"
            + " reads need it too)");
      } else if (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || !token.matches(auth.substring(7).trim())) {
        why = "wrong bearer token (it is in the file named by rest.token-file on the controller's host)";
      }
      if (why != null) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
        refuse(ctx, 401, "token", why);
        return;
      }
    }
    if (mutation) {
      String origin = req.getHeader(HttpHeaders.ORIGIN);
      if (origin != null && !names.allowsOrigin(origin)) {
        refuse(ctx, 403, "origin", "cross-site request refused: Origin '" + Json.clip(origin)
            + "' is not this API's own (" + names.scheme() + "://" + Json.clip(host == null ? "?" : host)
            + "); the operator can add its host to rest.allowed-hosts");
        return;
      }
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean body = req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || length != null && !length.equals("0");
    if (body && length != null && length.matches("\\d+")
        && (length.length() > 18 || Long.parseLong(length) > settings.maxBodyBytes())) {
      refuse(ctx, 413, "body-size", tooLarge());
      return;
    }
    if (mutation && body) {
      String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
      String media = type == null ? null : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
      String path = ctx.normalizedPath();
      Set<String> ok = bodyTypes.getOrDefault(path.endsWith("/") ? path.substring(0, path.length() - 1) : path,
          JSON_ONLY);
      if (media == null || !ok.contains(media)) {
        refuse(ctx, 415, "content-type", "expected a body with Content-Type: " + String.join(" or ",
            new TreeSet<>(ok)) + ", got " + (type == null ? "none" : "'" + Json.clip(type) + "'"));
        return;
      }
    }
    ctx.next();
  }

  private String tooLarge() {
    return "request body too large: at most " + settings.maxBodyBytes() + " bytes (rest.max-body-bytes)";
  }

  private void refuse(RoutingContext ctx, int status, String reason, String message) {
    HttpServerRequest req = ctx.request();
    String client = req.remoteAddress() == null ? "?" : req.remoteAddress().hostAddress();
    rejections.reject(reason, client, req.method().name() + " " + Json.clip(req.path()), message);
    error(ctx, status, message);
  }

  // ---- answers

  private void run(RoutingContext ctx, RestHandler handler) {
    Map<String, String> query = new HashMap<>();
    ctx.queryParams().forEach(e -> query.put(e.getKey(), e.getValue()));
    RestRequest req = new RestRequest(Map.copyOf(ctx.pathParams()), query,
        ctx.body() == null ? null : ctx.body().asString());
    try {
      Paging paging = ctx.request().method() == HttpMethod.GET ? Paging.of(query) : null;
      Object result = handler.handle(req);
      if (result instanceof CompletionStage<?> stage) {
        result = stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
      int status = 200;
      if (result instanceof Created c) {
        status = 201;
        result = c.body();
      }
      if (paging != null && result instanceof List<?> list) {
        int total = list.size();
        result = paging.page(list);
        ctx.response().putHeader("X-Total-Count", Integer.toString(total));
        String next = paging.next(ctx.request().path(), ctx.queryParams().entries(), total);
        if (next != null) {
          ctx.response().putHeader("Link", "<" + next + ">; rel=\"next\"");
        }
      }
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(Json.write(result));
    } catch (Throwable t) {
      Throwable cause = t instanceof java.util.concurrent.ExecutionException && t.getCause() != null ? t.getCause() : t;
      if (cause instanceof Json.BadJson bad) {
        refuse(ctx, 400, bad.reason(), bad.getMessage());
      } else if (cause instanceof BadParameter bad) {
        refuse(ctx, 400, "parameter", bad.getMessage());
      } else if (cause instanceof ApiException api) {
        error(ctx, api.status(), api.getMessage());
      } else if (cause instanceof java.util.concurrent.TimeoutException) {
        error(ctx, 504, "the switch did not answer in time");
      } else {
        log.error("REST {} {} failed", ctx.request().method(), Json.clip(ctx.request().path()), cause);
        error(ctx, 500, "internal error: " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
      }
    }
  }

  private static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(Json.write(Map.of("error", Json.safeMessage(message))));
  }

  /** The last route: 405 with Allow when the path exists with other methods (204 to OPTIONS), else 404. */
  private void noRoute(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    Set<String> allow = new TreeSet<>();
    for (RouteSpec r : routes) {
      if (r.path().matcher(path).matches()) {
        allow.add(r.method().name());
      }
    }
    if (allow.isEmpty()) {
      error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + Json.clip(ctx.request().path()));
      return;
    }
    allow.add("OPTIONS");
    String header = String.join(", ", allow);
    ctx.response().putHeader("Allow", header);
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    refuse(ctx, 405, "method", "method " + ctx.request().method() + " is not allowed on " + Json.clip(path)
        + "; allowed: " + header);
  }

  /** True unless the listen host is a loopback address: reads then need the token too. */
  static boolean readsNeedToken(String listenHost) {
    try {
      return !listenHost.equals("localhost") && !InetAddress.getByName(listenHost).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return true;
    }
  }

  /** Listens on the settings' address. */
  public InetSocketAddress start() throws Exception {
    return start(settings.listen().host(), settings.listen().port());
  }

  public InetSocketAddress start(String host, int port) throws Exception {
    try {
      token = RestToken.loadOrCreate(settings.tokenFile());
    } catch (java.io.IOException e) {
      String why = e instanceof java.nio.file.FileSystemException fs ? "cannot create or read it ("
          + e.getClass().getSimpleName() + " on " + fs.getFile() + ")" : e.getMessage();
      throw new java.io.IOException(why.startsWith("REST token file") ? why : "REST token file "
          + settings.tokenFile() + ": " + why + "; rest.token-file names where it is kept (docs/security.md)", e);
    }
    loopbackListener = !readsNeedToken(host);
    router.route().last().handler(this::noRoute);
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (status == 413) {
        refuse(ctx, 413, "body-size", tooLarge());
        return;
      }
      if (ctx.failure() != null && status == 500) {
        log.error("REST {} failed", Json.clip(ctx.request().path()), ctx.failure());
      }
      error(ctx, status, status == 400 ? "bad request" : "internal error");
    });
    HttpServerOptions options = new HttpServerOptions();
    RestSettings.Tls tls = settings.tls();
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString())
          .setKeyPath(tls.key().toString()));
    }
    server = vertx.createHttpServer(options).requestHandler(router).listen(port, host).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    allowed = new AllowedHosts(host, server.actualPort(), tls != null, settings.allowedHosts());
    String scheme = tls != null ? "https" : "http";
    log.info("REST API on {}://{}:{}{}; mutations{} need the bearer token in {}", scheme,
        host.contains(":") ? "[" + host + "]" : host, server.actualPort(), BASE, loopbackListener ? "" : " and reads",
        token.file());
    settings.withListen(new HostPort(host, server.actualPort())).warnings().forEach(w -> log.warn("{}", w));
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
    String stages = String.join(", ", java.util.Arrays.stream(io.switchboard.controller.spi.Stage.values())
        .map(io.switchboard.controller.spi.Stage::label).toList());
    boolean numbered = t != null && t.matches("\\d{1,3}");
    if (t != null && !numbered && java.util.Arrays.stream(io.switchboard.controller.spi.Stage.values())
        .noneMatch(st -> st.label().equals(t))) {
      throw new BadParameter("table", "a table number 0-254 or a stage name (" + stages + ")", t);
    }
    SwitchSession s = session(r.param("id"));
    Integer table = null;
    if (numbered) {
      table = Integer.parseInt(t);
      if (table >= s.pipeline().tableCount()) {
        throw new BadParameter("table", "a table number 0-" + (s.pipeline().tableCount() - 1) + " (this bridge's"
            + " pipeline) or a stage name (" + stages + ")", t);
      }
    } else if (t != null) {
      for (var st : io.switchboard.controller.spi.Stage.values()) {
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
    Map<String, List<Object>> conflicts = new HashMap<>();
    Map<String, Integer> conflictCounts = new HashMap<>();
    for (SwitchSession s : controller.sessions()) {
      var p = s.programmer();
      if (p != null) {
        for (io.switchboard.controller.flow.FlowConflict c : p.conflicts()) {
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
      m.put("resources", app.resources().stream().map(res -> BASE + "/" + res.path()).toList());
      m.put("conflict-count", conflictCounts.getOrDefault(app.name(), 0));
      m.put("conflicts", conflicts.getOrDefault(app.name(), List.of()));
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
