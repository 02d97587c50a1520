package io.switchboard.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The REST API's listener and its protections (docs/security.md).
 *
 * @param listen       address of the REST API (and /metrics)
 * @param tokenFile    the bearer token's file; generated (0600) on first start when absent
 * @param allowedHosts names a client may send in {@code Host} (and {@code Origin}) besides the listen address's
 *                     own; an item is a name or address, optionally with {@code :port}; {@code "*"} allows any
 * @param tls          HTTPS certificate and key, or null for plain HTTP
 * @param maxBodyBytes largest request body accepted (413 above)
 */
public record RestSettings(HostPort listen, Path tokenFile, List<String> allowedHosts, Tls tls, long maxBodyBytes) {

  public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;

  /** PEM files of the HTTPS certificate (chain) and its private key. */
  public record Tls(Path cert, Path key) {
    public Tls {
      Objects.requireNonNull(cert, "cert");
      Objects.requireNonNull(key, "key");
    }
  }

  public RestSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(tokenFile, "tokenFile");
    allowedHosts = List.copyOf(allowedHosts);
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes < 1: " + maxBodyBytes);
    }
  }

  /** Plain HTTP on {@code listen}, the default token file, no extra host names, bodies up to 1 MiB. */
  public RestSettings(HostPort listen) {
    this(listen, defaultTokenFile(), List.of(), null, DEFAULT_MAX_BODY_BYTES);
  }

  public RestSettings withListen(HostPort newListen) {
    return new RestSettings(newListen, tokenFile, allowedHosts, tls, maxBodyBytes);
  }

  public RestSettings withTokenFile(Path file) {
    return new RestSettings(listen, file, allowedHosts, tls, maxBodyBytes);
  }

  /**
   * Where the token lives unless {@code rest.token-file} says otherwise: {@code /var/lib/switchboard/rest-token}
   * for root, else {@code $XDG_STATE_HOME/switchboard/rest-token} ({@code ~/.local/state/...}). The CLI looks
   * in the same place, so a controller and the CLI run by the same user agree without configuration.
   */
  public static Path defaultTokenFile() {
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/switchboard/rest-token");
    }
    String state = System.getenv("XDG_STATE_HOME");
    Path base = state != null && !state.isBlank() ? Path.of(state)
        : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("switchboard").resolve("rest-token");
  }

  /** True when the listen address is a loopback address (127.0.0.0/8, ::1, or a name resolving to one). */
  public boolean loopback() {
    return isLoopback(listen.host());
  }

  static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** What {@code check-config} and the controller's start warn about: key path, then the reason. */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    if (!loopback() && tls == null) {
      out.add("rest.listen: " + listen + " is not a loopback address and rest.tls is not set: the bearer token"
          + " (required there for reads too) and every answer cross the network in clear text; set"
          + " rest.tls {cert, key} or listen on 127.0.0.1");
    }
    if (allowedHosts.contains("*")) {
      out.add("rest.allowed-hosts: \"*\" accepts any Host header: web pages can reach the API through DNS"
          + " rebinding (the token still guards mutations)");
    }
    return out;
  }
}
