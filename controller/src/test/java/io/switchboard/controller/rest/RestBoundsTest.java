package io.switchboard.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.core.Metrics;
import io.switchboard.controller.spi.ApiException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pieces behind the REST protections: rate-limited refusal logs, echo clipping, host names, JSON bounds. */
class RestBoundsTest {

  @Test
  void aRefusalIsLoggedOncePerClientAndReasonPerInterval() {
    Metrics metrics = new Metrics();
    AtomicLong now = new AtomicLong(0);
    Rejections r = new Rejections(metrics, 1_000, now::get);
    assertTrue(r.reject("token", "10.0.0.1", "POST /x", "no token"));
    for (int i = 0; i < 1000; i++) {
      assertFalse(r.reject("token", "10.0.0.1", "POST /x", "no token"), "a flood is not logged");
    }
    assertTrue(r.reject("host", "10.0.0.1", "GET /x", "bad host"), "another reason is another line");
    assertTrue(r.reject("token", "10.0.0.2", "POST /x", "no token"), "another client is another line");
    now.set(1_001);
    assertTrue(r.reject("token", "10.0.0.1", "POST /x", "no token"), "the next interval logs again");
    assertEquals(1003, metrics.counter(Rejections.METRIC, "reason", "token"), "every one is counted");
  }

  @Test
  void theTableOfOffendersIsBounded() {
    Metrics metrics = new Metrics();
    AtomicLong now = new AtomicLong(0);
    Rejections r = new Rejections(metrics, 1_000, now::get);
    int logged = 0;
    for (int i = 0; i < Rejections.MAX_OFFENDERS * 3; i++) {
      logged += r.reject("origin", "client-" + i, "POST /x", "evil") ? 1 : 0;
    }
    assertEquals(Rejections.MAX_OFFENDERS, logged, "past the bound, new offenders are counted, not logged");
    assertEquals(Rejections.MAX_OFFENDERS * 3L, metrics.counter(Rejections.METRIC, "reason", "origin"));
    now.set(2_000);
    assertTrue(r.reject("origin", "client-new", "POST /x", "evil"), "the table empties with the interval");
  }

  @Test
  void errorMessagesRepeatAtMost120CharactersOfInput() {
    String longWord = "x".repeat(5000);
    String m = Json.safeMessage("name: expected a name, got '" + longWord + "'");
    assertTrue(m.startsWith("name: expected a name, got 'x"), m);
    assertTrue(m.contains("x".repeat(120) + "…"), m);
    assertFalse(m.contains("x".repeat(121)));
    String spaced = Json.safeMessage("got \"" + "a b ".repeat(2000) + "\" there");
    assertTrue(spaced.length() < 200 && spaced.endsWith("\" there"), spaced);
    assertTrue(Json.safeMessage("w ".repeat(5000)).length() <= 4001, "the whole message is bounded too");
    assertEquals("no acl/rules item named 'web' (see GET /api/v1/acl/rules)",
        Json.safeMessage("no acl/rules item named 'web' (see GET /api/v1/acl/rules)"), "short ones unchanged");
    assertEquals("y".repeat(120) + "…", Json.clip("y".repeat(121)));
  }

  @Test
  void jsonBoundsAreFourHundreds() {
    Json.BadJson deep = assertThrows(Json.BadJson.class, () -> Json.readObject("{\"a\":".repeat(65) + "1"
        + "}".repeat(65)));
    assertEquals("json-depth", deep.reason());
    assertEquals(400, deep.status());
    Json.readObject("{\"a\":".repeat(64) + "1" + "}".repeat(64));
    Json.BadJson dup = assertThrows(Json.BadJson.class, () -> Json.readObject("{\"a\": 1, \"a\": 2}"));
    assertEquals("json-duplicate-key", dup.reason());
    assertTrue(dup.getMessage().contains("'a'"), dup.getMessage());
    ApiException bad = assertThrows(ApiException.class, () -> Json.readObject("{\"a\": "));
    assertTrue(bad.getMessage().startsWith("malformed JSON"), bad.getMessage());
  }

  @Test
  void anUnusableTokenFileIsAClearError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path shortOne = dir.resolve("short");
    java.nio.file.Files.writeString(shortOne, "secret\n");
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> RestToken.loadOrCreate(shortOne));
    assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
    java.nio.file.Files.writeString(dir.resolve("mine"), "  a-token-of-my-own-choosing \n");
    assertTrue(RestToken.loadOrCreate(dir.resolve("mine")).matches("a-token-of-my-own-choosing"));
    assertFalse(RestToken.loadOrCreate(dir.resolve("mine")).matches("a-token-of-my-own-choosin"));
    java.nio.file.Path nested = dir.resolve("sub/dir/token");
    RestToken made = RestToken.loadOrCreate(nested);
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(nested.getParent())), "a directory it makes is private");
    assertTrue(made.matches(java.nio.file.Files.readString(nested).trim()));
    assertThrows(java.io.IOException.class, () -> RestToken.loadOrCreate(shortOne.resolve("under-a-file")));
  }

  @Test
  void hostNamesOfALoopbackListener() {
    AllowedHosts h = new AllowedHosts("127.0.0.1", 8080, false, List.of());
    assertTrue(h.allowsHost("127.0.0.1:8080"));
    assertTrue(h.allowsHost("localhost:8080"));
    assertTrue(h.allowsHost("[::1]:8080"));
    assertFalse(h.allowsHost("localhost"), "port 80 is not this listener's");
    assertFalse(h.allowsHost("evil.example:8080"));
    assertFalse(h.allowsHost("127.0.0.1.evil.example:8080"));
    assertTrue(h.allowsOrigin("http://localhost:8080"));
    assertFalse(h.allowsOrigin("https://localhost:8080"), "another scheme");
    assertFalse(h.allowsOrigin("null"));
    assertFalse(h.allowsOrigin("http://evil.example"));
  }

  @Test
  void allowedHostsAddNamesAndStarAllowsAny() {
    AllowedHosts h = new AllowedHosts("127.0.0.1", 8443, true, List.of("ctl.example.net", "proxy.example.net:443"));
    assertTrue(h.allowsHost("ctl.example.net:8443"), "without a port: the listen port");
    assertTrue(h.allowsHost("proxy.example.net"), "https without a port is 443");
    assertTrue(h.allowsOrigin("https://proxy.example.net"));
    assertFalse(h.allowsHost("ctl.example.net:443"));
    AllowedHosts any = new AllowedHosts("127.0.0.1", 8080, false, List.of("*"));
    assertTrue(any.allowsHost("anything.example:1"));
  }

  @Test
  void ipv6IsComparedAsBrowsersWriteIt() {
    assertEquals("::1", AllowedHosts.compress("0:0:0:0:0:0:0:1"));
    assertEquals("fe80::1:2", AllowedHosts.compress("fe80:0:0:0:0:0:1:2"));
    assertEquals("2001:db8::", AllowedHosts.compress("2001:db8:0:0:0:0:0:0"));
    assertEquals("2001:db8:1:0:1::", AllowedHosts.compress("2001:db8:1:0:1:0:0:0"));
    AllowedHosts h = new AllowedHosts("::1", 8080, false, List.of());
    assertTrue(h.allowsHost("[::1]:8080"));
    assertTrue(h.allowsHost("localhost:8080"));
  }
}
