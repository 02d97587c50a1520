package io.switchboard.controller.rest;

import io.switchboard.config.RestSettings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protections of docs/security.md that every request passes before a handler runs, in order: an allowed
 * {@code Host} (DNS rebinding), the bearer token of {@code rest.token-file} for mutations (and for reads when the
 * listener is not on loopback), a same-site {@code Origin} and an accepted {@code Content-Type} for mutations, and
 * the body size limit. Each refusal is counted and logged through {@link Rejections}. Until {@link #open} (the
 * listener is bound) every request gets 503.
 */
final class RequestGuard {
  private static final Set<String> JSON_ONLY = Set.of("application/json");

  private final RestSettings settings;
  private final Rejections rejections;
  /** Body media types of routes that take more than JSON, by path. */
  private final Map<String, Set<String>> bodyTypes = new ConcurrentHashMap<>();
  private volatile RestToken token;
  private volatile AllowedHosts allowed;
  private volatile boolean loopbackListener;

  RequestGuard(RestSettings settings, Rejections rejections) {
    this.settings = settings;
    this.rejections = rejections;
  }

  /** Lets requests through from now on, checked against this token and these host names. */
  void open(RestToken token, AllowedHosts allowed, boolean loopbackListener) {
    this.token = token;
    this.loopbackListener = loopbackListener;
    this.allowed = allowed;
  }

  /** The route at {@code path} (under the base) takes a body of one of {@code mediaTypes} instead of JSON. */
  void acceptBodies(String path, Set<String> mediaTypes) {
    bodyTypes.put(path, Set.copyOf(mediaTypes));
  }

  /** The router's handler: answers the request if a protection refuses it, else passes it on. */
  void check(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    AllowedHosts names = allowed;
    if (names == null) {
      RestServer.error(ctx, 503, "starting");
      return;
    }
    String host = req.getHeader(HttpHeaders.HOST);
    if (host == null && req.authority() != null) {
      host = req.authority().toString();
    }
    if (host != null && !names.allowsHost(host)) {
      refuse(ctx, 421, "host", "Host '" + Json.clip(host) + "' is not a name of this API (a DNS rebinding"
          + " protection); the operator can add it to rest.allowed-hosts");
      return;
    }
    HttpMethod m = req.method();
    boolean mutation = !(m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS);
    if (mutation || !loopbackListener) {
      String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
      String why = null;
      if (auth == null) {
        why = "missing bearer token: send 'Authorization: Bearer <token>' with the token from the file named by"
            + " rest.token-file on the controller's host" + (mutation ? "" : " (this listener is not on loopback:"
            + " reads need it too)");
      } else if (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || !token.matches(auth.substring(7).trim())) {
        why = "wrong bearer token (it is in the file named by rest.token-file on the controller's host)";
      }
      if (why != null) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
        refuse(ctx, 401, "token", why);
        return;
      }
    }
    if (mutation) {
      String origin = req.getHeader(HttpHeaders.ORIGIN);
      if (origin != null && !names.allowsOrigin(origin)) {
        refuse(ctx, 403, "origin", "cross-site request refused: Origin '" + Json.clip(origin)
            + "' is not this API's own (" + names.scheme() + "://" + Json.clip(host == null ? "?" : host)
            + "); the operator can add its host to rest.allowed-hosts");
        return;
      }
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean body = req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || length != null && !length.equals("0");
    if (body && length != null && length.matches("\\d+")
        && (length.length() > 18 || Long.parseLong(length) > settings.maxBodyBytes())) {
      refuse(ctx, 413, "body-size", tooLarge());
      return;
    }
    if (mutation && body) {
      String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
      String media = type == null ? null : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      String path = ctx.normalizedPath();
      Set<String> ok = bodyTypes.getOrDefault(path.endsWith("/") ? path.substring(0, path.length() - 1) : path,
          JSON_ONLY);
      if (media == null || !ok.contains(media)) {
        refuse(ctx, 415, "content-type", "expected a body with Content-Type: " + String.join(" or ",
            new TreeSet<>(ok)) + ", got " + (type == null ? "none" : "'" + Json.clip(type) + "'"));
        return;
      }
    }
    ctx.next();
  }

  String tooLarge() {
    return "request body too large: at most " + settings.maxBodyBytes() + " bytes (rest.max-body-bytes)";
  }

  /** Answers {@code status} with {@code message}, counted and logged as a rejection for {@code reason}. */
  void refuse(RoutingContext ctx, int status, String reason, String message) {
    HttpServerRequest req = ctx.request();
    String client = req.remoteAddress() == null ? "?" : req.remoteAddress().hostAddress();
    rejections.reject(reason, client, req.method().name() + " " + Json.clip(req.path()), message);
    RestServer.error(ctx, status, message);
  }
}
