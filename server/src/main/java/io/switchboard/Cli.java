package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.config.RestSettings;
import io.switchboard.controller.rest.RestToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands that talk to a running controller's REST API and print readable tables: flows, hosts, trace,
 * plan, reload. Default API 127.0.0.1:8080; {@code --api URL} changes it. Every request carries the REST token
 * (docs/security.md) from {@code --token-file FILE}, else {@code $SWITCHBOARD_TOKEN_FILE}, else the default token
 * file, when it can be read; {@code --cacert PEM} trusts a self-signed HTTPS certificate. Lists are fetched page
 * by page (the {@code Link: rel="next"} header).
 */
public final class Cli {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String api;
  private final HttpClient http;
  private final Path tokenFile;
  private final String token;

  private Cli(String api, Path tokenFile, Path caCert) throws Exception {
    this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
    this.tokenFile = tokenFile;
    String t = null;
    if (Files.isReadable(tokenFile)) {
      t = RestToken.read(tokenFile);
    }
    this.token = t;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    if (caCert != null) {
      b.sslContext(trusting(caCert));
    }
    this.http = b.build();
  }

  /** An SSL context that trusts the certificates of a PEM file (a self-signed controller's, or its CA's). */
  static javax.net.ssl.SSLContext trusting(Path pem) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    ks.load(null, null);
    try (var in = Files.newInputStream(pem)) {
      int i = 0;
      for (var cert : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, cert);
      }
    }
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Splits off {@code --api URL}, {@code --token-file FILE} and {@code --cacert PEM}; runs the command. */
  static int run(String command, String[] args) {
    String api = "http://127.0.0.1:8080";
    String env = System.getenv("SWITCHBOARD_TOKEN_FILE");
    Path tokenFile = env != null && !env.isBlank() ? Path.of(env) : RestSettings.defaultTokenFile();
    Path caCert = null;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--api") && i + 1 < args.length) {
        api = args[++i];
        if (!api.startsWith("http")) {
          api = "http://" + api;
        }
      } else if (args[i].equals("--token-file") && i + 1 < args.length) {
        tokenFile = Path.of(args[++i]);
      } else if (args[i].equals("--cacert") && i + 1 < args.length) {
        caCert = Path.of(args[++i]);
      } else {
        rest.add(args[i]);
      }
    }
    Cli cli;
    try {
      cli = new Cli(api, tokenFile, caCert);
    } catch (Exception e) {
      System.err.println("switchboard: " + e.getMessage());
      return 1;
    }
    try {
      return switch (command) {
        case "flows" -> cli.flows(rest);
        case "hosts" -> cli.hosts();
        case "trace" -> cli.trace(rest);
        case "plan" -> cli.plan(rest);
        case "reload" -> cli.reload();
        default -> throw new IllegalArgumentException(command);
      };
    } catch (java.net.ConnectException e) {
      System.err.println("switchboard: no controller answers at " + cli.api + " (start one with ./switchboard run,"
          + " or give --api URL)");
      return 1;
    } catch (ApiError e) {
      System.err.println("switchboard: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println("switchboard: " + e);
      return 1;
    }
  }

  static final class ApiError extends Exception {
    ApiError(String m) {
      super(m);
    }
  }

  private JsonNode call(String method, String path, String body, String contentType) throws Exception {
    return send(method, api + "/api/v1" + path, body, contentType).body;
  }

  private record Answer(JsonNode body, String next) {}

  private Answer send(String method, String url, String body, String contentType) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("content-type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode n = r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    if (r.statusCode() == 401) {
      throw new ApiError(n.path("error").asText("HTTP 401") + (token != null ? "; sent the token of " + tokenFile
          : (Files.exists(tokenFile) ? "; cannot read the token file " + tokenFile + " (run as its owner?)"
          : "; no token file " + tokenFile) + " (give --token-file FILE or set SWITCHBOARD_TOKEN_FILE)"));
    }
    if (r.statusCode() >= 400) {
      throw new ApiError(n.path("error").asText("HTTP " + r.statusCode()));
    }
    String next = r.headers().firstValue("link").filter(l -> l.contains("rel=\"next\"") && l.startsWith("<"))
        .map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
    return new Answer(n, next);
  }

  /** A list answer, every page of it. */
  private JsonNode list(String path) throws Exception {
    com.fasterxml.jackson.databind.node.ArrayNode all = JSON.createArrayNode();
    String url = api + "/api/v1" + path;
    URI base = URI.create(api);
    for (int pages = 0; url != null && pages < 10_000; pages++) {
      Answer a = send("GET", url, null, null);
      if (!a.body.isArray()) {
        return a.body;
      }
      all.addAll((com.fasterxml.jackson.databind.node.ArrayNode) a.body);
      url = a.next == null ? null : base.resolve(a.next).toString();
    }
    return all;
  }

  // ---- flows

  private int flows(List<String> args) throws Exception {
    if (args.isEmpty()) {
      System.err.println("usage: switchboard flows BRIDGE [--desired] [--diff] [--api URL]");
      return 2;
    }
    String bridge = args.get(0);
    boolean desired = args.contains("--desired");
    if (args.contains("--diff")) {
      JsonNode d = call("GET", "/switches/" + bridge + "/flows?diff=true", null, null);
      System.out.println(d.path("in-sync").asBoolean() ? "in sync: the switch holds exactly what the apps want"
          : "differences between desired and live:");
      for (String part : List.of("missing", "different", "extra")) {
        for (JsonNode f : d.path(part)) {
          System.out.println("  " + part + ": " + flowLine(f.has("desired") ? f.get("desired") : f));
        }
      }
      return 0;
    }
    JsonNode flows = list("/switches/" + bridge + "/flows" + (desired ? "?source=desired" : ""));
    String stage = null;
    System.out.println((desired ? "desired" : "live") + " flows on " + bridge + " (" + flows.size() + "):");
    for (JsonNode f : flows) {
      String st = f.path("stage").asText("table " + f.path("table").asInt());
      if (!st.equals(stage)) {
        stage = st;
        System.out.printf("%n table=%d %s%n", f.path("table").asInt(), st);
      }
      System.out.println("  " + flowLine(f));
    }
    return 0;
  }

  /** ovs-ofctl-like: priority=100,in_port=con6-eth actions=... [app, rule] n_packets=.. */
  static String flowLine(JsonNode f) {
    StringBuilder sb = new StringBuilder("priority=").append(f.path("priority").asInt());
    f.path("match").fields().forEachRemaining(e -> sb.append(',').append(e.getKey()).append('=')
        .append(e.getValue().asText()));
    List<String> acts = new ArrayList<>();
    f.path("actions").forEach(a -> acts.add(a.asText()));
    sb.append(" actions=").append(String.join(",", acts));
    sb.append("  [").append(f.path("app").asText("?"));
    if (f.has("rule")) {
      sb.append(", rule ").append(f.path("rule").asText());
    } else if (f.has("about")) {
      sb.append(", ").append(f.path("about").asText());
    }
    sb.append(']');
    if (f.has("packets")) {
      sb.append(" n_packets=").append(f.path("packets").asLong()).append(" n_bytes=")
          .append(f.path("bytes").asLong()).append(" duration=").append(f.path("duration-seconds").asLong())
          .append('s');
    }
    if (f.path("idle-timeout").asInt() > 0) {
      sb.append(" idle_timeout=").append(f.path("idle-timeout").asInt());
    }
    return sb.toString();
  }

  // ---- hosts

  private int hosts() throws Exception {
    JsonNode hosts = list("/hosts");
    System.out.printf("%-10s %-6s %-19s %-14s %5s %8s%n", "BRIDGE", "VLAN", "MAC", "PORT", "NO", "AGE");
    for (JsonNode h : hosts) {
      System.out.printf("%-10s %-6s %-19s %-14s %5s %7ss%n", h.path("bridge").asText(), h.path("vlan").asText(),
          h.path("mac").asText(), h.path("port").asText(), h.path("port-number").asText(),
          h.path("age-seconds").asText());
    }
    System.out.println(hosts.size() + " learned host(s)");
    return 0;
  }

  // ---- trace

  private int trace(List<String> args) throws Exception {
    if (args.isEmpty()) {
      System.err.println("usage: switchboard trace BRIDGE in-port=PORT [field=value ...]   e.g.\n"
          + "  switchboard trace ovs0 in-port=con6-eth ipv4-src=192.168.1.2 ipv4-dst=192.168.2.2 ip-proto=icmp");
      return 2;
    }
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("bridge", args.get(0));
    for (String kv : args.subList(1, args.size())) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        System.err.println("switchboard trace: expected field=value, got '" + kv + "'");
        return 2;
      }
      String v = kv.substring(eq + 1);
      req.put(kv.substring(0, eq), v.matches("\\d+") ? (Object) Long.parseLong(v) : v);
    }
    JsonNode t = call("POST", "/trace", JSON.writeValueAsString(req), "application/json");
    printTrace(t);
    return 0;
  }

  public static void printTrace(JsonNode t) {
    System.out.println("packet: " + inline(t.path("packet")));
    for (JsonNode hop : t.path("hops")) {
      System.out.printf("%nbridge %s (%s), in-port %s%n", hop.path("bridge").asText(), hop.path("dpid").asText(),
          hop.path("in-port").asText());
      for (JsonNode step : hop.path("steps")) {
        JsonNode f = step.path("flow");
        System.out.printf("  %-8s ", step.path("stage").asText("table " + step.path("table").asInt()));
        if (f.isNull() || f.isMissingNode()) {
          System.out.println("no match: " + step.path("result").asText());
          continue;
        }
        System.out.println(flowLine(f));
        step.path("notes").forEach(n -> System.out.println("           note: " + n.asText()));
      }
    }
    System.out.println();
    for (JsonNode o : t.path("outcome")) {
      System.out.println("=> " + o.path("summary").asText());
    }
  }

  private static String inline(JsonNode obj) {
    List<String> parts = new ArrayList<>();
    obj.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    return String.join(" ", parts);
  }

  // ---- plan, reload

  private int plan(List<String> args) throws Exception {
    String body = "";
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--config") && i + 1 < args.size()) {
        body = Files.readString(Path.of(args.get(++i)));
      }
    }
    JsonNode p = call("POST", "/config/plan", body, "application/yaml");
    printChanges(p.path("bridges"));
    if (p.path("restart-required").size() > 0) {
      System.out.println("needs a restart to change: " + p.path("restart-required"));
    }
    return 0;
  }

  private int reload() throws Exception {
    JsonNode r = call("POST", "/config/reload", "", "application/json");
    System.out.println("config reloaded");
    printChanges(r.path("changes"));
    if (r.path("restart-required").size() > 0) {
      System.out.println("needs a restart to change: " + r.path("restart-required"));
    }
    return 0;
  }

  private static void printChanges(JsonNode bridges) {
    int total = 0;
    for (JsonNode b : bridges) {
      int n = b.path("add").size() + b.path("modify").size() + b.path("delete").size();
      total += n;
      System.out.printf("%s (%s): %d to add, %d to modify, %d to delete%n", b.path("bridge").asText(),
          b.path("dpid").asText(), b.path("add").size(), b.path("modify").size(), b.path("delete").size());
      for (String kind : List.of("add", "modify", "delete")) {
        for (JsonNode f : b.path(kind)) {
          System.out.println("  " + kind + " table=" + f.path("table").asInt() + " " + flowLine(f));
        }
      }
      for (JsonNode c : b.path("conflicts")) {
        System.out.println("  conflict table=" + c.path("table").asInt() + " priority=" + c.path("priority").asInt()
            + " match=" + c.path("match") + ": apps " + c.path("apps") + " want it; " + c.path("installed").asText()
            + "'s entry is installed");
      }
      if (b.path("conflict-count").asInt() > b.path("conflicts").size()) {
        System.out.println("  ... " + (b.path("conflict-count").asInt() - b.path("conflicts").size())
            + " more conflicts");
      }
    }
    if (total == 0) {
      System.out.println("no flow would change");
    }
  }
}
