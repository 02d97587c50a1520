package io.switchboard.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and validates a YAML config as a whole. Every problem is collected and reported at
 * once in a {@link ConfigException}: nothing of a bad file is ever used.
 */
public final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** The core's sections; every other top-level key is an app's ({@link AppSection}). */
  public static final List<String> CORE_KEYS = List.of("openflow", "rest", "cluster", "apps", "bridges", "reconcile");

  static final String VLAN_EXPECTED = "a VLAN id (1-4094)";

  static final String ROLE_EXPECTED = "a port role: {vlan: N} (access) or {trunk: [N, ...]}";

  private static final Duration MAX_INTERVAL = Duration.ofHours(24);

  static final String ALLOWED_HOST_EXPECTED = "a host name or address, optionally with :port, or \"*\"";

  /** An item of rest.allowed-hosts, lower-cased: {@code name}, {@code name:port}, {@code [v6]:port} or "*". */
  static String allowedHost(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("*")) {
      return t;
    }
    if (t.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\\d{1,5})?") || t.matches("\\[[0-9a-f:.]+\\](:\\d{1,5})?")) {
      return t;
    }
    throw Values.expected(ALLOWED_HOST_EXPECTED, text);
  }

  /**
   * The largest config accepted, in bytes (4 MiB): some hundred times a big real one (10,000 ACL rules and
   * 10,000 endpoints take about 2 MB). A bigger file is refused before it is read, so that a mistake (a log
   * or a dump passed as the config) costs nothing.
   */
  public static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private ConfigLoader() {}

  /** With the {@linkplain AppCatalog#installed() installed} apps. */
  public static SwitchboardConfig load(Path file) throws ConfigException {
    return load(file, AppCatalog.installed());
  }

  /** Errors name the file as given in {@code file}. */
  public static SwitchboardConfig load(Path file, AppCatalog catalog) throws ConfigException {
    String name = file.toString();
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw tooBig(name, size);
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(new ConfigError(name, 0, "", "no such file")));
    } catch (CharacterCodingException e) {
      throw new ConfigException(List.of(new ConfigError(name, 0, "", "cannot read file: not UTF-8 text")));
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigError(name, 0, "", "cannot read file: " + e)));
    }
    return parse(text, name, catalog);
  }

  /**
   * With the {@linkplain AppCatalog#installed() installed} apps.
   *
   * @param fileName used in error messages and as {@link SwitchboardConfig#source()}
   */
  public static SwitchboardConfig parse(String yamlText, String fileName) throws ConfigException {
    return parse(yamlText, fileName, AppCatalog.installed());
  }

  /** With the installed apps and some more known by name only (apps without a section, as tests have). */
  public static SwitchboardConfig parse(String yamlText, String fileName, Set<String> moreApps)
      throws ConfigException {
    return parse(yamlText, fileName, AppCatalog.installed().withApps(moreApps));
  }

  /**
   * An empty document is the default config.
   *
   * @param catalog the apps {@code apps:} may list, and their sections
   */
  public static SwitchboardConfig parse(String yamlText, String fileName, AppCatalog catalog)
      throws ConfigException {
    if (yamlText.length() > MAX_CONFIG_BYTES) { // chars <= UTF-8 bytes: a cheap first check
      throw tooBig(fileName, yamlText.length());
    }
    Errors errors = new Errors(fileName);
    Optional<Node> root = YamlTree.read(yamlText, errors);
    SwitchboardConfig config = new Sections(errors, catalog, fileName).build(root.orElse(null));
    if (!errors.isEmpty()) {
      List<ConfigError> inFileOrder = new ArrayList<>(errors.list());
      inFileOrder.sort(Comparator.comparingInt(ConfigError::line));
      throw new ConfigException(inFileOrder);
    }
    LOG.debug("loaded {}: apps {}, {} bridges, sections {}", fileName, config.apps(), config.bridges().size(),
        config.sections().keySet());
    return config;
  }

  private static ConfigException tooBig(String fileName, long size) {
    return new ConfigException(List.of(new ConfigError(fileName, 0, "", "the config is " + size
        + " bytes; the limit is 4 MiB (" + MAX_CONFIG_BYTES + " bytes): is this the right file?")));
  }

  /** One parse of one document. */
  private static final class Sections {
    private final Errors errors;
    private final Set<String> knownApps;
    private final AppCatalog catalog;
    private final String source;
    private final SwitchboardConfig defaults = SwitchboardConfig.defaults();
    /** Listening sockets seen so far: address to the key path that claimed it. */
    private final Map<HostPort, String> listeners = new LinkedHashMap<>();
    /** Every bridge named under bridges:, valid or not, so that references to it are not reported twice. */
    private final Set<String> declaredBridges = new LinkedHashSet<>();

    Sections(Errors errors, AppCatalog catalog, String source) {
      this.errors = errors;
      this.catalog = catalog;
      this.knownApps = catalog.names();
      this.source = source;
    }

    SwitchboardConfig build(Node root) {
      List<AppSection<?>> appSections = AppSections.ordered(catalog.sections());
      List<String> topKeys = new ArrayList<>(CORE_KEYS);
      appSections.forEach(a -> topKeys.add(a.key()));
      MapView top = AppSections.top(root, errors, topKeys, catalog);
      OpenFlowSettings openflow = openflow(top);
      RestSettings rest = rest(top);
      ClusterSettings cluster = cluster(top);
      List<String> apps = top.has("apps") ? apps(top) : defaults.apps();
      List<BridgeConfig> bridges = bridges(top);
      ReconcileSettings reconcile = reconcile(top);
      SectionContext ctx = new SectionContext(errors, source);
      declaredBridges.forEach(b -> ctx.declare(SectionContext.BRIDGE, b));
      Map<String, Object> parsed = new LinkedHashMap<>();
      for (AppSection<?> section : appSections) {
        if (top.has(section.key())) {
          AppSections.parse(section, top, ctx, catalog).ifPresent(v -> parsed.put(section.key(), v));
        }
      }
      return new SwitchboardConfig(openflow, rest, cluster, apps, bridges, reconcile, parsed, source);
    }

    private MapView section(MapView top, String key, List<String> keys) {
      return MapView.of(top.node(key), top.pathOf(key), errors,
          "the " + key + " settings (a mapping with " + String.join(", ", keys) + ")", keys);
    }

    private OpenFlowSettings openflow(MapView top) {
      MapView m = section(top, "openflow", List.of("listen", "echo-interval", "tls", "tls-listen", "limits"));
      HostPort listen = listen(m, "listen", defaults.openflow().listen());
      Duration echo = m.optional("echo-interval", Values.DURATION,
          t -> Values.duration(t, Duration.ofSeconds(1), Duration.ofHours(1), false))
          .orElse(defaults.openflow().echoInterval());
      Optional<TlsFiles> tls = m.has("tls") ? tls(m) : Optional.empty();
      Optional<HostPort> tlsListen = Optional.empty();
      if (m.has("tls-listen")) {
        if (!m.has("tls")) {
          m.error("tls-listen", "a second listener for TLS needs openflow.tls {cert, key, ca}");
        } else {
          tlsListen = Optional.of(listen(m, "tls-listen", defaults.openflow().listen()));
        }
      }
      return new OpenFlowSettings(listen, echo, tls, tls.isPresent() ? tlsListen : Optional.empty(),
          openflowLimits(m));
    }

    /** openflow.tls: the three PEM files, each read and checked now so that a typo is reported with its line. */
    private Optional<TlsFiles> tls(MapView openflow) {
      String expected = "the TLS files (a mapping with cert, key, ca: paths of PEM files)";
      MapView t = MapView.of(openflow.node("tls"), openflow.pathOf("tls"), errors, expected,
          List.of("cert", "key", "ca"));
      if (!t.isMapping()) {
        return Optional.empty();
      }
      int before = errors.size();
      Optional<Path> certFile = t.required("cert", "the path of the controller's certificate (PEM)", this::path);
      Optional<Path> keyFile = t.required("key", "the path of the controller's private key (PEM)", this::path);
      Optional<Path> caFile = t.required("ca", "the path of the CA certificate switches are signed by (PEM)",
          this::path);
      Optional<java.security.cert.X509Certificate> cert = certFile.flatMap(f -> pem(t, "cert",
          () -> Pem.certificates(f).get(0)));
      Optional<java.security.PrivateKey> key = keyFile.flatMap(f -> pem(t, "key", () -> Pem.privateKey(f)));
      caFile.ifPresent(f -> pem(t, "ca", () -> Pem.certificates(f)));
      if (cert.isPresent() && key.isPresent()) {
        pem(t, "key", () -> {
          Pem.checkPair(cert.get(), key.get(), certFile.get(), keyFile.get());
          return true;
        });
      }
      if (errors.size() != before) {
        return Optional.empty();
      }
      return Optional.of(new TlsFiles(certFile.get(), keyFile.get(), caFile.get()));
    }

    /** A file named in the config: a relative path is relative to the config file's directory. */
    private Path path(String text) {
      String t = text.trim();
      if (t.isEmpty()) {
        throw Values.expected("a file path", text);
      }
      try {
        Path p = Path.of(t);
        if (p.isAbsolute()) {
          return p.normalize();
        }
        Path dir = Path.of(source).toAbsolutePath().getParent();
        return (dir == null ? p.toAbsolutePath() : dir.resolve(p)).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        throw Values.expected("a file path", text, e.getReason());
      }
    }

    /** Runs a PEM reader; its failure becomes an error at {@code key}. */
    private <T> Optional<T> pem(MapView m, String key, java.util.function.Supplier<T> read) {
      try {
        return Optional.of(read.get());
      } catch (IllegalArgumentException e) {
        m.error(key, e.getMessage());
        return Optional.empty();
      }
    }

    private OpenFlowLimits openflowLimits(MapView openflow) {
      OpenFlowLimits d = defaults.openflow().limits();
      MapView m = section(openflow, "limits", List.of("max-connections", "max-handshakes",
          "max-handshakes-per-source", "handshake-timeout", "inbound-queue", "max-outbound-bytes",
          "write-stall-timeout", "max-multipart-bytes", "max-multipart-parts"));
      int connections = intKey(m, "max-connections", 1, 1_000_000, d.maxConnections());
      int handshakes = intKey(m, "max-handshakes", 1, 1_000_000, d.maxHandshakes());
      int perSource = intKey(m, "max-handshakes-per-source", 1, 1_000_000, d.maxHandshakesPerSource());
      Duration timeout = m.optional("handshake-timeout", Values.DURATION,
          t -> Values.duration(t, Duration.ofSeconds(1), Duration.ofMinutes(5), false))
          .orElse(d.handshakeTimeout());
      int queue = intKey(m, "inbound-queue", 16, 1_000_000, d.inboundQueue());
      long outbound = longKey(m, "max-outbound-bytes", 65_536, 1L << 34, d.maxOutboundBytes());
      Duration stall = m.optional("write-stall-timeout", Values.DURATION,
          t -> Values.duration(t, Duration.ofSeconds(1), Duration.ofHours(1), false))
          .orElse(d.writeStallTimeout());
      long multipartBytes = longKey(m, "max-multipart-bytes", 65_536, 1L << 34, d.maxMultipartBytes());
      int parts = intKey(m, "max-multipart-parts", 1, 10_000_000, d.maxMultipartParts());
      return new OpenFlowLimits(connections, handshakes, perSource, timeout, queue, outbound, stall, multipartBytes,
          parts);
    }

    private static int intKey(MapView m, String key, int min, int max, int fallback) {
      return (int) longKey(m, key, min, max, fallback);
    }

    private static long longKey(MapView m, String key, long min, long max, long fallback) {
      String expected = "a whole number " + min + ".." + max;
      return m.optional(key, expected, t -> Values.integer(t, min, max, expected)).orElse(fallback);
    }

    private RestSettings rest(MapView top) {
      MapView m = section(top, "rest", List.of("listen", "token-file", "allowed-hosts", "tls", "max-body-bytes"));
      HostPort listen = listen(m, "listen", defaults.rest().listen());
      Path tokenFile = m.optional("token-file", "a file path", this::path).orElse(RestSettings.defaultTokenFile());
      List<String> allowed = m.scalars("allowed-hosts", "a list of host names, e.g. [controller.example.net]",
          ALLOWED_HOST_EXPECTED, ConfigLoader::allowedHost);
      RestSettings.Tls tls = null;
      if (m.has("tls")) {
        MapView t = MapView.of(m.node("tls"), m.pathOf("tls"), errors,
            "the HTTPS settings (a mapping with cert, key)", List.of("cert", "key"));
        Optional<Path> cert = t.required("cert", "a PEM certificate file", f -> pemFile(f, "CERTIFICATE"));
        Optional<Path> key = t.required("key", "a PEM private key file", f -> pemFile(f, "PRIVATE KEY"));
        if (cert.isPresent() && key.isPresent()) {
          tls = new RestSettings.Tls(cert.get(), key.get());
        }
      }
      String sizeExpected = "a size in bytes (1024-1073741824)";
      long maxBody = m.optional("max-body-bytes", sizeExpected, v -> Values.integer(v, 1024, 1 << 30, sizeExpected))
          .orElse(RestSettings.DEFAULT_MAX_BODY_BYTES);
      return new RestSettings(listen, tokenFile, allowed, tls, maxBody);
    }

    /** A readable PEM file holding a block whose label ends with {@code label}. */
    private Path pemFile(String text, String label) {
      Path p = path(text);
      String pem;
      try {
        if (Files.size(p) > 1 << 20) {
          throw new IllegalArgumentException("expected a PEM file, got " + Values.quote(text) + " (over 1 MiB)");
        }
        pem = Files.readString(p, java.nio.charset.StandardCharsets.US_ASCII);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("no such file: " + p);
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
      }
      if (!pem.matches("(?s).*-----BEGIN [A-Z ]*" + label + "-----.*")) {
        throw new IllegalArgumentException("expected a PEM file with a " + label + " block, got " + p
            + " (no '-----BEGIN ..." + label + "-----' line)");
      }
      return p;
    }

    private ClusterSettings cluster(MapView top) {
      MapView m = section(top, "cluster", List.of("enabled", "bind", "members"));
      boolean enabled = m.bool("enabled").orElse(false);
      HostPort bind = enabled ? listen(m, "bind", defaults.cluster().bind())
          : m.optional("bind", HostPort.EXPECTED, HostPort::parse).orElse(defaults.cluster().bind());
      List<HostPort> members = new ArrayList<>();
      List<Node> items = m.list("members", "a list of host:port addresses");
      for (int i = 0; i < items.size(); i++) {
        String path = KeyPath.index(m.pathOf("members"), i);
        Node item = items.get(i);
        MapView.scalar(item, path, errors, HostPort.EXPECTED, HostPort::parse).ifPresent(hp -> {
          if (hp.port() == 0) {
            errors.add(item.line(), path, "expected a member's host:port, got \"" + hp + "\" (port 0)");
          } else if (members.contains(hp)) {
            errors.add(item.line(), path, "member " + hp + " is listed twice");
          } else {
            members.add(hp);
          }
        });
      }
      return new ClusterSettings(enabled, bind, members);
    }

    /** A listening address; two sections may not listen on the same port. */
    private HostPort listen(MapView m, String key, HostPort fallback) {
      Optional<HostPort> parsed = m.optional(key, HostPort.EXPECTED, HostPort::parse);
      HostPort hp = parsed.orElse(fallback);
      String path = m.pathOf(key);
      if (hp.port() != 0) {
        for (Map.Entry<HostPort, String> e : listeners.entrySet()) {
          HostPort other = e.getKey();
          boolean sameHost = other.host().equals(hp.host()) || isWildcard(other.host()) || isWildcard(hp.host());
          if (other.port() == hp.port() && sameHost) {
            errors.add(m.lineOf(key), path, "port " + hp.port() + " is already used by " + e.getValue()
                + " (" + other + ")");
          }
        }
        listeners.put(hp, path);
      }
      return hp;
    }

    private static boolean isWildcard(String host) {
      return host.equals("0.0.0.0") || host.equals("::");
    }

    private List<String> apps(MapView top) {
      List<String> out = new ArrayList<>();
      List<Node> items = top.list("apps", "a list of app names like [l2-learning, acl]");
      for (int i = 0; i < items.size(); i++) {
        String path = KeyPath.index(top.pathOf("apps"), i);
        Node item = items.get(i);
        MapView.scalar(item, path, errors, "an app name", t -> t).ifPresent(app -> {
          if (!knownApps.contains(app)) {
            errors.add(item.line(), path, "unknown app '" + app + "'" + Suggest.didYouMean(app, knownApps)
                + " (known apps: " + Suggest.listing(knownApps) + ")");
          } else if (out.contains(app)) {
            errors.add(item.line(), path, "app '" + app + "' is listed twice");
          } else {
            out.add(app);
          }
        });
      }
      return out;
    }

    private List<BridgeConfig> bridges(MapView top) {
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
            .flatMap(f -> pem(b, "certificate", () -> Pem.fingerprint(Pem.certificates(f).get(0))));
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

    private ReconcileSettings reconcile(MapView top) {
      MapView m = section(top, "reconcile", List.of("audit-interval"));
      Duration audit = m.optional("audit-interval", Values.DURATION,
          t -> Values.duration(t, Duration.ofSeconds(1), MAX_INTERVAL, false))
          .orElse(defaults.reconcile().auditInterval());
      return new ReconcileSettings(audit);
    }
  }
}
