package io.switchboard.controller.rest;

import io.switchboard.config.LogicalTopology;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.Values;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console at {@code /ui}: three hand-written files served from the classpath ({@code ui/}), the picture's
 * data at {@code GET /api/v1/topology}, and live changes at {@code GET /api/v1/events} (server-sent events, checked
 * every second: a {@code topology} event whenever the topology differs from what that client last got, and a
 * {@code changed} event naming each app collection, e.g. {@code acl/rules} or {@code hosts}, that changed since,
 * as the collections tell through {@link RestResource#onChange}).
 * At most {@link #MAX_STREAMS} event streams are open; more are refused with 503, counted and logged once a minute.
 * A stream that is not read gets no backlog: what changed meanwhile is sent once, when it can be written again.
 */
final class UiRoutes {
  private static final Logger log = LoggerFactory.getLogger(UiRoutes.class);
  static final int MAX_STREAMS = 32;
  /** One line: an event's data may not hold a line break. */
  private static final com.fasterxml.jackson.databind.ObjectMapper COMPACT =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "app.css", "text/css; charset=utf-8");

  private final Controller controller;
  private final Vertx vertx;
  private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastRefusalLog = new AtomicLong();
  /**
   * Changes so far of every app collection that tells of them, by path under /api/v1: one counter per collection
   * (so a burst of changes costs nothing per stream), compared by each stream with what it last sent.
   */
  private final Map<String, AtomicLong> changes = new ConcurrentHashMap<>();

  UiRoutes(Controller controller, Vertx vertx) {
    this.controller = controller;
    this.vertx = vertx;
    controller.metrics().describe("switchboard_ui_event_streams", "Open /api/v1/events streams (web console)");
    controller.metrics().gauge("switchboard_ui_event_streams", () -> (double) streams.size());
    for (var app : controller.availableApps()) {
      for (RestResource res : app.resources()) {
        AtomicLong n = changes.computeIfAbsent(res.path(), p -> new AtomicLong());
        res.onChange(n::incrementAndGet);
      }
    }
  }

  /** The {@code changed} events a stream that last saw {@code seen} is owed now; {@code seen} is brought up to date. */
  String changedEvents(Map<String, Long> seen) {
    StringBuilder out = new StringBuilder();
    changes.forEach((path, n) -> {
      long now = n.get();
      Long before = seen.put(path, now);
      if (before != null && before != now) {
        try {
          out.append("event: changed\ndata: ").append(COMPACT.writeValueAsString(Map.of("resource", path)))
              .append("\n\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    return out.toString();
  }

  void mount(Router router, RestServer rest) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    FILES.keySet().forEach(f -> files.put(f, read(f)));
    // the router takes /ui and /ui/ for one path: only the one without the slash is sent on (relative URLs)
    router.get("/ui").handler(ctx -> {
      if (!ctx.request().path().endsWith("/")) {
        ctx.redirect("/ui/");
        return;
      }
      ctx.response().putHeader("content-type", FILES.get("index.html")).putHeader("cache-control", "no-cache")
          .end(io.vertx.core.buffer.Buffer.buffer(files.get("index.html")));
    });
    router.get("/ui/:file").handler(ctx -> {
      String f = ctx.pathParam("file");
      byte[] body = files.get(f);
      if (body == null) {
        ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
            .end("{\"error\":\"no such file in the console: " + f.replaceAll("[^A-Za-z0-9._-]", "?") + "\"}");
        return;
      }
      ctx.response().putHeader("content-type", FILES.get(f)).putHeader("cache-control", "no-cache")
          .end(io.vertx.core.buffer.Buffer.buffer(body));
    });
    rest.route(io.vertx.core.http.HttpMethod.GET, "/topology", r -> topology());
    router.get(RestServer.BASE + "/events").handler(ctx -> {
      HttpServerResponse res = ctx.response();
      if (streams.size() >= MAX_STREAMS) {
        controller.metrics().inc("switchboard_ui_event_streams_refused_total");
        long now = System.currentTimeMillis();
        long last = lastRefusalLog.get();
        if (now - last > 60_000 && lastRefusalLog.compareAndSet(last, now)) {
          log.warn("refusing a console event stream from {}: {} are open (the limit)",
              ctx.request().remoteAddress(), MAX_STREAMS);
        }
        res.setStatusCode(503).putHeader("content-type", "application/json")
            .end("{\"error\":\"too many open event streams (" + MAX_STREAMS + ")\"}");
        return;
      }
      streams.add(res);
      res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
      res.write(": switchboard events\n\n");
      String[] sent = {null};
      Map<String, Long> seen = new java.util.HashMap<>(); // only touched on this stream's event loop
      changedEvents(seen);
      long[] ticks = {0};
      boolean[] busy = {false};
      long timer = vertx.setPeriodic(1, 1000, id -> {
        if (busy[0] || res.writeQueueFull()) {
          return; // a slow reader gets the newest state once it catches up, never a backlog
        }
        String changed = changedEvents(seen);
        if (!changed.isEmpty()) {
          res.write(changed);
        }
        busy[0] = true;
        // off the event loop: a clustered mastership asks Hazelcast who masters what
        vertx.executeBlocking(() -> COMPACT.writeValueAsString(topology())).onComplete(done -> {
          busy[0] = false;
          if (done.failed()) {
            log.warn("console event stream: the topology could not be computed: {}", done.cause().toString());
          }
          if (done.failed() || res.closed() || res.ended()) {
            return;
          }
          String now = done.result();
          if (!now.equals(sent[0])) {
            sent[0] = now;
            res.write("event: topology\ndata: " + now + "\n\n");
          } else if (++ticks[0] % 15 == 0) {
            res.write(": keepalive\n\n");
          }
        });
      });
      res.closeHandler(v -> {
        vertx.cancelTimer(timer);
        streams.remove(res);
      });
    });
  }

  private static byte[] read(String file) {
    try (InputStream in = UiRoutes.class.getResourceAsStream("/ui/" + file)) {
      if (in == null) {
        throw new IllegalStateException("ui/" + file + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Bridges as connected now, and the logical topology's hosts, tunnels, networks, routers and endpoints as
   * configured (the overlay's, published by its section: {@link io.switchboard.config.SwitchboardConfig#topology()}).
   */
  Map<String, Object> topology() {
    LogicalTopology overlay = controller.config().topology();
    List<SwitchSession> sessions = new ArrayList<>(controller.sessions());
    sessions.sort(Comparator.comparing(SwitchSession::name));
    List<Object> bridges = new ArrayList<>();
    for (SwitchSession s : sessions) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("dpid", s.dpidText());
      b.put("name", s.name());
      b.put("role", controller.mastership().isMaster(s.dpid()) ? "master" : "slave");
      b.put("master", controller.mastership().masterOf(s.dpid()));
      var p = s.programmer();
      b.put("reconciled", p != null && p.synced());
      b.put("host", overlay.hosts().stream().filter(h -> names(h, s)).map(LogicalTopology.Host::name).findFirst()
          .orElse(null));
      List<Object> ports = new ArrayList<>();
      s.ports().stream().sorted(Comparator.comparingLong(PortInfo::number)).forEach(port -> ports.add(Map.of(
          "number", port.number(), "name", port.name(), "up", port.up())));
      b.put("ports", ports);
      bridges.add(b);
    }
    List<Object> hosts = new ArrayList<>();
    for (LogicalTopology.Host h : overlay.hosts()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", h.name());
      m.put("bridge", h.bridge());
      m.put("tunnel-ip", io.switchboard.config.Ipv4.format(h.tunnelIp()));
      m.put("dpid", sessions.stream().filter(s -> names(h, s)).map(SwitchSession::dpidText).findFirst()
          .orElse(null));
      hosts.add(m);
    }
    List<Object> tunnels = new ArrayList<>();
    for (int i = 0; i < overlay.hosts().size(); i++) {
      for (int j = i + 1; j < overlay.hosts().size(); j++) {
        tunnels.add(Map.of("from", overlay.hosts().get(i).name(), "to", overlay.hosts().get(j).name()));
      }
    }
    List<Object> networks = new ArrayList<>();
    for (LogicalTopology.Network n : overlay.networks()) {
      networks.add(Map.of("name", n.name(), "vni", n.vni(), "subnet", n.subnet().toString()));
    }
    List<Object> routers = new ArrayList<>();
    for (LogicalTopology.Router r : overlay.routers()) {
      routers.add(Map.of("name", r.name(), "networks", r.networks()));
    }
    List<Object> endpoints = new ArrayList<>();
    for (LogicalTopology.Endpoint e : overlay.endpoints()) {
      endpoints.add(Map.of("name", e.name(), "network", e.network(), "host", e.host(), "port", e.port(),
          "ip", io.switchboard.config.Ipv4.format(e.ip())));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bridges", bridges);
    m.put("hosts", hosts);
    m.put("tunnels", tunnels);
    m.put("networks", networks);
    m.put("routers", routers);
    m.put("endpoints", endpoints);
    return m;
  }

  private static boolean names(LogicalTopology.Host h, SwitchSession s) {
    return h.bridge().equals(s.name()) || Values.parseDpid(h.bridge()) == s.dpid();
  }
}
