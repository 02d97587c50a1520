package io.switchboard.cni;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The controller's REST API through {@link HttpURLConnection} (the JDK's lightest client: no thread pool, no
 * selector), with the bearer token from the token file. Unreachable or timing out is {@code 11, try again later}.
 */
final class Api {
  static final int CONNECT_TIMEOUT_MS = 2_000;
  static final int READ_TIMEOUT_MS = 10_000;
  /** An answer larger than this is not the controller's (a page of a list is far smaller). */
  static final int MAX_ANSWER_BYTES = 8 << 20;

  record Answer(int status, Object body) {
    @SuppressWarnings("unchecked")
    Map<String, Object> object() {
      return body instanceof Map ? (Map<String, Object>) body : Map.of();
    }

    String error() {
      Object e = object().get("error");
      return e == null ? "HTTP " + status : e.toString();
    }
  }

  private final String base;
  private final String token;

  Api(String api, String token) {
    this.base = api + "/api/v1";
    this.token = token;
  }

  /** Reads the token; an explicitly named file must be readable, the default one may be missing (no REST auth). */
  static String readToken(Path file, boolean given) throws CniException {
    try {
      if (!given && !Files.isReadable(file)) {
        return null;
      }
      String t = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (t.isEmpty() || t.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new CniException(CniException.INVALID_CONFIG, "token-file: " + file + " does not hold a REST token");
      }
      return t;
    } catch (IOException e) {
      throw new CniException(CniException.INVALID_CONFIG, "token-file: cannot read " + file + " (" + e + ")");
    }
  }

  Answer get(String path) throws CniException {
    return send("GET", path, null);
  }

  Answer post(String path, Map<String, Object> body) throws CniException {
    return send("POST", path, Json.write(body));
  }

  Answer delete(String path) throws CniException {
    return send("DELETE", path, null);
  }

  /** Every item of a paged list (the {@code Link: <...>; rel="next"} header), at most 100 pages. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> list(String path) throws CniException {
    List<Map<String, Object>> all = new ArrayList<>();
    String url = base + path;
    for (int page = 0; url != null && page < 100; page++) {
      HttpURLConnection c = open("GET", url, null);
      Answer a = answer(c, url);
      if (a.status() != 200 || !(a.body() instanceof List)) {
        throw new CniException(CniException.CONTROLLER_REFUSED, "GET " + path + ": " + a.error());
      }
      for (Object o : (List<Object>) a.body()) {
        if (o instanceof Map) {
          all.add((Map<String, Object>) o);
        }
      }
      String link = c.getHeaderField("Link");
      url = null;
      if (link != null && link.contains("rel=\"next\"") && link.startsWith("<")) {
        String next = link.substring(1, link.indexOf('>'));
        url = next.startsWith("http") ? next : base.substring(0, base.indexOf("/api/v1")) + next;
      }
    }
    return all;
  }

  private Answer send(String method, String path, String body) throws CniException {
    String url = base + path;
    return answer(open(method, url, body), url);
  }

  private HttpURLConnection open(String method, String url, String body) throws CniException {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(CONNECT_TIMEOUT_MS);
      c.setReadTimeout(READ_TIMEOUT_MS);
      c.setRequestProperty("Accept", "application/json");
      if (token != null) {
        c.setRequestProperty("Authorization", "Bearer " + token);
      }
      if (body != null) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(b.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(b);
        }
      }
      return c;
    } catch (IOException e) {
      throw unreachable(method + " " + url, e);
    }
  }

  private Answer answer(HttpURLConnection c, String url) throws CniException {
    try {
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = "";
      if (in != null) {
        try (in) {
          byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
          if (bytes.length > MAX_ANSWER_BYTES) {
            throw new CniException(CniException.CONTROLLER_REFUSED, c.getRequestMethod() + " " + url
                + ": an answer over " + MAX_ANSWER_BYTES + " bytes");
          }
          text = new String(bytes, StandardCharsets.UTF_8);
        }
      }
      Object body = null;
      if (!text.isBlank()) {
        try {
          body = Json.parse(text);
        } catch (IllegalArgumentException e) {
          body = Map.of("error", text.strip());
        }
      }
      if (status == 401 || status == 403) {
        throw new CniException(CniException.CONTROLLER_REFUSED, "the controller refused the REST token ("
            + new Answer(status, body).error() + ")", "set token-file to the controller's rest.token-file");
      }
      if (status >= 500) {
        throw new CniException(CniException.TRY_AGAIN_LATER, "the controller failed: " + c.getRequestMethod() + " "
            + url + ": " + new Answer(status, body).error());
      }
      return new Answer(status, body);
    } catch (IOException e) {
      throw unreachable(c.getRequestMethod() + " " + url, e);
    }
  }

  private static CniException unreachable(String what, IOException e) {
    return new CniException(CniException.TRY_AGAIN_LATER, "the controller is unreachable (" + what + ")",
        e.toString());
  }
}
