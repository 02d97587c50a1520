package io.switchboard.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.ControllerHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A resource whose path has a parameter ({@code shelves/:shelf/books}) gets it in list, get, create and delete. */
class RestPathParamsTest {
  static ControllerHarness ctl;
  static final Map<String, List<String>> BOOKS = new ConcurrentHashMap<>();

  static final class ShelvesApp implements ControllerApp {
    @Override
    public String name() {
      return "shelves";
    }

    @Override
    public void desiredFlows(SwitchView sw, FlowSink out) {}

    @Override
    public List<RestResource> resources() {
      return List.of(new RestResource() {
        @Override
        public String path() {
          return "shelves/:shelf/books";
        }

        @Override
        public List<Map<String, Object>> list() {
          throw new ApiException(400, "which shelf?");
        }

        @Override
        public List<Map<String, Object>> list(Map<String, String> params) {
          String shelf = params.get("shelf");
          if (!BOOKS.containsKey(shelf)) {
            throw new ApiException(404, "no shelf " + shelf);
          }
          return BOOKS.get(shelf).stream().map(b -> Map.<String, Object>of("name", b, "shelf", shelf)).toList();
        }

        @Override
        public Optional<Map<String, Object>> get(Map<String, String> params, String name) {
          return list(params).stream().filter(m -> name.equals(m.get("name"))).findFirst();
        }

        @Override
        public Map<String, Object> create(Map<String, String> params, Map<String, Object> body) {
          String name = String.valueOf(body.get("name"));
          BOOKS.computeIfAbsent(params.get("shelf"), k -> new ArrayList<>()).add(name);
          return Map.of("name", name, "shelf", params.get("shelf"));
        }

        @Override
        public boolean delete(Map<String, String> params, String name) {
          return BOOKS.getOrDefault(params.get("shelf"), new ArrayList<>()).remove(name);
        }
      });
    }
  }

  @BeforeAll
  static void start() throws Exception {
    BOOKS.put("a", new ArrayList<>(List.of("dune")));
    ctl = ControllerHarness.start("apps: [shelves]\n", new ShelvesApp());
  }

  @AfterAll
  static void stop() {
    if (ctl != null) {
      ctl.close();
    }
  }

  @Test
  void theParameterReachesEveryMethod() throws Exception {
    var list = ctl.get("/shelves/a/books");
    assertEquals(200, list.status(), list.body());
    String compact = list.body().replaceAll("\\s", "");
    assertTrue(compact.contains("\"name\":\"dune\"") && compact.contains("\"shelf\":\"a\""), list.body());
    assertEquals(404, ctl.get("/shelves/zz/books").status());
    var created = ctl.post("/shelves/b/books", "{\"name\": \"emma\"}");
    assertEquals(201, created.status(), created.body());
    assertEquals(List.of("emma"), BOOKS.get("b"));
    assertEquals(200, ctl.get("/shelves/b/books/emma").status());
    assertEquals(404, ctl.get("/shelves/a/books/emma").status(), "emma is on shelf b");
    assertEquals(404, ctl.delete("/shelves/a/books/emma").status());
    assertEquals(200, ctl.delete("/shelves/b/books/emma").status());
    assertEquals(List.of(), BOOKS.get("b"));
  }
}
