package io.switchboard.controller.rest;

import io.switchboard.config.HostPort;
import io.switchboard.config.RestSettings;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.spi.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>This class owns the server: the listener, the route table (with 404/405 answers for paths it lacks) and the
 * turning of a handler's result or exception into a JSON answer; a GET answering a list is paged ({@code offset},
 * {@code limit}). Before any handler runs, each request passes the protections of docs/security.md
 * ({@link RequestGuard}). The endpoints live with their job: {@link SwitchRoutes} (health, switches),
 * {@link FlowRoutes} (a bridge's flows), {@link AppRoutes} (GET /apps and the apps' collections), {@link UiRoutes}
 * (the web console); other modules add theirs with {@link #route}.
 */
public final class RestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RestServer.class);
  public static final String BASE = "/api/v1";
  public static final String VERSION = "0.1.0";
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final RestSettings settings;
  /**
   * On the transport the OpenFlow listeners use (epoll where Netty's native library loads, NIO otherwise or when
   * asked): the REST server runs on Netty too, through code both share, and one transport keeps the compiled form
   * of that code fit for both (a second channel class throws it away, and the switches wait while it is compiled
   * again). With epoll, REST answers also took less CPU in the overlay's churn (docs/overlay-scale.md).
   */
  private final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions()
      .setPreferNativeTransport("epoll".equals(io.switchboard.controller.openflow.OpenFlowServer.transport())));
  private final Router router = Router.router(vertx);
  /** Every route, for 405 answers with the methods a path has. */
  private final List<RouteSpec> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final RequestGuard guard;
  private final SwitchRoutes switches;
  private volatile RestToken token;
  private HttpServer server;

  private record RouteSpec(HttpMethod method, Pattern path) {}

  /** With the controller's {@code rest} settings (token file, allowed hosts, TLS, body limit). */
  public RestServer(Controller controller) {
    this(controller, controller.config().rest());
  }

  public RestServer(Controller controller, RestSettings settings) {
    this.settings = settings;
    this.guard = new RequestGuard(settings,
        new Rejections(controller.metrics(), LOG_INTERVAL_NANOS, System::nanoTime));
    this.switches = new SwitchRoutes(controller);
    AppRoutes apps = new AppRoutes(controller);
    router.route().handler(ctx -> {
      long start = System.nanoTime();
      ctx.addBodyEndHandler(v -> controller.metrics().observeSeconds("switchboard_rest_request_seconds",
          (System.nanoTime() - start) / 1e9, "method", methodLabel(ctx.request().method()),
          "status", Integer.toString(ctx.response().getStatusCode())));
      ctx.next();
    });
    router.route().handler(guard::check);
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
    register(HttpMethod.GET, "/metrics");
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type",
        "text/plain; version=0.0.4; charset=utf-8").end(controller.metrics().render()));
    switches.mount(this);
    new FlowRoutes(controller).mount(this);
    apps.mountListing(this);
    io.switchboard.controller.core.PacketTracer tracer = new io.switchboard.controller.core.PacketTracer(controller);
    route(HttpMethod.POST, "/trace", r -> tracer.trace(r.jsonBody()));
    new UiRoutes(controller, vertx).mount(router, this); // the web console, /ui
    apps.mountResources(this);
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
    guard.acceptBodies(BASE + path, mediaTypes);
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
    switches.healthExtra(key, value);
  }

  /** A 201 answer. */
  public record Created(Object body) {}

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
        guard.refuse(ctx, 400, bad.reason(), bad.getMessage());
      } else if (cause instanceof BadParameter bad) {
        guard.refuse(ctx, 400, "parameter", bad.getMessage());
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

  /** Answers {@code status} with {"error": message}, unless the answer is already sent. */
  static void error(RoutingContext ctx, int status, String message) {
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
    guard.refuse(ctx, 405, "method", "method " + ctx.request().method() + " is not allowed on " + Json.clip(path)
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
    boolean loopbackListener = !readsNeedToken(host);
    router.route().last().handler(this::noRoute);
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (status == 413) {
        guard.refuse(ctx, 413, "body-size", guard.tooLarge());
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
    guard.open(token, new AllowedHosts(host, server.actualPort(), tls != null, settings.allowedHosts()),
        loopbackListener);
    String scheme = tls != null ? "https" : "http";
    log.info("REST API on {}://{}:{}{}; mutations{} need the bearer token in {}", scheme,
        host.contains(":") ? "[" + host + "]" : host, server.actualPort(), BASE, loopbackListener ? "" : " and reads",
        token.file());
    settings.withListen(new HostPort(host, server.actualPort())).warnings().forEach(w -> log.warn("{}", w));
    return new InetSocketAddress(host, server.actualPort());
  }

  /** Stops listening, then stops Vert.x whatever the listener did (each waited for at most 5 s). */
  @Override
  public void close() {
    try {
      if (server != null) {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("REST shutdown: {}", e.toString());
    } finally {
      closeVertx();
    }
  }

  private void closeVertx() {
    boolean interrupted = Thread.interrupted(); // wait for it even when interrupted, then say so again
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (Exception e) {
      log.debug("REST shutdown: {}", e.toString());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
