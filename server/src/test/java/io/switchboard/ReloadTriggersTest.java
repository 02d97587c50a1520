package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running controller process reloads its config file on SIGHUP, and with --watch when the file changes. */
class ReloadTriggersTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String config(int of, int rest, String rule) {
    return """
        openflow: {listen: 127.0.0.1:%d}
        rest: {listen: 127.0.0.1:%d, token-file: rest-token}
        apps: [acl]
        acl:
          rules:
            - {name: %s, priority: 10, match: {tcp-dst: 23}, action: drop}
        """.formatted(of, rest, rule);
  }

  static String rules(int rest) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/api/v1/acl/rules"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  static String get(int rest, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/api/v1" + path))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  static void await(String what, Duration timeout, java.util.function.BooleanSupplier cond) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting for: " + what);
      Thread.sleep(100);
    }
  }

  Process start(Path cfg, String... extra) throws IOException {
    return startUnder(List.of(), cfg, extra);
  }

  /** {@link #start}, the controller run by {@code wrapper} (e.g. nohup); its output goes to {@link #log}. */
  Process startUnder(List<String> wrapper, Path cfg, String... extra) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(wrapper);
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp",
        System.getProperty("java.class.path"), "io.switchboard.Main", "run", "--config", cfg.toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(cfg).toFile()).start();
  }

  Path log(Path cfg) {
    return dir.resolve(cfg.getFileName() + ".log");
  }

  @Test
  void sighupReloadsTheFile() throws Exception {
    int of = freePort();
    int rest = freePort();
    Path cfg = dir.resolve("hup.yaml");
    Files.writeString(cfg, config(of, rest, "first"));
    Process p = start(cfg);
    try {
      await("the controller answers", Duration.ofSeconds(30), () -> rules(rest).contains("\"first\""));
      Files.writeString(cfg, config(of, rest, "second"));
      Thread.sleep(500);
      assertTrue(rules(rest).contains("\"first\""), "without --watch nothing happens before the signal");
      new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
      await("SIGHUP reloaded the file", Duration.ofSeconds(10), () -> rules(rest).contains("\"second\""));
      assertTrue(p.isAlive(), "SIGHUP does not stop the controller");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aProcessStartedWithSighupIgnoredSaysSoInsteadOfIgnoringReloadsSilently() throws Exception {
    int of = freePort();
    int rest = freePort();
    Path cfg = dir.resolve("nohup.yaml");
    Files.writeString(cfg, config(of, rest, "first"));
    Process p = startUnder(List.of("nohup"), cfg);
    Path log = log(cfg);
    try {
      await("the controller answers", Duration.ofSeconds(30), () -> rules(rest).contains("\"first\""));
      await("the warning", Duration.ofSeconds(5), () -> {
        try {
          return Files.readString(log).contains("SIGHUP is ignored in this process");
        } catch (IOException e) {
          return false;
        }
      });
      assertTrue(Files.readString(log).contains("use 'switchboard reload', or run with --watch"));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void watchReloadsWhenTheFileChanges() throws Exception {
    int of = freePort();
    int rest = freePort();
    Path cfg = dir.resolve("watch.yaml");
    Files.writeString(cfg, config(of, rest, "first"));
    Process p = start(cfg, "--watch");
    try {
      await("the controller answers", Duration.ofSeconds(30), () -> rules(rest).contains("\"first\""));
      Files.writeString(cfg, config(of, rest, "second"));
      await("--watch reloaded the file", Duration.ofSeconds(15), () -> rules(rest).contains("\"second\""));
      Files.writeString(cfg, "apps: [acll]\n");
      Thread.sleep(2000);
      assertTrue(rules(rest).contains("\"second\""), "a bad file changes nothing");
    } finally {
      p.destroyForcibly();
    }
  }
}
