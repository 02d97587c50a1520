package io.switchboard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the core's sections that open sockets or name files for them: {@code openflow} (with its TLS files and
 * limits), {@code rest} and {@code cluster}. They are read together because two of them may not listen on the
 * same port: every listening address read here is checked against those read before it. One instance reads one
 * document; problems go to its {@link Errors}.
 */
final class ListenerSections {
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

  private final Errors errors;
  private final String source;
  private final SwitchboardConfig defaults;
  /** Listening sockets seen so far: address to the key path that claimed it. */
  private final Map<HostPort, String> listeners = new LinkedHashMap<>();

  ListenerSections(Errors errors, String source, SwitchboardConfig defaults) {
    this.errors = errors;
    this.source = source;
    this.defaults = defaults;
  }

  private MapView section(MapView top, String key, List<String> keys) {
    return ConfigLoader.section(top, key, keys, errors);
  }

  private Path path(String text) {
    return ConfigFiles.path(source, text);
  }

  OpenFlowSettings openflow(MapView top) {
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
    Optional<java.security.cert.X509Certificate> cert = certFile.flatMap(f -> ConfigFiles.pem(t, "cert",
        () -> Pem.certificates(f).get(0)));
    Optional<java.security.PrivateKey> key = keyFile.flatMap(f -> ConfigFiles.pem(t, "key", () -> Pem.privateKey(f)));
    caFile.ifPresent(f -> ConfigFiles.pem(t, "ca", () -> Pem.certificates(f)));
    if (cert.isPresent() && key.isPresent()) {
      ConfigFiles.pem(t, "key", () -> {
        Pem.checkPair(cert.get(), key.get(), certFile.get(), keyFile.get());
        return true;
      });
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new TlsFiles(certFile.get(), keyFile.get(), caFile.get()));
  }

  private OpenFlowLimits openflowLimits(MapView openflow) {
    OpenFlowLimits d = defaults.openflow().limits();
    MapView m = section(openflow, "limits", List.of("max-connections", "max-handshakes",
        "max-handshakes-per-source", "handshake-timeout", "inbound-queue", "inbound-total", "max-outbound-bytes",
        "write-stall-timeout", "max-multipart-bytes", "max-multipart-parts"));
    int connections = intKey(m, "max-connections", 1, 1_000_000, d.maxConnections());
    int handshakes = intKey(m, "max-handshakes", 1, 1_000_000, d.maxHandshakes());
    int perSource = intKey(m, "max-handshakes-per-source", 1, 1_000_000, d.maxHandshakesPerSource());
    Duration timeout = m.optional("handshake-timeout", Values.DURATION,
        t -> Values.duration(t, Duration.ofSeconds(1), Duration.ofMinutes(5), false))
        .orElse(d.handshakeTimeout());
    int queue = intKey(m, "inbound-queue", 16, 1_000_000, d.inboundQueue());
    int total = intKey(m, "inbound-total", 1_024, 100_000_000, d.inboundTotal());
    long outbound = longKey(m, "max-outbound-bytes", 65_536, 1L << 34, d.maxOutboundBytes());
    Duration stall = m.optional("write-stall-timeout", Values.DURATION,
        t -> Values.duration(t, Duration.ofSeconds(1), Duration.ofHours(1), false))
        .orElse(d.writeStallTimeout());
    long multipartBytes = longKey(m, "max-multipart-bytes", 65_536, 1L << 34, d.maxMultipartBytes());
    int parts = intKey(m, "max-multipart-parts", 1, 10_000_000, d.maxMultipartParts());
    return new OpenFlowLimits(connections, handshakes, perSource, timeout, queue, total, outbound, stall,
        multipartBytes, parts);
  }

  private static int intKey(MapView m, String key, int min, int max, int fallback) {
    return (int) longKey(m, key, min, max, fallback);
  }

  private static long longKey(MapView m, String key, long min, long max, long fallback) {
    String expected = "a whole number " + min + ".." + max;
    return m.optional(key, expected, t -> Values.integer(t, min, max, expected)).orElse(fallback);
  }

  RestSettings rest(MapView top) {
    MapView m = section(top, "rest", List.of("listen", "token-file", "allowed-hosts", "tls", "max-body-bytes"));
    HostPort listen = listen(m, "listen", defaults.rest().listen());
    Path tokenFile = m.optional("token-file", "a file path", this::path).orElse(RestSettings.defaultTokenFile());
    List<String> allowed = m.scalars("allowed-hosts", "a list of host names, e.g. [controller.example.net]",
        ALLOWED_HOST_EXPECTED, ListenerSections::allowedHost);
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

  ClusterSettings cluster(MapView top) {
    MapView m = section(top, "cluster", List.of("enabled", "bind", "members", "settle", "settle-timeout"));
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
    Duration settle = m.optional("settle", Values.DURATION,
        t -> Values.duration(t, Duration.ZERO, Duration.ofMinutes(1), false)).orElse(ClusterSettings.DEFAULT_SETTLE);
    Duration timeout = m.optional("settle-timeout", Values.DURATION,
        t -> Values.duration(t, Duration.ZERO, Duration.ofMinutes(10), false))
        .orElse(ClusterSettings.DEFAULT_SETTLE_TIMEOUT.compareTo(settle) < 0 ? settle
            : ClusterSettings.DEFAULT_SETTLE_TIMEOUT);
    if (timeout.compareTo(settle) < 0) {
      errors.add(m.lineOf("settle-timeout"), m.pathOf("settle-timeout"), "expected at least cluster.settle ("
          + Values.format(settle) + "), got \"" + Values.format(timeout) + "\"");
      timeout = settle;
    }
    return new ClusterSettings(enabled, bind, members, settle, timeout);
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
}
