package io.switchboard.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.ControllerHarness;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST API against hostile clients, on a real Vert.x server on 127.0.0.1: requests are written byte by byte on
 * a socket, so that every header (Host, Origin, Content-Type, Authorization) is exactly what an attacker sends.
 */
class RestHostileTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int ITEMS = 2500;
  static ControllerHarness ctl;
  static int port;
  static final List<String> created = new CopyOnWriteArrayList<>();

  /** An app with a large collection: GET lists 2,500 items, POST adds one by name (and echoes a bad one). */
  static final class ItemsApp implements ControllerApp {
    @Override
    public String name() {
      return "items";
    }

    @Override
    public void desiredFlows(SwitchView sw, FlowSink out) {}

    @Override
    public List<RestResource> resources() {
      return List.of(new RestResource() {
        @Override
        public String path() {
          return "items";
        }

        @Override
        public List<Map<String, Object>> list() {
          List<Map<String, Object>> out = new ArrayList<>();
          for (int i = 0; i < ITEMS; i++) {
            out.add(Map.of("name", String.format("item-%04d", i)));
          }
          created.forEach(n -> out.add(Map.of("name", n)));
          return out;
        }

        @Override
        public Map<String, Object> create(Map<String, Object> body) {
          String name = String.valueOf(body.get("name"));
          if (!name.matches("[a-z0-9-]{1,64}")) {
            throw new ApiException(400, "name: expected a short name, got '" + name + "'");
          }
          created.add(name);
          return Map.of("name", name);
        }
      });
    }
  }

  @BeforeAll
  static void start() throws Exception {
    ctl = ControllerHarness.start("""
        apps: [items]
        rest: {max-body-bytes: 8192}
        """, new ItemsApp());
    port = URI.create(ctl.restBase()).getPort();
  }

  @AfterAll
  static void stop() {
    if (ctl != null) {
      ctl.close();
    }
  }

  // ---- a raw HTTP/1.1 client

  record Raw(int status, Map<String, String> headers, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }

    String error() throws Exception {
      return json().path("error").asText();
    }
  }

  /** Sends a request with exactly these headers (plus Content-Length and Connection: close). */
  static Raw raw(String method, String path, Map<String, String> headers, String body) throws Exception {
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", "127.0.0.1:" + port);
    h.putAll(headers);
    h.forEach((k, v) -> {
      if (v != null) {
        req.append(k).append(": ").append(v).append("\r\n");
      }
    });
    if (body != null) {
      req.append("Content-Length: ").append(b.length).append("\r\n");
    }
    req.append("Connection: close\r\n\r\n");
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(b);
      out.flush();
      return parse(s.getInputStream());
    }
  }

  static Raw parse(InputStream in) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
  }

  static Map<String, String> withToken(String... kv) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + ctl.token());
    for (int i = 0; i + 1 < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return h;
  }

  static Map<String, String> headers(String... kv) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return h;
  }

  static long rejected(String reason) throws Exception {
    String metrics = ctl.get("/metrics").body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("switchboard_rest_rejected_total{reason=\"" + reason + "\"}")) {
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  static void assertNoStackTrace(Raw r) {
    assertFalse(r.body().contains("\tat ") || r.body().contains("at io.") || r.body().contains("Exception"),
        "no stack trace or exception in the answer: " + r.body());
  }

  // ---- cross-site requests and the token

  @Test
  void crossSiteFormPostIsRefusedWhateverItCarries() throws Exception {
    String evil = "{\"name\": \"from-evil\"}";
    Raw noToken = raw("POST", "/api/v1/items", headers("Origin", "http://evil.example", "Content-Type",
        "text/plain;charset=UTF-8"), evil);
    assertEquals(401, noToken.status(), noToken.body());
    long before = rejected("origin");
    Raw evilOrigin = raw("POST", "/api/v1/items", withToken("Origin", "http://evil.example",
        "Content-Type", "application/json"), evil);
    assertEquals(403, evilOrigin.status(), "a page elsewhere cannot use a leaked token from a browser");
    assertTrue(evilOrigin.error().contains("Origin 'http://evil.example'"), evilOrigin.body());
    assertEquals(before + 1, rejected("origin"));
    Raw nullOrigin = raw("POST", "/api/v1/items", withToken("Origin", "null", "Content-Type", "application/json"),
        evil);
    assertEquals(403, nullOrigin.status(), "sandboxed pages send Origin: null");
    Raw otherPort = raw("POST", "/api/v1/items", withToken("Origin", "http://127.0.0.1:1", "Content-Type",
        "application/json"), evil);
    assertEquals(403, otherPort.status(), "another port on the same host is another site");
    Raw textPlain = raw("POST", "/api/v1/items", withToken("Content-Type", "text/plain"), evil);
    assertEquals(415, textPlain.status());
    assertTrue(textPlain.error().contains("application/json"), textPlain.body());
    Raw form = raw("POST", "/api/v1/items", withToken("Content-Type", "application/x-www-form-urlencoded"),
        "name=from-evil");
    assertEquals(415, form.status());
    Raw noType = raw("POST", "/api/v1/items", withToken(), evil);
    assertEquals(415, noType.status());
    assertFalse(created.contains("from-evil"), "nothing was created");

    Raw sameOrigin = raw("POST", "/api/v1/items", withToken("Origin", "http://127.0.0.1:" + port,
        "Content-Type", "application/json; charset=utf-8"), "{\"name\": \"same-origin\"}");
    assertEquals(201, sameOrigin.status(), sameOrigin.body());
    Raw localhostOrigin = raw("POST", "/api/v1/items", withToken("Origin", "http://localhost:" + port,
        "Content-Type", "application/json"), "{\"name\": \"localhost-origin\"}");
    assertEquals(201, localhostOrigin.status(), localhostOrigin.body());
  }

  @Test
  void mutationsNeedTheTokenReadsOnLoopbackDoNot() throws Exception {
    long before = rejected("token");
    Raw none = raw("POST", "/api/v1/items", headers("Content-Type", "application/json"), "{\"name\": \"x1\"}");
    assertEquals(401, none.status());
    assertTrue(none.error().contains("Authorization: Bearer"), none.body());
    assertEquals("Bearer realm=\"switchboard\"", none.headers().get("www-authenticate"));
    Raw wrong = raw("POST", "/api/v1/items", headers("Content-Type", "application/json", "Authorization",
        "Bearer " + ctl.token().substring(1) + "x"), "{\"name\": \"x2\"}");
    assertEquals(401, wrong.status());
    assertTrue(wrong.error().contains("wrong bearer token"), wrong.body());
    Raw basic = raw("DELETE", "/api/v1/items/item-0001", headers("Authorization", "Basic " + ctl.token()), null);
    assertEquals(401, basic.status());
    assertEquals(before + 3, rejected("token"));
    assertFalse(created.contains("x1") || created.contains("x2"));

    Raw ok = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json"), "{\"name\": \"x3\"}");
    assertEquals(201, ok.status(), ok.body());
    assertEquals(200, raw("GET", "/api/v1/health", headers(), null).status(), "reads are open on loopback");
  }

  @Test
  void theTokenFileIsGeneratedPrivate() throws Exception {
    var file = ctl.rest().tokenFile();
    assertTrue(Files.exists(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(ctl.token().length() >= 40, "32 random bytes, base64url");
    assertEquals(ctl.token(), RestToken.loadOrCreate(file).matches(ctl.token()) ? ctl.token() : null,
        "read again, the same token");
  }

  @Test
  void readsNeedTheTokenWhenTheListenerIsNotOnLoopback() {
    assertFalse(RestServer.readsNeedToken("127.0.0.1"));
    assertFalse(RestServer.readsNeedToken("::1"));
    assertFalse(RestServer.readsNeedToken("localhost"));
    assertTrue(RestServer.readsNeedToken("0.0.0.0"));
    assertTrue(RestServer.readsNeedToken("::"));
    assertTrue(RestServer.readsNeedToken("192.0.2.10"));
  }

  // ---- DNS rebinding

  @Test
  void aForeignHostHeaderIsRefused() throws Exception {
    long before = rejected("host");
    Raw rebound = raw("GET", "/api/v1/health", headers("Host", "evil.example:" + port), null);
    assertEquals(421, rebound.status());
    assertTrue(rebound.error().contains("Host 'evil.example:" + port + "'"), rebound.body());
    Raw evilMutation = raw("POST", "/api/v1/items", withToken("Host", "evil.example", "Content-Type",
        "application/json"), "{\"name\": \"rebound\"}");
    assertEquals(421, evilMutation.status());
    assertFalse(created.contains("rebound"));
    assertEquals(421, raw("GET", "/api/v1/health", headers("Host", "127.0.0.1:" + (port + 1)), null).status(),
        "the port is part of the name");
    assertEquals(before + 3, rejected("host"));
    for (String good : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
      assertEquals(200, raw("GET", "/api/v1/health", headers("Host", good), null).status(), good);
    }
  }

  // ---- bodies

  @Test
  void jsonNestedAThousandDeepIs400WithoutAStackTrace() throws Exception {
    String deep = "{\"a\": ".repeat(1000) + "1" + "}".repeat(1000);
    long before = rejected("json-depth");
    Raw r = raw("POST", "/api/v1/trace", withToken("Content-Type", "application/json"), deep);
    assertEquals(400, r.status(), r.body());
    assertTrue(r.error().contains("nested more than 64"), r.body());
    assertNoStackTrace(r);
    Raw arrays = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json"),
        "{\"name\": " + "[".repeat(1000) + "]".repeat(1000) + "}");
    assertEquals(400, arrays.status(), arrays.body());
    assertEquals(before + 2, rejected("json-depth"));
    Raw ok = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json"),
        "{\"name\": \"shallow\", \"x\": " + "[".repeat(60) + "]".repeat(60) + "}");
    assertEquals(201, ok.status(), "60 levels are fine: " + ok.body());
  }

  @Test
  void duplicateKeysAre400() throws Exception {
    Raw r = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json"),
        "{\"name\": \"dup-a\", \"name\": \"dup-b\"}");
    assertEquals(400, r.status(), r.body());
    assertTrue(r.error().contains("duplicate key") && r.error().contains("name"), r.body());
    assertFalse(created.contains("dup-a") || created.contains("dup-b"));
    assertEquals(1, rejected("json-duplicate-key"));
  }

  @Test
  void errorsEchoAtMost120CharactersOfInput() throws Exception {
    String longName = "A".repeat(3000);
    Raw r = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json"),
        "{\"name\": \"" + longName + "\"}");
    assertEquals(400, r.status());
    assertTrue(r.error().contains("A".repeat(120) + "…"), r.body());
    assertFalse(r.error().contains("A".repeat(121)), "cut at 120: " + r.error().length() + " chars");
    String spaced = "a ".repeat(1500);
    Raw s = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json"),
        "{\"name\": \"" + spaced + "\"}");
    assertEquals(400, s.status());
    assertTrue(s.error().length() < 300, "a quoted input with spaces is cut too: " + s.error().length());
    Raw path = raw("GET", "/api/v1/items/" + "b".repeat(2000), headers(), null);
    assertEquals(404, path.status());
    assertTrue(path.error().length() < 300, path.body());
    assertEquals(414, raw("GET", "/api/v1/" + "d".repeat(5000), headers(), null).status(), "request line bound");
    assertEquals(431, raw("GET", "/api/v1/health", headers("X-Big", "e".repeat(9000)), null).status(),
        "header bound");
    Raw nowhere = raw("GET", "/api/v1/" + "c".repeat(2000), headers(), null);
    assertEquals(404, nowhere.status());
    assertTrue(nowhere.error().length() < 300, nowhere.body());
  }

  @Test
  void bodiesOverTheLimitAre413() throws Exception {
    long before = rejected("body-size");
    String big = "{\"name\": \"" + "z".repeat(10000) + "\"}";
    Raw r = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json"), big);
    assertEquals(413, r.status(), r.body());
    assertTrue(r.error().contains("8192 bytes (rest.max-body-bytes)"), r.body());
    // chunked: no Content-Length to refuse up front, the body handler stops at the limit
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v1/items HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
          + ctl.token() + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = "z".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      try {
        for (int i = 0; i < 12; i++) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } catch (java.io.IOException closedEarly) {
        // the server may answer and close before the rest is sent
      }
      Raw chunked = parse(s.getInputStream());
      assertEquals(413, chunked.status(), chunked.body());
    }
    Raw absurd = raw("POST", "/api/v1/items", withToken("Content-Type", "application/json", "Content-Length",
        "99999999999999999999"), null);
    assertTrue(absurd.status() == 413 || absurd.status() == 400, absurd.status() + " " + absurd.body());
    assertTrue(rejected("body-size") >= before + 2);
  }

  // ---- methods and parameters

  @Test
  void aWrongMethodOnAnExistingPathIs405WithAllow() throws Exception {
    Raw put = raw("PUT", "/api/v1/items", withToken("Content-Type", "application/json"), "{}");
    assertEquals(405, put.status(), put.body());
    assertEquals("GET, OPTIONS, POST", put.headers().get("allow"));
    Raw del = raw("DELETE", "/api/v1/switches", withToken(), null);
    assertEquals(405, del.status());
    assertEquals("GET, OPTIONS", del.headers().get("allow"));
    Raw getTrace = raw("GET", "/api/v1/trace", headers(), null);
    assertEquals(405, getTrace.status());
    assertEquals("OPTIONS, POST", getTrace.headers().get("allow"));
    Raw item = raw("PATCH", "/api/v1/items/item-0001", withToken(), null);
    assertEquals(405, item.status());
    assertEquals("DELETE, GET, OPTIONS", item.headers().get("allow"));
    Raw options = raw("OPTIONS", "/api/v1/items", headers(), null);
    assertEquals(204, options.status());
    assertEquals("GET, OPTIONS, POST", options.headers().get("allow"));
    assertEquals(404, raw("GET", "/api/v1/nothing-here", headers(), null).status());
    assertTrue(rejected("method") >= 4);
    for (int i = 0; i < 20; i++) {
      Raw madeUp = raw("FROB" + i, "/api/v1/health", headers(), null);
      assertTrue(madeUp.status() == 401 || madeUp.status() == 405 || madeUp.status() == 400,
          madeUp.status() + " " + madeUp.body());
    }
    String metrics = ctl.get("/metrics").body();
    assertFalse(metrics.contains("FROB"), "made-up methods do not each make a metric series");
  }

  @Test
  void outOfRangeQueryNumbersAre400NamingTheParameter() throws Exception {
    Raw table = raw("GET", "/api/v1/switches/ovs0/flows?table=-1", headers(), null);
    assertEquals(400, table.status(), table.body());
    assertTrue(table.error().startsWith("table: "), table.body());
    Raw source = raw("GET", "/api/v1/switches/ovs0/flows?source=both", headers(), null);
    assertEquals(400, source.status());
    assertTrue(source.error().startsWith("source: "), source.body());
    Raw diff = raw("GET", "/api/v1/switches/ovs0/flows?diff=maybe", headers(), null);
    assertTrue(diff.error().startsWith("diff: "), diff.body());
    for (String q : List.of("offset=-1", "offset=x", "offset=99999999999", "limit=0", "limit=10001", "limit=1e3")) {
      Raw r = raw("GET", "/api/v1/items?" + q, headers(), null);
      assertEquals(400, r.status(), q + ": " + r.body());
      assertTrue(r.error().startsWith(q.substring(0, q.indexOf('=')) + ": expected"), r.body());
    }
    assertTrue(rejected("parameter") >= 9);
  }

  // ---- paging

  @Test
  void everyListIsPagedWithTotalAndNextLink() throws Exception {
    Raw first = raw("GET", "/api/v1/items", headers(), null);
    assertEquals(200, first.status());
    JsonNode page = first.json();
    assertTrue(page.isArray(), "still a JSON array");
    assertEquals(1000, page.size(), "the default limit");
    int total = Integer.parseInt(first.headers().get("x-total-count"));
    assertTrue(total >= ITEMS);
    assertEquals("</api/v1/items?offset=1000&limit=1000>; rel=\"next\"", first.headers().get("link"));

    Set<String> seen = new HashSet<>();
    String next = "/api/v1/items?limit=700";
    int pages = 0;
    while (next != null) {
      Raw r = raw("GET", next, headers(), null);
      assertEquals(200, r.status(), r.body());
      r.json().forEach(i -> assertTrue(seen.add(i.path("name").asText()), "no item twice"));
      String link = r.headers().get("link");
      next = link == null ? null : link.substring(1, link.indexOf('>'));
      pages++;
    }
    assertEquals(total, seen.size(), "the pages hold every item once");
    assertEquals((total + 699) / 700, pages);
    Raw last = raw("GET", "/api/v1/items?offset=" + (total - 1) + "&limit=5", headers(), null);
    assertEquals(1, last.json().size());
    assertNull(last.headers().get("link"));
    Raw past = raw("GET", "/api/v1/items?offset=100000", headers(), null);
    assertEquals(0, past.json().size());
    assertEquals(Integer.toString(total), past.headers().get("x-total-count"));
    Raw switches = raw("GET", "/api/v1/switches", headers(), null);
    assertEquals("0", switches.headers().get("x-total-count"), "core lists too");
    Raw health = raw("GET", "/api/v1/health", headers(), null);
    assertNull(health.headers().get("x-total-count"), "an object is not paged");
    Raw kept = raw("GET", "/api/v1/items?limit=2&x=a%20b", headers(), null);
    assertNotNull(kept.headers().get("link"));
    assertTrue(kept.headers().get("link").contains("x=a+b&offset=2&limit=2"), kept.headers().get("link"));
  }
}
