package io.switchboard.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol with the JDK's WebSocket client: open a page,
 * evaluate JavaScript in it, take screenshots. Installed with apt-get when missing (as OVS is). Every request but
 * loopback goes to a dead proxy, so the browser reaches nothing beyond this machine.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");

  private final Process process;
  private final Path profile;
  private final WebSocket page;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, WebSocket page) {
    this.process = process;
    this.profile = profile;
    this.page = page;
  }

  public static void ensureInstalled() throws Exception {
    if (new ProcessBuilder("sh", "-c", "command -v chromium").start().waitFor() != 0) {
      Process p = new ProcessBuilder("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
          + "--no-install-recommends chromium").inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("apt-get install chromium failed");
      }
    }
  }

  public static HeadlessChromium start() throws Exception {
    ensureInstalled();
    Path profile = Files.createTempDirectory("sv-chromium-");
    Process p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile,
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
        "--proxy-server=http://127.0.0.1:9", "--window-size=1280,900", "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    int port = -1;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    StringBuilder said = new StringBuilder();
    String line;
    while (port < 0 && System.nanoTime() < end && (line = err.readLine()) != null) {
      said.append(line).append('\n');
      Matcher m = DEVTOOLS.matcher(line);
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      }
    }
    if (port < 0) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not start its DevTools endpoint:\n" + said);
    }
    Thread drain = new Thread(() -> {
      try {
        while (err.readLine() != null) {
          // keep its stderr from filling up
        }
      } catch (IOException e) {
        // closed
      }
    }, "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    HttpClient http = HttpClient.newHttpClient();
    String target = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
    String ws = JSON.readTree(target).get("webSocketDebuggerUrl").asText();
    HeadlessChromium[] self = new HeadlessChromium[1];
    StringBuilder frame = new StringBuilder();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        frame.append(data);
        if (last) {
          String msg = frame.toString();
          frame.setLength(0);
          self[0].onMessage(msg);
        }
        w.request(1);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(p, profile, socket);
    return self[0];
  }

  private void onMessage(String text) {
    try {
      JsonNode m = JSON.readTree(text);
      if (m.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
        if (f != null) {
          if (m.has("error")) {
            f.completeExceptionally(new IllegalStateException(m.get("error").toString()));
          } else {
            f.complete(m.get("result"));
          }
        }
      }
    } catch (IOException e) {
      // not JSON: ignored
    }
  }

  public JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    page.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    return f.get(30, TimeUnit.SECONDS);
  }

  public void navigate(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
  }

  /** The value of a JavaScript expression in the page (null while the page has none, e.g. during a load). */
  public JsonNode eval(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      return null;
    }
    return r.path("result").get("value");
  }

  /** Waits until the expression's value satisfies the condition; returns that value. */
  public JsonNode await(String what, Duration timeout, String expression, Predicate<JsonNode> ok) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    JsonNode v = null;
    while (System.nanoTime() < end) {
      v = eval(expression);
      if (v != null && ok.test(v)) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what + "; last value of " + expression + ": " + v
        + "\nthe page: " + eval("location.href + '\\n' + document.body.innerText"));
  }

  public void screenshot(Path png) throws Exception {
    JsonNode r = call("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(r.get("data").asText()));
  }

  @Override
  public void close() throws Exception {
    page.abort();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    // chromium's helper processes may still write to the profile as they stop (a walk then meets a file that was
    // gone by the time it was read: an UncheckedIOException from the stream): a few tries, then leave the rest
    for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
      try (Stream<Path> all = Files.walk(profile)) {
        for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        Thread.sleep(200);
      }
    }
  }
}
