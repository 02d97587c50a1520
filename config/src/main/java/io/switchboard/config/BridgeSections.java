package io.switchboard.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the core's {@code bridges} section: each bridge's name, its ports' roles (access or trunk) and the
 * certificate it is pinned to. It remembers every bridge named, valid or not, so that the apps' sections can
 * refer to them ({@link #declared}) without a bad bridge being reported twice. One instance reads one document;
 * problems go to its {@link Errors}.
 */
final class BridgeSections {
  static final String VLAN_EXPECTED = "a VLAN id (1-4094)";

  static final String ROLE_EXPECTED = "a port role: {vlan: N} (access) or {trunk: [N, ...]}";

  private final Errors errors;
  private final String source;
  /** Every bridge named under bridges:, valid or not, so that references to it are not reported twice. */
  private final Set<String> declaredBridges = new LinkedHashSet<>();

  BridgeSections(Errors errors, String source) {
    this.errors = errors;
    this.source = source;
  }

  private java.nio.file.Path path(String text) {
    return ConfigFiles.path(source, text);
  }

  /** The names given under bridges: so far, valid bridges or not. */
  Set<String> declared() {
    return declaredBridges;
  }

  List<BridgeConfig> bridges(MapView top) {
    List<BridgeConfig> out = new ArrayList<>();
    Map<String, Integer> firstLines = new HashMap<>(); // by Dpid.bridgeKey
    List<Node> items = top.list("bridges", "a list of bridges (- bridge: NAME, ports: {...})");
    for (int i = 0; i < items.size(); i++) {
      String path = KeyPath.index(top.pathOf("bridges"), i);
      if (Node.isAbsent(items.get(i))) {
        errors.add(items.get(i).line(), path, "expected a bridge (a mapping with bridge, ports), got nothing");
        continue;
      }
      int before = errors.size();
      MapView b = MapView.of(items.get(i), path, errors, "a bridge (a mapping with bridge, ports)",
          List.of("bridge", "ports", "certificate", "certificate-fingerprint"));
      if (!b.isMapping()) {
        continue;
      }
      Optional<String> name = b.required("bridge", "a bridge name or dpid",
          t -> Values.token(t, "a bridge name or dpid"));
      name.ifPresent(declaredBridges::add);
      name.ifPresent(n -> {
        Integer first = firstLines.putIfAbsent(Dpid.bridgeKey(n), b.lineOf("bridge"));
        if (first != null) {
          b.error("bridge", "bridge '" + n + "' is declared twice (first at line " + first + ")");
        }
      });
      Map<String, PortRole> ports = ports(b);
      Optional<String> certificate = pinnedCertificate(b);
      if (errors.size() == before) {
        out.add(new BridgeConfig(name.orElseThrow(), ports, certificate));
      }
    }
    return out;
  }

  /** bridges[].certificate (a PEM file) or bridges[].certificate-fingerprint, as a SHA-256 fingerprint. */
  private Optional<String> pinnedCertificate(MapView b) {
    if (b.has("certificate") && b.has("certificate-fingerprint")) {
      b.error("certificate-fingerprint", "give either certificate (a PEM file) or certificate-fingerprint, "
          + "not both");
      return Optional.empty();
    }
    if (b.has("certificate")) {
      return b.optional("certificate", "the path of the bridge's certificate (PEM)", this::path)
          .flatMap(f -> ConfigFiles.pem(b, "certificate", () -> Pem.fingerprint(Pem.certificates(f).get(0))));
    }
    return b.optional("certificate-fingerprint", "a SHA-256 certificate fingerprint", Pem::parseFingerprint);
  }

  private Map<String, PortRole> ports(MapView bridge) {
    Map<String, PortRole> out = new LinkedHashMap<>();
    Node node = bridge.node("ports");
    if (node == null) {
      return out;
    }
    if (!(node instanceof Node.Mapping ports)) {
      bridge.error("ports", "expected a mapping of port name to role, like {con6-eth: {vlan: 100}}, got "
          + Node.describe(node));
      return out;
    }
    for (Node.Entry e : ports.entries().values()) {
      String path = KeyPath.key(bridge.pathOf("ports"), e.key());
      if (e.key().isEmpty() || e.key().chars().anyMatch(Character::isWhitespace)) {
        errors.add(e.keyLine(), path, "expected a port name, got " + Values.quote(e.key()));
        continue;
      }
      role(e, path).ifPresent(r -> out.put(e.key(), r));
    }
    return out;
  }

  private Optional<PortRole> role(Node.Entry entry, String path) {
    Node v = entry.value();
    if (Node.isAbsent(v)) {
      errors.add(entry.keyLine(), path, "expected " + ROLE_EXPECTED + ", got nothing");
      return Optional.empty();
    }
    MapView r = MapView.of(v, path, errors, ROLE_EXPECTED, List.of("vlan", "trunk"));
    if (!r.isMapping()) {
      return Optional.empty();
    }
    if (r.has("vlan") && r.has("trunk")) {
      errors.add(v.line(), path, "a port is either access {vlan: N} or trunk {trunk: [N, ...]}, not both");
      return Optional.empty();
    }
    if (r.has("vlan")) {
      return r.optional("vlan", VLAN_EXPECTED,
          t -> (int) Values.integer(t, 1, 4094, VLAN_EXPECTED)).map(PortRole.Access::new);
    }
    if (r.has("trunk")) {
      int before = errors.size();
      List<Node> items = r.list("trunk", "a list of VLAN ids like [100, 200]");
      List<Integer> vlans = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < items.size(); i++) {
        String itemPath = KeyPath.index(r.pathOf("trunk"), i);
        Node item = items.get(i);
        MapView.scalar(item, itemPath, errors, VLAN_EXPECTED,
            t -> (int) Values.integer(t, 1, 4094, VLAN_EXPECTED)).ifPresent(vlan -> {
              if (!seen.add(vlan)) {
                errors.add(item.line(), itemPath, "VLAN " + vlan + " is listed twice");
              } else {
                vlans.add(vlan);
              }
            });
      }
      if (errors.size() != before) {
        return Optional.empty();
      }
      if (vlans.isEmpty()) {
        r.error("trunk", "a trunk needs at least one VLAN, e.g. [100, 200]");
        return Optional.empty();
      }
      return Optional.of(new PortRole.Trunk(vlans));
    }
    errors.add(v.line(), path, "expected " + ROLE_EXPECTED + ", got an empty mapping");
    return Optional.empty();
  }
}
