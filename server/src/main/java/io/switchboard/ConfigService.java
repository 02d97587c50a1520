package io.switchboard;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.core.ConfigPlanner;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.rest.FlowViews;
import io.switchboard.controller.spi.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload and plan. A new config is validated whole before anything happens; a bad one changes nothing (the
 * running config and every flow stay) and its errors are kept for /health and the metrics. A good one is applied
 * to the running controller, which sends each switch only the difference. Listener addresses and cluster
 * settings need a restart: the reload says so and applies the rest.
 */
public final class ConfigService {
  private static final Logger log = LoggerFactory.getLogger(ConfigService.class);

  private final Controller controller;
  private final ConfigPlanner planner;
  private final Path file;
  private volatile String lastError;
  private volatile Instant lastReload;
  private volatile boolean lastOk = true;
  /** The text of the file as last applied (at start or by a reload), or null: not known. */
  private volatile String appliedText;
  private volatile Instant appliedAt = Instant.now();
  private volatile List<String> appliedNeedsRestart = List.of();

  public ConfigService(Controller controller, Path file) {
    this.controller = controller;
    this.file = file;
    this.appliedText = file == null ? null : readText(file); // what the controller was just started with
    this.planner = new ConfigPlanner(controller, Switchboard::discoverApps, controller.stores());
    controller.metrics().describe("switchboard_config_reloads_total", "Config reloads by result");
    controller.metrics().gauge("switchboard_config_last_reload_ok", () -> lastOk ? 1.0 : 0.0);
  }

  public Path file() {
    return file;
  }

  /** For GET /health. */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file == null ? null : file.toString());
    m.put("last-reload", lastReload == null ? null : lastReload.toString());
    m.put("last-reload-ok", lastOk);
    m.put("last-reload-error", lastError);
    return m;
  }

  /**
   * For GET /config: the running config's text, as the file read when it was last applied, with secrets taken out
   * ({@link RunningConfigText}); keys that need a restart to take effect are listed.
   */
  public Map<String, Object> running() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file == null ? null : file.toString());
    m.put("applied", appliedAt.toString());
    String text = appliedText;
    if (file == null) {
      m.put("text", null);
      m.put("note", "the built-in defaults (no config file): docs/operations.md lists them; GET /apps shows the "
          + "apps that run");
    } else if (text == null) {
      m.put("text", null);
      m.put("note", "the file could not be read when it was applied");
    } else {
      m.put("text", RunningConfigText.redact(text));
    }
    m.put("restart-required", appliedNeedsRestart);
    return m;
  }

  /** The file's text, or null when it cannot be read or is over the size limit (the loader then says why). */
  private static String readText(Path file) {
    try {
      if (Files.size(file) > ConfigLoader.MAX_CONFIG_BYTES) {
        return null;
      }
      return Files.readString(file);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return null;
    }
  }

  /** Reads the config file again and applies it. */
  public synchronized Map<String, Object> reload() {
    if (file == null) {
      throw new ApiException(409, "this controller runs the built-in default config; start it with --config FILE "
          + "to reload");
    }
    lastReload = Instant.now();
    SwitchboardConfig next;
    String text = readText(file);
    try {
      // the text read once, so that what GET /config shows is what was applied
      next = text != null ? ConfigLoader.parse(text, file.toString()) : ConfigLoader.load(file);
    } catch (ConfigException e) {
      lastOk = false;
      lastError = e.getMessage();
      controller.metrics().inc("switchboard_config_reloads_total", "result", "rejected");
      log.error("config reload rejected; the running config stays:\n{}", e.getMessage());
      throw new ApiException(400, "config rejected, nothing changed:\n" + e.getMessage());
    }
    SwitchboardConfig running = controller.config();
    List<String> restart = restartNeeded(running, next);
    SwitchboardConfig applied = new SwitchboardConfig(running.openflow(), running.rest(), running.cluster(),
        next.apps(), next.bridges(), next.reconcile(), next.sections(),
        next.source());
    Map<String, Object> plan = planJson(applied);
    controller.applyConfig(applied);
    appliedText = text;
    appliedAt = lastReload;
    appliedNeedsRestart = List.copyOf(restart);
    lastOk = true;
    lastError = null;
    controller.metrics().inc("switchboard_config_reloads_total", "result", "applied");
    log.info("config reloaded from {}{}", file, restart.isEmpty() ? "" : "; needs a restart to change: "
        + String.join(", ", restart));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("applied", true);
    m.put("restart-required", restart);
    m.put("changes", plan.get("bridges"));
    return m;
  }

  /** What a config would change, per bridge, without applying it. */
  public Map<String, Object> plan(String yamlText) {
    SwitchboardConfig next;
    try {
      if (yamlText == null || yamlText.isBlank()) {
        if (file == null) {
          throw new ApiException(400, "send the new config (YAML) as the request body");
        }
        next = ConfigLoader.load(file);
      } else {
        next = ConfigLoader.parse(yamlText, "request body");
      }
    } catch (ConfigException e) {
      throw new ApiException(400, "config rejected:\n" + e.getMessage());
    }
    Map<String, Object> m = planJson(next);
    m.put("restart-required", restartNeeded(controller.config(), next));
    return m;
  }

  private Map<String, Object> planJson(SwitchboardConfig next) {
    List<ConfigPlanner.BridgePlan> plans;
    try {
      plans = planner.plan(next);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, e.getMessage());
    } catch (Exception e) {
      throw new IllegalStateException("planning failed: " + e, e);
    }
    List<Object> bridges = new ArrayList<>();
    for (ConfigPlanner.BridgePlan p : plans) {
      SwitchSession s = p.session();
      FlowViews views = new FlowViews(controller);
      List<Object> add = new ArrayList<>();
      List<Object> modify = new ArrayList<>();
      List<Object> delete = new ArrayList<>();
      for (FlowOp op : p.ops()) {
        if (op instanceof FlowOp.Add a) {
          DesiredFlow old = p.current().get(a.key());
          if (old != null) {
            // a replacement (cookie or timeout changed) reads as a modification to people
            modify.add(views.desired(s, a.flow()));
          } else {
            add.add(views.desired(s, a.flow()));
          }
        } else if (op instanceof FlowOp.Modify mo) {
          modify.add(views.desired(s, mo.flow()));
        } else if (!isReplaced(op, p.ops())) {
          delete.add(views.desired(s, Objects.requireNonNull(p.current().get(op.key()))));
        }
      }
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("bridge", s.name());
      b.put("dpid", s.dpidText());
      b.put("add", add);
      b.put("modify", modify);
      b.put("delete", delete);
      b.put("conflict-count", p.conflicts().size());
      b.put("conflicts", p.conflicts().stream().limit(FlowViews.CONFLICTS_SHOWN).map(c -> FlowViews.conflict(s, c))
          .toList());
      bridges.add(b);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bridges", bridges);
    return m;
  }

  private static boolean isReplaced(FlowOp delete, List<FlowOp> ops) {
    return ops.stream().anyMatch(o -> o instanceof FlowOp.Add a && a.key().equals(delete.key()));
  }

  static List<String> restartNeeded(SwitchboardConfig running, SwitchboardConfig next) {
    List<String> keys = new ArrayList<>();
    if (!running.openflow().listen().equals(next.openflow().listen())) {
      keys.add("openflow.listen");
    }
    if (!running.openflow().tls().equals(next.openflow().tls())) {
      keys.add("openflow.tls");
    }
    if (!running.openflow().tlsListen().equals(next.openflow().tlsListen())) {
      keys.add("openflow.tls-listen");
    }
    if (!running.openflow().echoInterval().equals(next.openflow().echoInterval())) {
      keys.add("openflow.echo-interval");
    }
    if (!running.rest().listen().equals(next.rest().listen())) {
      keys.add("rest.listen");
    }
    if (!running.rest().tokenFile().equals(next.rest().tokenFile())) {
      keys.add("rest.token-file");
    }
    if (!running.rest().allowedHosts().equals(next.rest().allowedHosts())) {
      keys.add("rest.allowed-hosts");
    }
    if (!java.util.Objects.equals(running.rest().tls(), next.rest().tls())) {
      keys.add("rest.tls");
    }
    if (running.rest().maxBodyBytes() != next.rest().maxBodyBytes()) {
      keys.add("rest.max-body-bytes");
    }
    if (!running.cluster().equals(next.cluster())) {
      keys.add("cluster");
    }
    return keys;
  }

  /** Reloads when the file changes (the {@code --watch} option). */
  public void watch() {
    if (file == null) {
      return;
    }
    Thread t = new Thread(() -> {
      Path dir = file.toAbsolutePath().getParent();
      try (WatchService ws = dir.getFileSystem().newWatchService()) {
        dir.register(ws, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        String lastText = Files.readString(file);
        while (!Thread.currentThread().isInterrupted()) {
          WatchKey key = ws.take();
          key.pollEvents();
          key.reset();
          Thread.sleep(200); // let the editor finish writing
          String text = Files.exists(file) ? Files.readString(file) : lastText;
          if (!text.equals(lastText)) {
            lastText = text;
            log.info("config file {} changed; reloading", file);
            try {
              reload();
            } catch (ApiException e) {
              // already logged
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("watching {} stopped: {}", file, e.toString());
      }
    }, "config-watch");
    t.setDaemon(true);
    t.start();
  }
}
