package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's mutating commands send the token of the controller's rest.token-file; without it they are refused. */
class CliTokenTest {
  @TempDir
  Path dir;

  record Run(int status, String out, String err) {}

  static synchronized Run cli(String command, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int status = Cli.run(command, args);
      return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void reloadAndPlanSendTheTokenFromTheFile() throws Exception {
    Path file = dir.resolve("sb.yaml");
    Files.writeString(file, """
        openflow: {listen: 127.0.0.1:0}
        rest: {listen: 127.0.0.1:0, token-file: token}
        apps: [acl]
        """);
    try (Switchboard sb = Switchboard.start(ConfigLoader.load(file), file)) {
      Path token = dir.resolve("token");
      assertEquals(token, sb.restTokenFile(), "generated next to the config, as rest.token-file said");
      String api = sb.restBase().replace("/api/v1", "");

      Run ok = cli("reload", "--api", api, "--token-file", token.toString());
      assertEquals(0, ok.status(), ok.err());
      assertTrue(ok.out().contains("config reloaded"), ok.out());

      Run plan = cli("plan", "--api", api, "--token-file", token.toString(), "--config", file.toString());
      assertEquals(0, plan.status(), "a YAML body is accepted by /config/plan: " + plan.err());

      Run none = cli("reload", "--api", api, "--token-file", dir.resolve("absent").toString());
      assertEquals(1, none.status());
      assertTrue(none.err().contains("missing bearer token") && none.err().contains("no token file "
          + dir.resolve("absent")), none.err());

      Path wrong = dir.resolve("wrong");
      Files.writeString(wrong, "not-the-token-but-long-enough\n");
      Run bad = cli("reload", "--api", api, "--token-file", wrong.toString());
      assertEquals(1, bad.status());
      assertTrue(bad.err().contains("wrong bearer token"), bad.err());

      var http = java.net.http.HttpClient.newHttpClient();
      var deep = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sb.restBase() + "/config/plan"))
          .header("Authorization", "Bearer " + Files.readString(token).trim())
          .header("Content-Type", "application/yaml").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
              "apps: " + "[".repeat(1000) + "]".repeat(1000))).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(400, deep.statusCode(), "YAML nested 1,000 deep: " + deep.body());
      assertTrue(!deep.body().contains("Exception") && deep.body().length() < 1200, deep.body());

      Run hosts = cli("hosts", "--api", api, "--token-file", dir.resolve("absent").toString());
      assertEquals(1, hosts.status(), "l2-learning is not enabled: " + hosts.out());
      assertTrue(hosts.err().contains("not enabled"), "a read on loopback needs no token: " + hosts.err());
    }
  }

  @Test
  void aControllerThatCannotKeepItsTokenDoesNotStart() throws Exception {
    Path blocker = dir.resolve("a-file");
    Files.writeString(blocker, "x");
    Path cfg = dir.resolve("bad-token.yaml");
    Files.writeString(cfg, """
        openflow: {listen: 127.0.0.1:0}
        rest: {listen: 127.0.0.1:0, token-file: a-file/token}
        """);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), "io.switchboard.Main", "run", "--config", cfg.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("switchboard: REST token file " + blocker.resolve("token") + ": cannot create or read"
        + " it"), out);
    assertTrue(!out.contains("\tat "), "no stack trace: " + out);
  }
}
