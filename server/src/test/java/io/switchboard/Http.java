package io.switchboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny REST client for tests of a running Switchboard. */
public final class Http {
  public record Response(int status, String body) {}

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /** Sends the controller's REST token with every request, as the CLI does. */
  public Http(Switchboard sb) throws java.io.IOException {
    this.base = sb.restBase();
    this.token = java.nio.file.Files.readString(sb.restTokenFile()).trim();
  }

  public Response get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
  }

  public Response post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url(path))).header("content-type", "application/json")
        .header("authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private String url(String path) {
    return path.equals("/metrics") ? base.replace("/api/v1", "") + path : base + path;
  }

  private static Response send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }
}
