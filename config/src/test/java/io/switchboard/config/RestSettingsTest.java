package io.switchboard.config;

import static io.switchboard.config.Check.error;
import static io.switchboard.config.Check.errors;
import static io.switchboard.config.Check.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rest.token-file, rest.allowed-hosts, rest.tls, rest.max-body-bytes, and check-config's warnings. */
class RestSettingsTest {

  @Test
  void defaults() {
    RestSettings r = load("").rest();
    assertEquals(RestSettings.defaultTokenFile(), r.tokenFile());
    assertEquals(List.of(), r.allowedHosts());
    assertNull(r.tls());
    assertEquals(1 << 20, r.maxBodyBytes());
    assertTrue(r.loopback());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void everyKey(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("c.pem"), "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n");
    Files.writeString(dir.resolve("k.pem"), "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n");
    Path file = dir.resolve("sb.yaml");
    Files.writeString(file, """
        rest:
          listen: 127.0.0.1:8443
          token-file: secrets/token
          allowed-hosts: [Ctl.Example.NET, "proxy.example.net:443", "[::1]:9000"]
          tls: {cert: c.pem, key: %s}
          max-body-bytes: 65536
        """.formatted(dir.resolve("k.pem")));
    RestSettings r = ConfigLoader.load(file).rest();
    assertEquals(dir.resolve("secrets/token"), r.tokenFile(), "relative to the config file's directory");
    assertEquals(List.of("ctl.example.net", "proxy.example.net:443", "[::1]:9000"), r.allowedHosts());
    assertEquals(new RestSettings.Tls(dir.resolve("c.pem"), dir.resolve("k.pem")), r.tls());
    assertEquals(65536, r.maxBodyBytes());
  }

  @Test
  void badValuesNameTheKey(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("not-a-cert.pem"), "hello\n");
    String yaml = """
        rest:
          allowed-hosts: ["evil example", 5]
          tls: {cert: %s}
          max-body-bytes: 12
          token-files: x
        """.formatted(dir.resolve("not-a-cert.pem"));
    var errs = errors(yaml);
    error(errs, 2, "rest.allowed-hosts[0]", "a host name or address");
    error(errs, 3, "rest.tls.cert", "CERTIFICATE");
    error(errs, 3, "rest.tls.key", "missing");
    error(errs, 4, "rest.max-body-bytes", "1024-1073741824", "out of range");
    error(errs, 5, "rest.token-files", "did you mean 'token-file'");
    error("rest: {tls: {cert: /nonexistent/c.pem, key: /nonexistent/k.pem}}\n", 1, "rest.tls.cert",
        "no such file: /nonexistent/c.pem");
  }

  @Test
  void checkConfigWarnsOnANetworkListenerWithoutTls(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("open.yaml");
    Files.writeString(f, "rest: {listen: 0.0.0.0:8080}\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = ConfigCheck.run(f, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(0, status, "a warning, not an error");
    assertEquals(2, lines.length, String.join("\n", lines));
    assertTrue(lines[0].endsWith(": OK (apps: l2-learning, 0 bridges)"));
    assertTrue(lines[1].startsWith(f + ": warning: rest.listen: 0.0.0.0:8080 is not a loopback address and rest.tls"
        + " is not set"), lines[1]);
    assertTrue(lines[1].contains("required there for reads too"), lines[1]);

    Files.writeString(f, "rest: {listen: 127.0.0.1:8080}\n");
    bytes.reset();
    ConfigCheck.run(f, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(1, bytes.toString(StandardCharsets.UTF_8).split("\n").length, "loopback: no warning");
  }
}
