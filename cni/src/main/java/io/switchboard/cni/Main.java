package io.switchboard.cni;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code switchboard-cni}: the CNI plugin a container runtime execs (installed under the conflist's type,
 * {@code switchboard}). The command is in {@code CNI_COMMAND}, the network configuration on stdin; the result or a
 * CNI error object goes to stdout, and an error exits non-zero.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--train")) {
      train();
      return;
    }
    Trace.mark("main");
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        StandardCharsets.UTF_8);
    int exit = run(System.getenv(), readStdin(), out);
    out.flush();
    System.exit(exit);
  }

  private static String readStdin() {
    try {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Runs one command; what a runtime reads is printed to out; returns the exit code. */
  static int run(Map<String, String> env, String stdin, PrintStream out) {
    String command = env.getOrDefault("CNI_COMMAND", "");
    String version = "1.1.0";
    try {
      if (command.equals("VERSION")) {
        out.println(Json.write(version(stdin)));
        return 0;
      }
      if (command.isEmpty()) {
        throw new CniException(CniException.INVALID_ENV, "CNI_COMMAND is required (ADD, DEL, CHECK, STATUS, GC or"
            + " VERSION); switchboard-cni is a CNI plugin that container runtimes exec");
      }
      boolean lenient = !command.equals("ADD") && !command.equals("CHECK");
      NetConf conf = NetConf.parse(stdin, lenient);
      version = conf.cniVersion();
      Plugin p = new Plugin(conf, env);
      switch (command) {
        case "ADD" -> out.println(Json.write(p.add()));
        case "DEL" -> p.del();
        case "CHECK" -> p.check();
        case "STATUS" -> p.status();
        case "GC" -> p.gc();
        default -> throw new CniException(CniException.INVALID_ENV, "CNI_COMMAND " + command + " is not one of ADD,"
            + " DEL, CHECK, STATUS, GC, VERSION");
      }
      return 0;
    } catch (CniException e) {
      Map<String, Object> err = new LinkedHashMap<>();
      err.put("cniVersion", version);
      err.put("code", (long) e.code());
      err.put("msg", e.getMessage());
      if (!e.details().isEmpty()) {
        err.put("details", e.details());
      }
      out.println(Json.write(err));
      return 1;
    }
  }

  private static Map<String, Object> version(String stdin) {
    String v = "1.1.0";
    try {
      Object requested = stdin.isBlank() ? null : Json.parseObject(stdin).get("cniVersion");
      if (requested instanceof String s && NetConf.VERSIONS.contains(s)) {
        v = s;
      }
    } catch (IllegalArgumentException ignored) {
      // VERSION answers whatever the config says
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cniVersion", v);
    m.put("supportedVersions", List.copyOf(NetConf.VERSIONS));
    return m;
  }

  /**
   * Loads what a command uses (config parsing, JSON, the HTTP client, a subprocess, error output) so that a JVM
   * started with {@code -XX:ArchiveClassesAtExit} archives those classes; the installer runs it once.
   */
  static void train() {
    PrintStream sink = new PrintStream(java.io.OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    String conf = "{\"cniVersion\": \"1.0.0\", \"name\": \"train\", \"type\": \"switchboard\", \"network\": \"n\","
        + " \"api\": \"http://127.0.0.1:9\", \"token-file\": \"/nonexistent\", \"mtu\": 1400,"
        + " \"prevResult\": {\"interfaces\": [], \"ips\": []}}";
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CNI_CONTAINERID", "train");
    env.put("CNI_IFNAME", "eth0");
    env.put("CNI_NETNS", "/proc/self/ns/net");
    for (String c : List.of("VERSION", "ADD", "DEL", "CHECK", "STATUS")) {
      env.put("CNI_COMMAND", c);
      run(env, conf, sink);
    }
    try {
      new Api("http://127.0.0.1:9", null).get("/health");
    } catch (CniException expected) {
      // nothing listens on the discard port: the connect path's classes are loaded all the same
    }
    trainHttp();
    try {
      Exec.run(List.of("true"), Map.of("A", "b"), "x");
      Json.write(Address.fromNetwork("10.0.0.2", Map.of("subnet", "10.0.0.0/24", "gateway", "10.0.0.1")));
    } catch (CniException ignored) {
      // only the loading matters
    }
    Attachment.of("train", "eth0");
  }

  /** A GET, a paged list, a POST and a DELETE against a throwaway local server: the client's answer path. */
  private static void trainHttp() {
    com.sun.net.httpserver.HttpServer server = null;
    try {
      server = com.sun.net.httpserver.HttpServer.create(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
      server.createContext("/", x -> {
        x.getRequestBody().readAllBytes();
        byte[] body = (x.getRequestURI().getPath().endsWith("s") ? "[{\"name\": \"a\"}]"
            : "{\"ip\": \"10.0.0.2\", \"mac\": \"0a:00:0a:00:00:02\"}").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(x.getRequestMethod().equals("POST") ? 201 : 200, body.length);
        x.getResponseBody().write(body);
        x.close();
      });
      server.start();
      Api api = new Api("http://127.0.0.1:" + server.getAddress().getPort(), "token");
      api.get("/overlay/networks/n");
      api.list("/overlay/hosts");
      api.post("/overlay/endpoints", Map.of("name", "a"));
      api.delete("/overlay/endpoints/a");
    } catch (IOException | CniException | RuntimeException ignored) {
      // only the loading matters
    } finally {
      if (server != null) {
        server.stop(0);
      }
    }
  }
}
