package io.switchboard.apps.staticflows;

import io.switchboard.config.AppSection;
import io.switchboard.config.Dpid;
import io.switchboard.config.Errors;
import io.switchboard.config.KeyPath;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.PacketMatch;
import io.switchboard.config.SectionContext;
import io.switchboard.config.Suggest;
import io.switchboard.config.Values;
import io.switchboard.controller.spi.Stage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code static-flows:} section, and the parser of one flow that the REST API shares:
 * <pre>
 * static-flows:
 *   flows:
 *     - {name: no-ssh, bridge: ovs0, stage: classify, priority: 500, match: {tcp-dst: 22}}      # drop
 *     - {name: tap, stage: classify, priority: 400, match: {in-port: p1}, output: [p9], continue: true}
 * </pre>
 */
final class StaticFlowsSection implements AppSection<List<StaticFlow>> {
  static final StaticFlowsSection INSTANCE = new StaticFlowsSection();
  static final List<String> KEYS = List.of("name", "bridge", "stage", "priority", "match", "output", "continue");
  static final String FLOW_EXPECTED = "a static flow (a mapping with " + String.join(", ", KEYS) + ")";
  static final List<String> STAGES = Arrays.stream(Stage.values()).map(Stage::label).toList();
  static final String PRIORITY_EXPECTED = "a priority (1-65535, higher wins)";

  private StaticFlowsSection() {}

  @Override
  public String key() {
    return "static-flows";
  }

  @Override
  public List<StaticFlow> defaults() {
    return List.of();
  }

  /** So that a bridge declared as an overlay host is known too (when there is such a section). */
  @Override
  public List<String> after() {
    return List.of("overlay");
  }

  @Override
  public Optional<String> summary(List<StaticFlow> flows) {
    return Optional.of(flows.size() + " static flow" + (flows.size() == 1 ? "" : "s"));
  }

  @Override
  public List<StaticFlow> parse(Node node, String path, SectionContext ctx) {
    MapView m = MapView.of(node, path, ctx.errors(), "the static-flows settings (a mapping with flows)",
        List.of("flows"));
    List<Node> items = m.list("flows", "a list of flows");
    Map<String, Integer> names = new HashMap<>();
    Set<StaticFlow.Slot> slots = new HashSet<>();
    List<StaticFlow> out = new java.util.ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = KeyPath.index(m.pathOf("flows"), i);
      Node item = items.get(i);
      parse(item, itemPath, ctx.errors(), ctx.declared(SectionContext.BRIDGE), "config").ifPresent(f -> {
        Integer first = names.putIfAbsent(f.name(), item.line());
        if (first != null) {
          ctx.errors().add(item.line(), KeyPath.key(itemPath, "name"), "a flow named '" + f.name()
              + "' already exists (line " + first + ")");
        } else if (!slots.add(f.slot())) {
          ctx.errors().add(item.line(), KeyPath.key(itemPath, "priority"), "another flow has the same bridge, "
              + "stage, priority and match; a switch holds only one of them");
        } else {
          out.add(f);
        }
      });
    }
    return List.copyOf(out);
  }

  /** One flow from YAML or a REST body; every problem goes to {@code errors}. */
  static Optional<StaticFlow> parse(Node node, String path, Errors errors, Set<String> bridges, String source) {
    if (Node.isAbsent(node)) {
      errors.add(node == null ? 0 : node.line(), path, "expected " + FLOW_EXPECTED + ", got nothing");
      return Optional.empty();
    }
    int before = errors.size();
    MapView m = MapView.of(node, path, errors, FLOW_EXPECTED, KEYS);
    if (!m.isMapping()) {
      return Optional.empty();
    }
    Optional<String> name = m.required("name", Values.NAME, Values::name);
    Optional<String> bridge = m.optional("bridge", "a bridge name or dpid",
        t -> Values.token(t, "a bridge name or dpid"));
    Set<String> bridgeKeys = bridges.stream().map(Dpid::bridgeKey).collect(Collectors.toSet());
    bridge.filter(b -> !bridgeKeys.contains(Dpid.bridgeKey(b))).ifPresent(b -> m.error("bridge", "unknown bridge '"
        + b + "'" + Suggest.didYouMean(b, bridges) + (bridges.isEmpty() ? "; no bridges are declared"
        : " (known: " + Suggest.listing(bridges) + ")") + "; declare it under 'bridges:'"));
    Optional<Stage> stage = m.required("stage", "a stage: " + String.join(", ", STAGES), StaticFlowsSection::stage);
    Optional<Integer> priority = m.required("priority", PRIORITY_EXPECTED,
        t -> (int) Values.integer(t, 1, 65535, PRIORITY_EXPECTED));
    Optional<PacketMatch> match = m.has("match") ? PacketMatch.parse(m.node("match"), m.pathOf("match"), errors)
        .flatMap(pm -> checked(pm, m)) : Optional.of(PacketMatch.ANY);
    List<String> output = m.scalars("output", "a list of port names or numbers", "a port name or number",
        t -> Values.token(t, "a port name or number"));
    boolean goOn = m.bool("continue").orElse(false);
    if (goOn && stage.isPresent() && stage.get().ordinal() == Stage.values().length - 1) {
      m.error("continue", "the " + stage.get().label() + " stage is the last: there is no next stage");
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new StaticFlow(name.get(), bridge, stage.get(), priority.get(), match.get(), output, goOn,
        source));
  }

  private static Stage stage(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    for (Stage s : Stage.values()) {
      if (s.label().equals(t)) {
        return s;
      }
    }
    throw new IllegalArgumentException("expected a stage (" + String.join(", ", STAGES) + "), got "
        + Values.quote(text) + Suggest.didYouMean(t, STAGES));
  }

  /** What a single OpenFlow entry can match: exact ports, no TTL. */
  private static Optional<PacketMatch> checked(PacketMatch pm, MapView m) {
    String path = m.pathOf("match");
    Errors errors = m.errors();
    int before = errors.size();
    int line = m.lineOf("match");
    Map<String, Optional<io.switchboard.config.PortRange>> ports = Map.of(PacketMatch.TCP_SRC, pm.tcpSrc(),
        PacketMatch.TCP_DST, pm.tcpDst(), PacketMatch.UDP_SRC, pm.udpSrc(), PacketMatch.UDP_DST, pm.udpDst());
    ports.forEach((field, r) -> r.filter(x -> !x.isSingle()).ifPresent(x -> errors.add(line,
        KeyPath.key(path, field), "a static flow matches one port, not a range (" + x + "); write one flow per port")));
    if (pm.ttl().isPresent()) {
      errors.add(line, KeyPath.key(path, PacketMatch.TTL), "OpenFlow cannot match ttl");
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    io.switchboard.config.Result<PacketMatch> full = pm.withPrerequisites();
    if (!full.isOk()) {
      full.errors().forEach(e -> errors.add(line, KeyPath.key(path, e.path()), e.message()));
      return Optional.empty();
    }
    return Optional.of(full.value());
  }
}
