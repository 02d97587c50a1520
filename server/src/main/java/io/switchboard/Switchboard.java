package io.switchboard;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.core.Controller;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.Map;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** One running controller instance: config, OpenFlow runtime, apps and REST API, wired together. */
public final class Switchboard implements AutoCloseable {
  private final Controller controller;
  private final RestServer rest;
  private final InetSocketAddress openflowAddress;
  private final InetSocketAddress restAddress;
  private ConfigService configs;
  private ClusterNode node;

  private Switchboard(Controller controller, RestServer rest, InetSocketAddress of, InetSocketAddress ra) {
    this.controller = controller;
    this.rest = rest;
    this.openflowAddress = of;
    this.restAddress = ra;
  }

  /** Every app on the class path (found with ServiceLoader). */
  public static List<ControllerApp> discoverApps() {
    List<ControllerApp> apps = new ArrayList<>();
    ServiceLoader.load(ControllerApp.class).forEach(apps::add);
    return apps;
  }

  public static Switchboard start(SwitchboardConfig config) throws Exception {
    return start(config, null);
  }

  /** {@code file}: where the config came from (for reload), or null for the built-in default. */
  public static Switchboard start(SwitchboardConfig config, Path file) throws Exception {
    return start(config, file, discoverApps());
  }

  public static Switchboard start(SwitchboardConfig config, Path file, List<ControllerApp> apps) throws Exception {
    Warmup.maybeRun(config); // before anything listens: the JIT compiles the packet-in path first
    ClusterNode node = config.cluster().enabled() ? ClusterNode.start(config.cluster()) : null;
    StoreFactory stores = node != null ? node.stores() : new InMemoryStoreFactory();
    Mastership mastership = node != null ? node.mastership() : Mastership.STANDALONE;
    Controller controller = new Controller(config, apps, stores, mastership);
    RestServer rest = null;
    try {
      InetSocketAddress of = controller.start();
      rest = new RestServer(controller);
      if (node != null) {
        ClusterNode n = node;
        rest.route(HttpMethod.GET, "/cluster", r -> n.describe());
        rest.healthExtra("cluster", n::health);
      } else {
        Map<String, Object> standalone = new java.util.LinkedHashMap<>();
        standalone.put("enabled", false);
        standalone.put("members", List.of(Map.of("address", "local", "local", true)));
        standalone.put("note", "standalone: this instance masters every bridge (cluster.enabled: false)");
        rest.route(HttpMethod.GET, "/cluster", r -> standalone);
      }
      ConfigService configs = new ConfigService(controller, file);
      rest.route(HttpMethod.GET, "/config", r -> configs.running());
      rest.route(HttpMethod.POST, "/config/reload", r -> configs.reload());
      rest.route(HttpMethod.POST, "/config/plan", java.util.Set.of("application/json", "application/yaml",
          "application/x-yaml"), r -> configs.plan(r.body()));
      rest.healthExtra("config", configs::status);
      InetSocketAddress ra = rest.start(config.rest().listen().host(), config.rest().listen().port());
      Switchboard sb = new Switchboard(controller, rest, of, ra);
      sb.configs = configs;
      sb.node = node;
      return sb;
    } catch (Exception | Error e) {
      if (rest != null) {
        rest.close();
      }
      controller.close();
      if (node != null) {
        node.close();
      }
      throw e;
    }
  }

  public ConfigService configs() {
    return configs;
  }

  public Controller controller() {
    return controller;
  }

  public RestServer rest() {
    return rest;
  }

  public int openflowPort() {
    return openflowAddress.getPort();
  }

  public int restPort() {
    return restAddress.getPort();
  }

  public String restBase() {
    String host = restAddress.getHostString();
    return (controller.config().rest().tls() != null ? "https" : "http") + "://"
        + (host.contains(":") ? "[" + host + "]" : host) + ":" + restAddress.getPort() + RestServer.BASE;
  }

  /** The file holding the REST API's bearer token. */
  public Path restTokenFile() {
    return rest.tokenFile();
  }

  @Override
  public void close() {
    rest.close();
    controller.close();
    if (node != null) {
      node.close();
    }
  }
}
