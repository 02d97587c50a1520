package io.switchboard.cni;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The network configuration a runtime hands the plugin on stdin (one entry of a conflist, with {@code name},
 * {@code cniVersion} and, when chained, {@code prevResult} filled in), validated as a whole: every bad key is named
 * in one error of code 4.
 *
 * @param raw the whole config as received (handed on unchanged to a delegated IPAM plugin)
 */
record NetConf(String cniVersion, String name, String network, String api, String bridge, Optional<String> host,
    int mtu, Optional<String> ovsdb, Path tokenFile, boolean tokenFileGiven, Optional<Map<String, Object>> ipam,
    Optional<Map<String, Object>> prevResult, List<Map<String, Object>> validAttachments, Map<String, Object> raw) {

  static final List<String> VERSIONS = List.of("0.4.0", "1.0.0", "1.1.0");
  static final String DEFAULT_API = "http://127.0.0.1:8080";
  static final String DEFAULT_BRIDGE = "br-int";
  /** What VXLAN over IPv4 leaves of a 1500-byte underlay, as the controller's DHCP says. */
  static final int DEFAULT_MTU = 1450;
  static final Path DEFAULT_TOKEN_FILE = Path.of("/var/lib/switchboard/rest-token");
  private static final Set<String> KNOWN = Set.of("cniVersion", "name", "type", "network", "api", "bridge", "host",
      "mtu", "ovsdb", "token-file", "ipam", "dns", "prevResult", "runtimeConfig", "args", "capabilities",
      "cni.dev/valid-attachments", "cni.dev/attachments", "disableCheck", "disableGC");

  /** Parses stdin's config; {@code lenient} (DEL, GC, STATUS) does not insist on what only ADD and CHECK need. */
  @SuppressWarnings("unchecked")
  static NetConf parse(String stdin, boolean lenient) throws CniException {
    Map<String, Object> m;
    try {
      m = Json.parseObject(stdin);
    } catch (IllegalArgumentException e) {
      throw new CniException(CniException.DECODE_FAILURE, "the network configuration on stdin is not a JSON object",
          e.getMessage());
    }
    List<String> errors = new ArrayList<>();
    String version = text(m, "cniVersion", errors).orElse("1.0.0");
    if (!VERSIONS.contains(version)) {
      throw new CniException(CniException.INCOMPATIBLE_VERSION, "cniVersion " + version + " is not supported",
          "supported: " + VERSIONS);
    }
    String name = text(m, "name", errors).orElse(null);
    if (name == null && !lenient) {
      errors.add("name: required (the network configuration's name)");
    }
    String network = text(m, "network", errors).orElse(null);
    if (network == null && !lenient) {
      errors.add("network: required (the overlay network to attach to, e.g. \"net1\")");
    }
    String api = text(m, "api", errors).orElse(DEFAULT_API);
    if (!api.startsWith("http://") && !api.startsWith("https://")) {
      errors.add("api: expected an http:// or https:// URL of the controller's REST API, got '" + api + "'");
    }
    while (api.endsWith("/")) {
      api = api.substring(0, api.length() - 1);
    }
    String bridge = text(m, "bridge", errors).orElse(DEFAULT_BRIDGE);
    Optional<String> host = text(m, "host", errors);
    int mtu = 0; // not given: the network's DHCP MTU, else DEFAULT_MTU
    Object mv = m.get("mtu");
    if (mv != null) {
      if (mv instanceof Long l && l >= 576 && l <= 65535) {
        mtu = l.intValue();
      } else {
        errors.add("mtu: expected a number 576-65535, got " + Json.write(mv));
      }
    }
    Optional<String> ovsdb = text(m, "ovsdb", errors);
    ovsdb.filter(o -> !o.startsWith("unix:") && !o.startsWith("tcp:") && !o.startsWith("ssl:"))
        .ifPresent(o -> errors.add("ovsdb: expected unix:PATH (or tcp:/ssl:), got '" + o + "'"));
    Optional<String> tf = text(m, "token-file", errors);
    Optional<Map<String, Object>> ipam = Optional.empty();
    Object iv = m.get("ipam");
    if (iv instanceof Map<?, ?> im && !im.isEmpty()) {
      if (!(im.get("type") instanceof String t) || t.isBlank() || t.contains("/")) {
        errors.add("ipam.type: expected the name of an IPAM plugin in CNI_PATH (e.g. \"host-local\")");
      }
      ipam = Optional.of((Map<String, Object>) im);
    } else if (iv != null && !(iv instanceof Map)) {
      errors.add("ipam: expected an object with a type");
    }
    Optional<Map<String, Object>> prev = Optional.empty();
    Object pv = m.get("prevResult");
    if (pv instanceof Map<?, ?> pm) {
      prev = Optional.of((Map<String, Object>) pm);
    } else if (pv != null) {
      errors.add("prevResult: expected an object");
    }
    List<Map<String, Object>> valid = new ArrayList<>();
    Object va = m.get("cni.dev/valid-attachments");
    if (va instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> a && a.get("containerID") instanceof String && a.get("ifname") instanceof String) {
          valid.add((Map<String, Object>) a);
        } else {
          errors.add("cni.dev/valid-attachments: expected objects with containerID and ifname, got "
              + Json.write(o).replace('\n', ' '));
          break;
        }
      }
    } else if (va != null) {
      errors.add("cni.dev/valid-attachments: expected a list");
    }
    for (String k : m.keySet()) {
      if (!KNOWN.contains(k) && !k.startsWith("cni.dev/")) {
        errors.add(k + ": unknown key (known: network, api, bridge, host, mtu, ovsdb, token-file, ipam)");
      }
    }
    if (!errors.isEmpty()) {
      throw new CniException(CniException.INVALID_CONFIG, "invalid switchboard network configuration: "
          + String.join("; ", errors), String.join("\n", errors));
    }
    return new NetConf(version, name, network, api, bridge, host, mtu, ovsdb,
        tf.map(Path::of).orElse(DEFAULT_TOKEN_FILE), tf.isPresent(), ipam, prev, valid, m);
  }

  private static Optional<String> text(Map<String, Object> m, String key, List<String> errors) {
    Object v = m.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String s && !s.isBlank() && s.chars().noneMatch(Character::isWhitespace)) {
      return Optional.of(s);
    }
    errors.add(key + ": expected a non-empty string without spaces, got " + Json.write(v));
    return Optional.empty();
  }

  /** The result format of the given version: 0.4.0 puts {@code "version": "4"} on each IP. */
  boolean legacyResult() {
    return cniVersion.equals("0.4.0");
  }
}
