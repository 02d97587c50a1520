package io.switchboard.controller.core;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps: every one found, the enabled ones in config order, and each one's {@link AppContext}. Starting,
 * stopping and asking an app for its flows happen here, each failure of an app logged and contained.
 */
final class AppRegistry {
  private static final Logger log = LoggerFactory.getLogger(AppRegistry.class);

  private final Map<String, ControllerApp> available = new LinkedHashMap<>();
  private final Map<String, CoreAppContext> contexts = new ConcurrentHashMap<>();
  private final Function<ControllerApp, CoreAppContext> newContext;
  private volatile List<ControllerApp> enabled = List.of();

  AppRegistry(Collection<ControllerApp> apps, Function<ControllerApp, CoreAppContext> newContext) {
    for (ControllerApp a : apps) {
      available.put(a.name(), a);
    }
    this.newContext = newContext;
  }

  Collection<ControllerApp> available() {
    return available.values();
  }

  Set<String> names() {
    return available.keySet();
  }

  /** An app by name, enabled or not; null when there is none. */
  ControllerApp get(String name) {
    return available.get(name);
  }

  /** The enabled apps in config order (an immutable list, replaced as a whole). */
  List<ControllerApp> enabled() {
    return enabled;
  }

  boolean isEnabled(ControllerApp app) {
    return enabled.contains(app);
  }

  /** The context of an enabled app (the packet-in path reads it per app and packet). */
  AppContext context(String app) {
    return contexts.get(app);
  }

  /** Starts the apps the config enables, in its order; throws on an unknown name before starting any. */
  void enable(SwitchboardConfig cfg) {
    List<ControllerApp> list = new ArrayList<>();
    for (String name : cfg.apps()) {
      ControllerApp app = available.get(name);
      if (app == null) {
        throw new IllegalArgumentException("unknown app '" + name + "'; available: " + available.keySet());
      }
      list.add(app);
    }
    for (ControllerApp app : list) {
      CoreAppContext ctx = contexts.computeIfAbsent(app.name(), n -> newContext.apply(app));
      app.start(ctx);
      log.info("app {} enabled", app.name());
    }
    enabled = List.copyOf(list);
  }

  /** Stops every enabled app; a failure is logged and the others still stop. */
  void stopAll() {
    for (ControllerApp app : enabled) {
      try {
        app.stop();
      } catch (RuntimeException e) {
        log.warn("app {} failed to stop", app.name(), e);
      }
    }
  }

  /** Runs a hook of every enabled app for one bridge; an app that fails is logged and the others still run. */
  void each(String dpidText, String what, Consumer<ControllerApp> hook) {
    for (ControllerApp app : enabled) {
      try {
        hook.accept(app);
      } catch (RuntimeException e) {
        log.error("switch {}: app {} failed on {}", dpidText, app.name(), what, e);
      }
    }
  }

  /** A departed bridge: its per-bridge app event counters go. */
  void forget(long dpid) {
    contexts.values().forEach(c -> c.forget(dpid));
  }

  /** The app that owns a cookie, or null. */
  String appOf(long cookie) {
    int id = Cookies.appIdOf(cookie);
    if (id == Cookies.appId(Cookies.CORE)) {
      return Cookies.CORE;
    }
    for (String name : available.keySet()) {
      if (Cookies.appId(name) == id) {
        return name;
      }
    }
    return null;
  }

  /** An app's entries for a bridge, or null when it failed (its previous entries are then kept). */
  static List<FlowEntry> compute(ControllerApp app, SwitchView view) {
    List<FlowEntry> out = new ArrayList<>();
    try {
      app.desiredFlows(view, out::add);
      return out;
    } catch (RuntimeException e) {
      log.error("switch {}: app {} failed to compute its flows; keeping the previous ones",
          Values.dpid(view.dpid()), app.name(), e);
      return null;
    }
  }
}
