package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.NotSslRecordException;
import io.switchboard.config.Pem;
import io.switchboard.config.TlsFiles;
import io.switchboard.controller.testing.ControllerHarness;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** The TLS listener over loopback with ovs-pki certificates, switches played by JDK TLS sockets. */
class OpenFlowTlsTest {
  @TempDir
  static Path dir;
  static OpenFlowServer server;
  static int port;
  static final AtomicInteger failures = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    pki("pki", "init");
    pki("pki", "req+sign", "ctl", "controller");
    pki("pki", "req+sign", "sw", "switch");
    pki("other", "init");
    pki("other", "req+sign", "rogue", "switch");
    // the controller's key as older ovs-pki writes it (PKCS#1), to be sure the runtime reads that form too
    run("openssl", "pkey", "-in", "ctl-privkey.pem", "-traditional", "-out", "ctl-rsa.pem");
    OpenFlowTls tls = OpenFlowTls.load(new TlsFiles(dir.resolve("ctl-cert.pem"), dir.resolve("ctl-rsa.pem"),
        dir.resolve("pki/switchca/cacert.pem")), failures::incrementAndGet);
    server = new OpenFlowServer();
    port = server.start("127.0.0.1", 0, Duration.ofSeconds(5), new SwitchListener() {
      public void switchUp(SwitchSession s) {}

      public void switchDown(SwitchSession s) {}

      public void message(SwitchSession s, OFMessage m) {}

      public void undecodable(SwitchSession s, Undecodable u) {}
    }, Runnable::run, tls).getPort();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static void pki(String pkiDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ovs-pki", "--dir=" + dir.resolve(pkiDir),
        "--log=" + dir.resolve(pkiDir + ".log")));
    cmd.addAll(List.of(args));
    run(cmd.toArray(String[]::new));
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
  }

  /** A TLS client presenting NAME-cert.pem, trusting the controller CA of ovs-pki. */
  static SSLSocket connect(String name) throws Exception {
    return connect(name, port);
  }

  static SSLSocket connect(String name, int toPort) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    List<X509Certificate> chain = Pem.certificates(dir.resolve(name + "-cert.pem"));
    ks.setKeyEntry("k", Pem.privateKey(dir.resolve(name + "-privkey.pem")), new char[0],
        chain.toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", Pem.certificates(dir.resolve("pki/controllerca/cacert.pem")).get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", toPort);
    s.setSoTimeout(5000);
    return s;
  }

  @Test
  void aSwitchWithACertificateOfTheCaGetsTheOpenFlowHello() throws Exception {
    try (SSLSocket s = connect("sw")) {
      s.startHandshake();
      byte[] head = s.getInputStream().readNBytes(8);
      assertEquals(8, head.length);
      assertEquals(0, head[1], "type 0: HELLO, sent over TLS");
      assertEquals(Pem.fingerprint(Pem.certificates(dir.resolve("sw-cert.pem")).get(0)),
          Pem.fingerprint((X509Certificate) s.getSession().getLocalCertificates()[0]));
    }
  }

  @Test
  void aCertificateOfAnotherCaIsRefusedCountedAndOnlyThatConnectionCloses() throws Exception {
    int before = failures.get();
    try (SSLSocket good = connect("sw")) {
      good.startHandshake();
      assertThrows(IOException.class, () -> {
        try (SSLSocket s = connect("rogue")) {
          s.startHandshake();
          s.getInputStream().read(); // TLS 1.3: the server's refusal arrives after the client's finished
        }
      });
      ControllerHarness.awaitTrue("failure counted", Duration.ofSeconds(5), () -> failures.get() == before + 1);
      assertEquals(0, good.getInputStream().readNBytes(8)[1], "the good connection still works");
    }
  }

  @Test
  void plainTcpOnTheTlsPortIsAFailureToo() throws Exception {
    int before = failures.get();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(new byte[] {4, 0, 0, 8, 0, 0, 0, 1}); // an OpenFlow HELLO, not a TLS record
      InputStream in = s.getInputStream();
      assertTrue(drainsToEof(in), "closed by the controller");
    }
    ControllerHarness.awaitTrue("failure counted", Duration.ofSeconds(5), () -> failures.get() == before + 1);
    assertTrue(OpenFlowTls.reason(new NotSslRecordException("x")).contains("use ssl:"));
  }

  static boolean drainsToEof(InputStream in) {
    try {
      while (in.read() >= 0) {
        // a TLS alert may come first
      }
      return true;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Test
  void noClientCertificateIsRefused() throws Exception {
    int before = failures.get();
    SSLContext ctx = SSLContext.getInstance("TLS");
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", Pem.certificates(dir.resolve("pki/controllerca/cacert.pem")).get(0));
    tmf.init(ts);
    ctx.init(null, tmf.getTrustManagers(), null);
    assertThrows(IOException.class, () -> {
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
        s.setSoTimeout(5000);
        s.startHandshake();
        s.getInputStream().read();
      }
    });
    ControllerHarness.awaitTrue("failure counted", Duration.ofSeconds(5), () -> failures.get() == before + 1);
  }

  @Test
  void theKeepaliveStartsAfterASlowHandshakeAndThenStillDropsASilentSwitch() throws Exception {
    OpenFlowTls tls = OpenFlowTls.load(new TlsFiles(dir.resolve("ctl-cert.pem"), dir.resolve("ctl-privkey.pem"),
        dir.resolve("pki/switchca/cacert.pem")), () -> {});
    OpenFlowServer fast = new OpenFlowServer();
    try {
      // echo every second: a switch silent for 3 s is dropped
      int fastPort = fast.start("127.0.0.1", 0, Duration.ofSeconds(1), new SwitchListener() {
        public void switchUp(SwitchSession s) {}

        public void switchDown(SwitchSession s) {}

        public void message(SwitchSession s, OFMessage m) {}

        public void undecodable(SwitchSession s, Undecodable u) {}
      }, Runnable::run, tls).getPort();
      try (SSLSocket s = connect("sw", fastPort)) {
        Thread.sleep(4000); // connected, but the handshake starts only now
        s.startHandshake();
        assertEquals(0, s.getInputStream().readNBytes(8)[1], "HELLO after a 4 s handshake");
        long t0 = System.nanoTime();
        s.setSoTimeout(10_000);
        assertTrue(drainsToEof(s.getInputStream()), "a switch that never answers is dropped");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(seconds >= 2 && seconds <= 6, "dropped after " + seconds + " s, expected about 3");
      }
    } finally {
      fast.close();
    }
  }

  @Test
  void aMissingFileIsNamedWhenTheListenerStarts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenFlowTls.load(
        new TlsFiles(dir.resolve("nope.pem"), dir.resolve("ctl-privkey.pem"), dir.resolve("pki/switchca/cacert.pem")),
        () -> {}));
    assertTrue(e.getMessage().contains("nope.pem: no such file"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("ctl-rsa.pem")));
  }
}
