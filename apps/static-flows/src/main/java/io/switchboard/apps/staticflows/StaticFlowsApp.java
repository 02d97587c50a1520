package io.switchboard.apps.staticflows;

import io.switchboard.config.AppSection;
import io.switchboard.config.Errors;
import io.switchboard.config.Node;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Flow entries written by hand, as one would with {@code ovs-ofctl add-flow}, but kept by the controller: in the
 * config file ({@code static-flows:}) or added through {@code /api/v1/static-flows} (kept in a shared store, so every
 * controller instance of a cluster has them). The worked example of docs/first-app.md.
 */
public final class StaticFlowsApp implements ControllerApp {
  public static final String NAME = "static-flows";
  /** Flows added through REST: name to the flow as its REST body. */
  static final String STORE = "static-flows";
  /** At most this many flows through REST: the store is fed from outside, so it is bounded. */
  static final int MAX_API_FLOWS = 1000;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StaticFlowsApp.class);

  /** A flow added through REST, as stored (replicated in a cluster): its canonical REST body. */
  record Stored(LinkedHashMap<String, Object> body) implements Serializable {}

  private final StaticFlowsResource resource = new StaticFlowsResource(this);
  private volatile AppContext ctx;
  private volatile List<StaticFlow> flows = List.of();
  /** Stored flows as last parsed, so that a rebuild parses only what changed. */
  private final Map<String, Map.Entry<Stored, Optional<StaticFlow>>> parsed = new java.util.HashMap<>();
  private KeyValueStore<String, Stored> store;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<AppSection<?>> configSection() {
    return Optional.of(StaticFlowsSection.INSTANCE);
  }

  @Override
  public List<RestResource> resources() {
    return List.of(resource);
  }

  @Override
  public synchronized void start(AppContext ctx) {
    this.ctx = ctx;
    KeyValueStore<String, Stored> s = ctx.stores().map(STORE);
    if (s != store) {
      store = s;
      s.addListener((name, flow) -> {
        rebuild();
        this.ctx.recomputeAll();
      });
    }
    rebuild();
  }

  @Override
  public void desiredFlows(SwitchView sw, FlowSink out) {
    for (StaticFlow f : flows) {
      f.entry(sw).ifPresent(out::add);
    }
  }

  @Override
  public String tagKind() {
    return "flow";
  }

  @Override
  public Optional<String> describeTag(long tag) {
    return flows.stream().filter(f -> f.tag() == tag).map(StaticFlow::name).findFirst();
  }

  List<StaticFlow> flows() {
    return flows;
  }

  /** The config's flows, then those added through REST by name; a stored flow that no longer parses is skipped. */
  private synchronized void rebuild() {
    List<StaticFlow> configured = ctx.config().section(StaticFlowsSection.INSTANCE);
    List<StaticFlow> all = new ArrayList<>(configured);
    Set<String> names = configured.stream().map(StaticFlow::name).collect(Collectors.toSet());
    List<Map.Entry<String, Stored>> stored = new ArrayList<>(store.snapshot().entrySet());
    stored.sort(Map.Entry.comparingByKey());
    Set<String> bridges = knownBridges();
    parsed.keySet().retainAll(store.snapshot().keySet());
    for (Map.Entry<String, Stored> e : stored) {
      Map.Entry<Stored, Optional<StaticFlow>> last = parsed.get(e.getKey());
      Optional<StaticFlow> f;
      boolean unchanged = last != null && (last.getKey() == e.getValue() || last.getKey().equals(e.getValue()));
      if (unchanged) {
        f = last.getValue();
      } else {
        Errors errors = new Errors(null);
        f = StaticFlowsSection.parse(Node.fromJava(e.getValue().body()), "", errors, bridges, "api");
        parsed.put(e.getKey(), Map.entry(e.getValue(), f));
        if (f.isEmpty()) {
          log.warn("static flow '{}' added through REST is not used: {}", e.getKey(), errors.list());
        }
      }
      if (f.isPresent() && !names.contains(f.get().name())) {
        all.add(f.get());
      } else if (f.isPresent() && !unchanged) {
        log.warn("static flow '{}' added through REST is not used: the config file has a flow of that name",
            e.getKey());
      }
    }
    flows = List.copyOf(all);
  }

  /** Bridges a flow may name: declared under {@code bridges:}, or connected now. */
  private Set<String> knownBridges() {
    Set<String> out = new LinkedHashSet<>();
    ctx.config().bridges().forEach(b -> out.add(b.bridge()));
    ctx.switches().forEach(s -> out.add(s.name()));
    return out;
  }

  /** POST: 400 with every problem for a bad body, 409 for a name or (bridge, stage, priority, match) taken. */
  synchronized StaticFlow add(Map<String, Object> body) {
    Errors errors = new Errors(null);
    StaticFlow f = StaticFlowsSection.parse(Node.fromJava(body), "", errors, knownBridges(), "api")
        .orElseThrow(() -> new ApiException(400, errors.list().stream().map(Object::toString)
            .collect(Collectors.joining("; "))));
    if (store.snapshot().size() >= MAX_API_FLOWS) {
      throw new ApiException(409, "the API holds at most " + MAX_API_FLOWS + " static flows; delete some first");
    }
    for (StaticFlow other : flows) {
      if (other.name().equals(f.name())) {
        throw new ApiException(409, "a flow named '" + f.name() + "' already exists (" + other.source() + ")");
      }
      if (other.slot().equals(f.slot())) {
        throw new ApiException(409, "flow '" + other.name() + "' has the same bridge, stage, priority and match");
      }
    }
    if (store.putIfAbsent(f.name(), new Stored(new LinkedHashMap<>(f.toMap()))) != null) {
      throw new ApiException(409, "a flow named '" + f.name() + "' already exists (api)");
    }
    rebuild(); // the store's listener rebuilds too, and recomputes every bridge
    return f;
  }

  /** DELETE: only flows added through REST; the file's are changed in the file. */
  synchronized boolean remove(String name) {
    Optional<StaticFlow> f = flows.stream().filter(x -> x.name().equals(name)).findFirst();
    if (f.isPresent() && f.get().source().equals("config")) {
      throw new ApiException(409, "flow '" + name + "' is defined in the config file; remove it there and reload");
    }
    if (store.remove(name) == null) {
      return false;
    }
    rebuild();
    return true;
  }

  /** A flow as REST shows it: its fields, its source and the connected bridges it is installed on. */
  Map<String, Object> view(StaticFlow f) {
    Map<String, Object> m = f.toMap();
    m.put("source", f.source());
    m.put("installed-on", ctx.switches().stream().filter(sw -> f.entry(sw).isPresent()).map(SwitchView::name)
        .sorted(Comparator.naturalOrder()).toList());
    return m;
  }
}
