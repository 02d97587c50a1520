package io.switchboard.config;

import static io.switchboard.config.Check.error;
import static io.switchboard.config.Check.errors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** openflow.tls, openflow.tls-listen and bridges[].certificate with files made by ovs-pki, as operators make them. */
class TlsConfigTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void pki() throws Exception {
    run("ovs-pki", "--dir=" + dir.resolve("pki"), "--log=" + dir.resolve("pki.log"), "init");
    // relative names: ovs-pki puts the name in the certificate's CN, which has room for 64 characters only
    run("ovs-pki", "--dir=" + dir.resolve("pki"), "--log=" + dir.resolve("pki.log"), "req+sign", "ctl", "controller");
    run("ovs-pki", "--dir=" + dir.resolve("pki"), "--log=" + dir.resolve("pki.log"), "req+sign", "sw", "switch");
    // the form older ovs-pki (OpenSSL 1.1) writes: PKCS#1
    run("openssl", "pkey", "-in", dir.resolve("ctl-privkey.pem").toString(), "-traditional", "-out",
        dir.resolve("ctl-rsa.pem").toString());
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
    return out;
  }

  static SwitchboardConfig loadFile(String yaml) throws Exception {
    Path f = dir.resolve("switchboard.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  static final String TLS = """
      openflow:
        listen: 0.0.0.0:6653
        tls:
          cert: ctl-cert.pem
          key: ctl-privkey.pem
          ca: pki/switchca/cacert.pem
      """;

  @Test
  void relativePathsAreRelativeToTheConfigFileAndListenSpeaksTls() throws Exception {
    OpenFlowSettings of = loadFile(TLS).openflow();
    TlsFiles t = of.tls().orElseThrow();
    assertEquals(dir.resolve("ctl-cert.pem"), t.cert());
    assertEquals(dir.resolve("ctl-privkey.pem"), t.key());
    assertEquals(dir.resolve("pki/switchca/cacert.pem"), t.ca());
    assertTrue(of.listenIsTls());
    assertFalse(SwitchboardConfig.defaults().openflow().listenIsTls());
    assertTrue(SwitchboardConfig.defaults().openflow().tls().isEmpty());
  }

  @Test
  void tlsListenAddsATlsListenerAndKeepsListenPlain() throws Exception {
    OpenFlowSettings of = loadFile(TLS + "  tls-listen: 0.0.0.0:6654\n").openflow();
    assertEquals(Optional.of(new HostPort("0.0.0.0", 6654)), of.tlsListen());
    assertFalse(of.listenIsTls());
  }

  @Test
  void aPkcs1KeyAsOlderOvsPkiWritesItIsTheSameKey() {
    assertTrue(read(dir.resolve("ctl-rsa.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    assertArrayEquals(Pem.privateKey(dir.resolve("ctl-privkey.pem")).getEncoded(),
        Pem.privateKey(dir.resolve("ctl-rsa.pem")).getEncoded());
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void badFilesAreReportedAtTheirKeyWithTheirLine() {
    String yaml = """
        openflow:
          tls:
            cert: %s
            key: %s
            ca: %s
        """.formatted(dir.resolve("nope.pem"), dir.resolve("sw-privkey.pem"), dir.resolve("sw-privkey.pem"));
    List<ConfigError> errs = errors(yaml);
    error(errs, 3, "openflow.tls.cert", "nope.pem: no such file");
    error(errs, 5, "openflow.tls.ca", "no PEM certificate");
    assertEquals(2, errs.size(), Check.text(errs));
    String certAsKey = """
        openflow:
          tls: {cert: %s, key: %s, ca: %s}
        """.formatted(dir.resolve("ctl-cert.pem"), dir.resolve("ctl-cert.pem"), dir.resolve("ctl-cert.pem"));
    error(certAsKey, 2, "openflow.tls.key", "no PEM private key");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    String yaml = """
        openflow:
          tls:
            cert: %s
            key: %s
            ca: %s
        """.formatted(dir.resolve("ctl-cert.pem"), dir.resolve("sw-privkey.pem"),
        dir.resolve("pki/switchca/cacert.pem"));
    error(yaml, 4, "openflow.tls.key", "is not the private key of the certificate");
  }

  @Test
  void everyFileIsRequiredAndTlsListenNeedsTls() {
    error("openflow:\n  tls: {cert: a.pem}\n", 2, "openflow.tls.key", "missing");
    error("openflow:\n  tls: {cert: a.pem}\n", 2, "openflow.tls.ca", "missing");
    error("openflow:\n  tls: yes\n", 2, "openflow.tls", "expected the TLS files");
    error("openflow:\n  tls-listen: 0.0.0.0:6654\n", 2, "openflow.tls-listen", "needs openflow.tls");
    error("openflow:\n  tls: {cert: a, key: b, ca: c, crt: d}\n", 2, "openflow.tls.crt", "unknown key");
  }

  @Test
  void tlsListenMayNotShareThePortOfListen() throws Exception {
    Path f = dir.resolve("clash.yaml");
    Files.writeString(f, TLS + "  tls-listen: 127.0.0.1:6653\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("clash.yaml:7: openflow.tls-listen: port 6653 is already used by "
        + "openflow.listen"), e.getMessage());
  }

  @Test
  void aBridgeIsPinnedByItsCertificateFileOrFingerprint() throws Exception {
    String openssl = run("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
        dir.resolve("sw-cert.pem").toString());
    String colons = openssl.substring(openssl.indexOf('=') + 1).trim();
    String hex = colons.replace(":", "").toLowerCase();
    SwitchboardConfig c = loadFile("""
        bridges:
          - bridge: ovs0
            certificate: sw-cert.pem
          - bridge: 00:00:00:00:00:00:00:c2
            certificate-fingerprint: "%s"
          - bridge: ovs3
        """.formatted(colons));
    assertEquals(Optional.of(hex), c.bridges().get(0).certificate());
    assertEquals(Optional.of(hex), c.bridges().get(1).certificate());
    assertEquals(Optional.empty(), c.bridges().get(2).certificate());
    assertEquals(Set.of(hex), c.pinnedCertificates("ovs0", 1));
    assertEquals(Set.of(hex), c.pinnedCertificates(null, 0xc2));
    assertEquals(Set.of(), c.pinnedCertificates("ovs3", 3));
  }

  @Test
  void badPinsAreReportedAtTheirKey() {
    error("""
        bridges:
          - bridge: ovs0
            certificate-fingerprint: abcd
        """, 3, "bridges[0].certificate-fingerprint", "64 hex digits", "\"abcd\"");
    error("""
        bridges:
          - bridge: ovs0
            certificate: /nonexistent/sw-cert.pem
        """, 3, "bridges[0].certificate", "/nonexistent/sw-cert.pem: no such file");
    error("""
        bridges:
          - bridge: ovs0
            certificate: /etc/hostname
            certificate-fingerprint: "%s"
        """.formatted("ab".repeat(32)), 4, "bridges[0].certificate-fingerprint", "not both");
    error("""
        bridges:
          - bridge: ovs0
            certficate: x.pem
        """, 3, "bridges[0].certficate", "did you mean 'certificate'");
  }
}
