package io.switchboard.apps.overlay;

import io.switchboard.config.ConfigError;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayEndpoints;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.config.Result;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ChangeListeners;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/overlay/endpoints}: every endpoint with where it comes from and whether its port is on its host's
 * bridge; POST adds one (validated like the config file's), DELETE removes one added that way.
 */
final class EndpointResource implements RestResource {
  private final VxlanOverlayApp app;
  private final ChangeListeners listeners = new ChangeListeners();

  EndpointResource(VxlanOverlayApp app) {
    this.app = app;
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** The endpoints were rebuilt (a REST change here or on another instance, a reload, an address given). */
  void changed() {
    listeners.fire();
  }

  @Override
  public String path() {
    return "overlay/endpoints";
  }

  @Override
  public List<Map<String, Object>> list() {
    OverlayTopology topo = app.topology();
    Map<String, SwitchView> bridges = bridgesOfHosts(topo, app.switches());
    List<Map<String, Object>> out = new ArrayList<>();
    for (OverlayEndpoint e : topo.endpoints()) {
      out.add(inForce(topo, e, bridges));
    }
    topo.pending().forEach((name, e) -> out.add(pending(topo, name, e)));
    topo.rejected().forEach((name, r) -> out.add(rejected(topo, name, r)));
    return out;
  }

  /** One endpoint, without listing every other (the answer to a POST, too). */
  @Override
  public Optional<Map<String, Object>> get(String name) {
    OverlayTopology topo = app.topology();
    Optional<OverlayEndpoint> e = topo.endpoint(name);
    if (e.isPresent()) {
      return Optional.of(inForce(topo, e.get(), bridgesOfHosts(topo, app.switches())));
    }
    if (topo.pending().containsKey(name)) {
      return Optional.of(pending(topo, name, topo.pending().get(name)));
    }
    return Optional.ofNullable(topo.rejected().get(name)).map(r -> rejected(topo, name, r));
  }

  private static Map<String, Object> inForce(OverlayTopology topo, OverlayEndpoint e,
      Map<String, SwitchView> bridges) {
    Map<String, Object> m = new LinkedHashMap<>(e.toMap());
    m.put("source", topo.isFromConfig(e.name()) ? "config" : "api");
    dynamic(e, m);
    binding(topo, e, bridges, m);
    return m;
  }

  private Map<String, Object> pending(OverlayTopology topo, String name, OverlayEndpoint e) {
    Map<String, Object> m = new LinkedHashMap<>(e.toMap());
    m.put("source", topo.isFromConfig(name) ? "config" : "api");
    dynamic(e, m);
    m.put("state", "pending");
    m.put("bound", false);
    m.put("reason", app.pendingReasons().getOrDefault(name, "waiting for an address from network " + e.network()));
    return m;
  }

  private static Map<String, Object> rejected(OverlayTopology topo, String name, RuntimeEndpoint r) {
    Map<String, Object> m = new LinkedHashMap<>(r.toMap());
    m.put("source", "api");
    m.put("state", "rejected");
    m.put("bound", false);
    m.put("reason", "not valid with the current config: " + topo.rejectedReason(name));
    return m;
  }

  /** The connected bridge of each overlay host (the first, should two name one host). */
  private static Map<String, SwitchView> bridgesOfHosts(OverlayTopology topo, Collection<SwitchView> switches) {
    Map<String, SwitchView> out = new HashMap<>();
    for (SwitchView sw : switches) {
      topo.hostOf(sw).ifPresent(h -> out.putIfAbsent(h.name(), sw));
    }
    return out;
  }

  /** Which of the addresses were {@code dynamic} (allocated, derived) rather than given. */
  private static void dynamic(OverlayEndpoint e, Map<String, Object> m) {
    m.put("ip-dynamic", e.dynamicIp());
    m.put("mac-dynamic", e.dynamicMac());
  }

  /** bound/ofport/state: is the endpoint's port on its host's (connected) bridge. */
  private static void binding(OverlayTopology topo, OverlayEndpoint e, Map<String, SwitchView> bridges,
      Map<String, Object> m) {
    OverlayHost host = topo.host(e.host()).orElseThrow();
    Optional<SwitchView> sw = Optional.ofNullable(bridges.get(host.name()));
    Optional<PortInfo> port = sw.flatMap(s -> s.port(e.port()));
    m.put("state", port.isPresent() ? "bound" : "unbound");
    m.put("bound", port.isPresent());
    if (port.isPresent()) {
      m.put("ofport", port.get().number());
      m.put("bridge", sw.get().name());
    } else if (sw.isPresent()) {
      m.put("reason", "port " + e.port() + " is not on bridge " + sw.get().name() + " of " + host.name());
    } else {
      m.put("reason", "the bridge of " + host.name() + " (" + host.bridge() + ") is not connected");
    }
  }

  @Override
  public Map<String, Object> create(Map<String, Object> body) {
    OverlayEndpoint added = app.addEndpoint(body);
    return get(added.name()).orElseGet(added::toMap);
  }

  @Override
  public boolean delete(String name) {
    return app.removeEndpoint(name);
  }

  /** 409 when every problem is a clash with what exists (name, IP, MAC or port taken); 400 otherwise. */
  static ApiException rejection(Result<?> result) {
    boolean conflict = result.errors().stream().allMatch(EndpointResource::isConflict);
    return new ApiException(conflict ? 409 : 400, result.errorText());
  }

  private static boolean isConflict(ConfigError e) {
    return e.message().contains(" already ");
  }

  static Result<OverlayEndpoint> validate(Map<String, Object> body, OverlayTopology topo) {
    return OverlayEndpoints.parseEndpoint(body, topo.overlay(), topo.taken());
  }
}
