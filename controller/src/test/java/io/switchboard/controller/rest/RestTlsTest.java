package io.switchboard.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.HostPort;
import io.switchboard.config.RestSettings;
import io.switchboard.controller.testing.ControllerHarness;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rest.tls: the API over HTTPS with a self-signed certificate made here by openssl, and a client trusting it. */
class RestTlsTest {
  @TempDir
  Path dir;

  Path selfSigned() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl: " + out);
    return cert;
  }

  static SSLContext trusting(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      ks.setCertificateEntry("controller", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void theApiAnswersOverHttpsWithTheConfiguredCertificate() throws Exception {
    Path cert = selfSigned();
    try (ControllerHarness ctl = ControllerHarness.start("apps: []")) {
      RestSettings tls = new RestSettings(new HostPort("127.0.0.1", 0), dir.resolve("token"), List.of(),
          new RestSettings.Tls(cert, dir.resolve("key.pem")), RestSettings.DEFAULT_MAX_BODY_BYTES);
      try (RestServer https = new RestServer(ctl.controller(), tls)) {
        int port = https.start().getPort();
        String token = Files.readString(dir.resolve("token")).trim();
        String base = "https://127.0.0.1:" + port + "/api/v1";
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert))
            .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"status\" : \"ok\""), health.body());

        String trace = "{\"bridge\": \"nowhere\"}";
        HttpResponse<String> sameSite = client.send(HttpRequest.newBuilder(URI.create(base + "/trace"))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .header("Origin", "https://127.0.0.1:" + port).POST(HttpRequest.BodyPublishers.ofString(trace)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, sameSite.statusCode(), "past every check, to the handler (no such bridge): "
            + sameSite.body());
        HttpResponse<String> plainOrigin = client.send(HttpRequest.newBuilder(URI.create(base + "/trace"))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .header("Origin", "http://127.0.0.1:" + port).POST(HttpRequest.BodyPublishers.ofString(trace)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(403, plainOrigin.statusCode(), "an http:// page is another origin than the https:// API");

        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(SSLHandshakeException.class, () -> untrusting.send(HttpRequest.newBuilder(
            URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()),
            "a client that does not trust the certificate gets no answer");
        assertThrows(java.io.IOException.class, () -> untrusting.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v1/health")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()), "no plain HTTP on the HTTPS port");
      }
    }
  }
}
