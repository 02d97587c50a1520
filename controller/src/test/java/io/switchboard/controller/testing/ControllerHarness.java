package io.switchboard.controller.testing;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.HostPort;
import io.switchboard.config.RestSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A controller in the test's JVM: OpenFlow and REST on ephemeral loopback ports, the given apps, a config from
 * YAML. For end-to-end tests with the testbed: {@code bridge.setController(harness.openflowPort())}.
 */
public final class ControllerHarness implements AutoCloseable {
  private final Controller controller;
  private final RestServer rest;
  private final int openflowPort;
  private final int restPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Path tokenDir;
  private final String token;

  private ControllerHarness(Controller controller, RestServer rest, int openflowPort, int restPort, Path tokenDir)
      throws java.io.IOException {
    this.controller = controller;
    this.rest = rest;
    this.openflowPort = openflowPort;
    this.restPort = restPort;
    this.tokenDir = tokenDir;
    this.token = Files.readString(rest.tokenFile()).trim();
  }

  /**
   * Starts with the YAML config (its listen addresses are replaced by ephemeral loopback ports, its REST token file
   * by a temporary one that {@link #post} and {@link #delete} send).
   */
  public static ControllerHarness start(String yaml, ControllerApp... apps) throws Exception {
    return start(yaml, 0, new InMemoryStoreFactory(), Mastership.STANDALONE, apps);
  }

  /** Starts on a given OpenFlow port (0 = ephemeral), e.g. to restart a controller where switches expect it. */
  public static ControllerHarness start(String yaml, int openflowPort, StoreFactory stores, Mastership mastership,
                                        ControllerApp... apps) throws Exception {
    Set<String> names = new java.util.HashSet<>();
    for (ControllerApp a : apps) {
      names.add(a.name());
    }
    SwitchboardConfig parsed = ConfigLoader.parse(yaml, "test.yaml", names);
    Path tokenDir = Files.createTempDirectory("sb-rest-token");
    RestSettings restSettings = parsed.rest().withListen(new HostPort("127.0.0.1", 0))
        .withTokenFile(tokenDir.resolve("rest-token"));
    SwitchboardConfig cfg = new SwitchboardConfig(
        parsed.openflow().withListen(new HostPort("127.0.0.1", openflowPort),
            parsed.openflow().tlsListen().map(t -> new HostPort("127.0.0.1", 0))),
        restSettings, parsed.cluster(), parsed.apps(), parsed.bridges(),
        parsed.reconcile(), parsed.sections(), parsed.source());
    Controller c = new Controller(cfg, List.of(apps), stores, mastership);
    int of = c.start().getPort();
    RestServer rest = new RestServer(c);
    int rp = rest.start("127.0.0.1", 0).getPort();
    return new ControllerHarness(c, rest, of, rp, tokenDir);
  }

  public Controller controller() {
    return controller;
  }

  public RestServer rest() {
    return rest;
  }

  public int openflowPort() {
    return openflowPort;
  }

  /** The port of the TLS listener (openflow.tls: listen itself, or tls-listen), or -1. */
  public int openflowTlsPort() {
    var a = controller.openflowTlsAddress();
    return a == null ? -1 : a.getPort();
  }

  public String restBase() {
    return "http://127.0.0.1:" + restPort + RestServer.BASE;
  }

  public String url(String path) {
    return path.startsWith("/metrics") ? "http://127.0.0.1:" + restPort + path : restBase() + path;
  }

  /** A REST answer: status and body. */
  public record Response(int status, String body) {}

  public Response get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
  }

  /** POSTs JSON with the REST token, as the CLI does. */
  public Response post(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url(path))).header("content-type", "application/json")
        .header("authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** PUTs with the REST token. */
  public Response put(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url(path))).header("content-type", "application/json")
        .header("authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** DELETEs with the REST token. */
  public Response delete(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url(path))).header("authorization", "Bearer " + token).DELETE());
  }

  /** The bearer token of this controller's REST API (generated in a temporary file). */
  public String token() {
    return token;
  }

  public Response send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  /** Points the bridges at this controller and waits until each is connected and reconciled. */
  public void connect(io.switchboard.testbed.Bridge... bridges) throws InterruptedException {
    for (io.switchboard.testbed.Bridge b : bridges) {
      b.setController(openflowPort);
    }
    for (io.switchboard.testbed.Bridge b : bridges) {
      awaitSwitch(io.switchboard.controller.spi.Values.dpid(b.dpid()), Duration.ofSeconds(20));
    }
  }

  /** Waits until a bridge of that name (or dpid) is connected and its first reconciliation is done. */
  public SwitchSession awaitSwitch(String name, Duration timeout) throws InterruptedException {
    awaitTrue("bridge " + name + " connected and reconciled", timeout, () -> controller.session(name)
        .map(s -> s.programmer() != null && s.programmer().synced()).orElse(false));
    return controller.session(name).orElseThrow();
  }

  public static void awaitTrue(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
  }

  @Override
  public void close() {
    rest.close();
    controller.close();
    try {
      Files.deleteIfExists(tokenDir.resolve("rest-token"));
      Files.deleteIfExists(tokenDir);
    } catch (java.io.IOException e) {
      // a temporary directory left behind
    }
  }
}
