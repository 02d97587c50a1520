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
import org.junit.jupiter.api.Test;

/** The console's files, its topology JSON, and the bound on its event streams. */
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
