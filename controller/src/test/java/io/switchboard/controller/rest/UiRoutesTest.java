package io.switchboard.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.controller.testing.ControllerHarness;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import org.junit.jupiter.api.Test;

/**
 * The console's files, its topology JSON, the bound on its event streams, and the {@code changed} events that tell a
 * console which app collection to read again.
 */
class UiRoutesTest {
  static final String CONFIG = """
      apps: []
      overlay:
        hosts:
          - {name: host1, bridge: ovs0, tunnel-ip: 10.99.0.1}
          - {name: host2, bridge: ovs1, tunnel-ip: 10.99.0.2}
          - {name: host3, bridge: ovs2, tunnel-ip: 10.99.0.3}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24}
      """;

  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void filesTopologyAndTheBoundOnEventStreams() throws Exception {
    try (ControllerHarness ctl = ControllerHarness.start(CONFIG)) {
      String root = ctl.restBase().replace(RestServer.BASE, "");
      HttpResponse<String> r = get(root + "/ui");
      assertEquals(302, r.statusCode());
      assertEquals("/ui/", r.headers().firstValue("location").orElse(""));
      r = get(root + "/ui/");
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("<script src=\"/ui/app.js\">"), r.body());
      assertTrue(get(root + "/ui/app.js").headers().firstValue("content-type").orElse("").startsWith(
          "text/javascript"));
      r = get(root + "/ui/nothing.js");
      assertEquals(404, r.statusCode());
      assertTrue(r.body().contains("no such file"), r.body());

      JsonNode topo = new ObjectMapper().readTree(ctl.get("/topology").body());
      assertEquals(3, topo.get("hosts").size());
      assertEquals(3, topo.get("tunnels").size(), "a full mesh between three hosts");
      assertEquals("10.99.0.2", topo.get("hosts").get(1).get("tunnel-ip").asText());
      assertTrue(topo.get("hosts").get(0).get("dpid").isNull(), "not connected");

      List<InputStream> open = new ArrayList<>();
      try {
        for (int i = 0; i < UiRoutes.MAX_STREAMS; i++) {
          HttpResponse<InputStream> s = http.send(HttpRequest.newBuilder(URI.create(ctl.restBase() + "/events"))
              .build(), HttpResponse.BodyHandlers.ofInputStream());
          assertEquals(200, s.statusCode());
          open.add(s.body());
        }
        ControllerHarness.awaitTrue("32 streams counted", Duration.ofSeconds(5),
            () -> metric(ctl, "switchboard_ui_event_streams ").equals("32"));
        r = get(ctl.restBase() + "/events");
        assertEquals(503, r.statusCode());
        assertTrue(r.body().contains("too many open event streams (32)"), r.body());
        assertEquals("1", metric(ctl, "switchboard_ui_event_streams_refused_total "));
        open.remove(0).close();
        ControllerHarness.awaitTrue("a closed stream frees its place", Duration.ofSeconds(10),
            () -> metric(ctl, "switchboard_ui_event_streams ").equals("31"));
        HttpResponse<InputStream> again = http.send(HttpRequest.newBuilder(URI.create(ctl.restBase() + "/events"))
            .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, again.statusCode());
        open.add(again.body());
        byte[] first = again.body().readNBytes(40);
        assertTrue(new String(first).startsWith(": switchboard events"), new String(first));
      } finally {
        for (InputStream s : open) {
          s.close();
        }
      }
    }
  }

  /** An app with a collection that tells of its changes, and one that does not. */
  static final class Things implements ControllerApp {
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public String name() {
      return "things";
    }

    public void desiredFlows(SwitchView sw, FlowSink out) {}

    void change() {
      listeners.forEach(Runnable::run);
    }

    public List<RestResource> resources() {
      return List.of(new RestResource() {
        public String path() {
          return "things";
        }

        public List<Map<String, Object>> list() {
          return List.of();
        }

        public void onChange(Runnable listener) {
          listeners.add(listener);
        }
      }, new RestResource() {
        public String path() {
          return "things/quiet";
        }

        public List<Map<String, Object>> list() {
          return List.of();
        }
      });
    }
  }

  /** The stream's lines, read on their own thread. */
  static BlockingQueue<String> lines(InputStream in) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in,
          java.nio.charset.StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          q.add(line);
        }
      } catch (java.io.IOException e) {
        // closed
      }
    }, "sse-reader");
    t.setDaemon(true);
    t.start();
    return q;
  }

  /** The events (name, data) that arrive within {@code window}. */
  static List<String> events(BlockingQueue<String> q, Duration window) throws InterruptedException {
    List<String> out = new ArrayList<>();
    long end = System.nanoTime() + window.toNanos();
    String event = null;
    for (String line; (line = q.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && event != null) {
        out.add(event + " " + line.substring(6));
        event = null;
      }
    }
    return out;
  }

  @Test
  void aCollectionsChangesReachEveryStreamAsOneChangedEventPerSecond() throws Exception {
    Things things = new Things();
    try (ControllerHarness ctl = ControllerHarness.start("apps: [things]\n", things)) {
      HttpResponse<InputStream> a = http.send(HttpRequest.newBuilder(URI.create(ctl.restBase() + "/events"))
          .build(), HttpResponse.BodyHandlers.ofInputStream());
      HttpResponse<InputStream> b = http.send(HttpRequest.newBuilder(URI.create(ctl.restBase() + "/events"))
          .build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream sa = a.body(); InputStream sb = b.body()) {
        BlockingQueue<String> qa = lines(sa);
        BlockingQueue<String> qb = lines(sb);
        List<String> first = events(qa, Duration.ofMillis(2500));
        assertEquals(1, first.size(), "the topology first, and no change yet: " + first);
        assertTrue(first.get(0).startsWith("topology "), first.toString());
        events(qb, Duration.ofMillis(100));

        for (int i = 0; i < 10_000; i++) { // a burst: say a learning storm
          things.change();
        }
        List<String> got = events(qa, Duration.ofMillis(2500));
        assertEquals(List.of("changed {\"resource\":\"things\"}"), got, "one event for the whole burst");
        assertEquals(got, events(qb, Duration.ofMillis(500)), "every stream is told");

        assertEquals(List.of(), events(qa, Duration.ofMillis(1500)), "nothing more while nothing changes");
        things.change();
        assertEquals(List.of("changed {\"resource\":\"things\"}"), events(qa, Duration.ofMillis(2500)));
      }
    }
  }

  static String metric(ControllerHarness ctl, String prefix) {
    try {
      for (String line : ctl.get("/metrics").body().split("\n")) {
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length()).trim();
        }
      }
      return "";
    } catch (Exception e) {
      return "";
    }
  }
}
