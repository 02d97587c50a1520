package io.switchboard.controller.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.Pem;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.RawOpenFlowClient;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenFlow over TLS against real ovs-vswitchd with certificates made by ovs-pki: a bridge connects over ssl: and gets
 * its flows; a switch whose certificate another CA signed is refused; a bridge pinned to its certificate cannot be
 * claimed with another valid one; and impostors over plain TCP, claiming a connected dpid, push no bridge off.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsEndToEndTest {
  static final long PINNED = 0xd1L;
  static final long UNPINNED = 0xd2L;

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("tlse");

  static Path pki;
  static TestBed bed;
  static SimHost h1;
  static Bridge ovs0;
  static Bridge ovs1;
  static Container a;
  static Container b;
  static ControllerHarness ctl;
  static SwitchSession pinned;
  static SwitchSession unpinned;

  @BeforeAll
  static void up() throws Exception {
    pki = Files.createTempDirectory("tl-pki");
    ovsPki("pki", "init");
    ovsPki("pki", "req+sign", "ctl", "controller");
    ovsPki("pki", "req+sign", "sw1", "switch");
    ovsPki("pki", "req+sign", "sw2", "switch");
    ovsPki("other", "init");
    ovsPki("other", "req+sign", "rogue", "switch");

    bed = e2e.bed();
    h1 = bed.host("h1");
    ovs0 = h1.addBridge("ovs0", PINNED);
    ovs1 = h1.addBridge("ovs1", UNPINNED);
    a = bed.container(h1, "a", "ovs0", "10.21.0.1/24", "02:00:00:00:00:0a");
    b = bed.container(h1, "b", "ovs0", "10.21.0.2/24", "02:00:00:00:00:0b");
    h1.setSsl(pki.resolve("sw1-privkey.pem"), pki.resolve("sw1-cert.pem"), pki.resolve("pki/controllerca/cacert.pem"));

    ctl = e2e.start("""
        openflow:
          echo-interval: 1s
          tls:
            cert: %1$s/ctl-cert.pem
            key: %1$s/ctl-privkey.pem
            ca: %1$s/pki/switchca/cacert.pem
          tls-listen: 127.0.0.1:0
        reconcile: {audit-interval: 2s}
        apps: [hub]
        bridges:
          - bridge: "00:00:00:00:00:00:00:d1"
            certificate: %1$s/sw1-cert.pem
        """.formatted(pki), new CoreEndToEndTest.HubApp());
    ovs0.setController("ssl", ctl.openflowTlsPort());
    ovs1.setController("ssl", ctl.openflowTlsPort());
    pinned = ctl.awaitSwitch("ovs0", Duration.ofSeconds(20));
    unpinned = ctl.awaitSwitch("ovs1", Duration.ofSeconds(20));
  }

  /** ovs-pki in the temporary directory; names are relative (ovs-pki puts them in a 64-character CN). */
  static void ovsPki(String dir, String... args) throws IOException, InterruptedException {
    var cmd = new java.util.ArrayList<>(java.util.List.of("ovs-pki", "--dir=" + pki.resolve(dir),
        "--log=" + pki.resolve(dir + ".log")));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), cmd + ":\n" + out);
  }

  @AfterAll
  static void down() throws IOException {
    if (pki != null) {
      try (var files = Files.walk(pki)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  static long metric(String name, String... labels) {
    return ctl.controller().metrics().counter(name, labels);
  }

  /** The pinned bridge still has the connection it started with, and forwards. */
  static void theRealBridgesStay() throws Exception {
    assertSame(pinned, ctl.controller().session(PINNED).orElseThrow(), "the pinned bridge's session was replaced");
    assertSame(unpinned, ctl.controller().session(UNPINNED).orElseThrow(), "the unpinned bridge's session was "
        + "replaced");
    assertTrue(pinned.isOpen() && unpinned.isOpen());
    // OVS writes is_connected to its database every few seconds: wait for it; its log says at once
    assertTrue(ovs0.awaitConnected(Duration.ofSeconds(10)) && ovs1.awaitConnected(Duration.ofSeconds(10)),
        () -> ovs0.controllerConnections() + " " + ovs1.controllerConnections() + "\n" + ovsLog());
    String log = ovsLog();
    assertTrue(log.lines().noneMatch(l -> l.contains("<->ssl") && (l.contains("disconnect") || l.contains("dropped")
        || l.contains("closed"))),
        "the real bridges never lost their controller connection:\n" + log);
    assertEquals(0, metric("switchboard_openflow_takeovers_total", "result", "replaced"));
    assertTrue(ovs0.dumpFlows().contains("actions=FLOOD"), ovs0.dumpFlows());
  }

  /** The connection lines of h1's ovs-vswitchd log, for a failure message. */
  static String ovsLog() {
    try {
      return String.join("\n", Files.readAllLines(h1.dir().resolve("vswitchd.log")).stream()
          .filter(l -> l.contains("rconn") || l.contains("stream_ssl") || l.contains("connect")).toList());
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  @Order(1)
  void theBridgeConnectsOverTlsWithItsCertificateAndGetsItsFlows() throws Exception {
    assertEquals(Pem.fingerprint(Pem.certificates(pki.resolve("sw1-cert.pem")).get(0)), pinned.peerCertificate());
    assertTrue(ovs0.controllerConnections().containsKey("ssl:127.0.0.1:" + ctl.openflowTlsPort()),
        ovs0.controllerConnections().toString());
    // awaitSwitch returns once the first reconciliation is sent; the bundle may still be on its way
    ControllerHarness.awaitTrue("the hub's flows on ovs0", Duration.ofSeconds(5),
        () -> ovs0.dumpFlows().contains("actions=FLOOD"));
    assertTrue(a.ping(b.ip(), 3, Duration.ofSeconds(5)).allReceived());
    assertEquals(0, metric("switchboard_openflow_tls_failures_total"));
    String sw = ctl.get("/switches/ovs0").body();
    assertTrue(sw.contains("\"tls\" : true") && sw.contains("\"certificate-sha256\" : \"" + pinned.peerCertificate()
        + "\""), sw);
    String m = ctl.get("/metrics").body();
    for (String series : java.util.List.of("switchboard_openflow_tls_failures_total 0",
        "switchboard_openflow_pin_refusals_total 0", "switchboard_openflow_takeovers_total{result=\"refused\"} 0")) {
      assertTrue(m.contains(series), "missing " + series + " in\n" + m);
    }
  }

  @Test
  @Order(2)
  void aSwitchWhoseCertificateAnotherCaSignedIsRefused() throws Exception {
    SimHost h3 = bed.host("h3");
    h3.setSsl(pki.resolve("rogue-privkey.pem"), pki.resolve("rogue-cert.pem"),
        pki.resolve("pki/controllerca/cacert.pem"));
    Bridge rogue = h3.addBridge("ovs3", 0xd3L);
    rogue.setController("ssl", ctl.openflowTlsPort());
    ControllerHarness.awaitTrue("a failed TLS handshake counted", Duration.ofSeconds(15),
        () -> metric("switchboard_openflow_tls_failures_total") >= 2);
    assertTrue(ctl.controller().session(0xd3L).isEmpty(), "a switch the CA did not sign never becomes a session");
    theRealBridgesStay();
    h3.deleteBridge("ovs3");
  }

  @Test
  @Order(3)
  void aPinnedDpidClaimedWithAnotherValidCertificateIsRefused() throws Exception {
    SimHost h2 = bed.host("h2");
    h2.setSsl(pki.resolve("sw2-privkey.pem"), pki.resolve("sw2-cert.pem"), pki.resolve("pki/controllerca/cacert.pem"));
    Bridge impostor = h2.addBridge("ovs0", PINNED); // same name, same dpid, a certificate of the right CA
    impostor.setController("ssl", ctl.openflowTlsPort());
    ControllerHarness.awaitTrue("the impostor refused for its certificate", Duration.ofSeconds(15),
        () -> metric("switchboard_openflow_pin_refusals_total") >= 2);
    Thread.sleep(1500); // it keeps trying meanwhile
    theRealBridgesStay();
    h2.deleteBridge("ovs0");
  }

  @Test
  @Order(4)
  void aPlainTcpImpostorClaimingAConnectedDpidDoesNotPushTheBridgeOff() throws Exception {
    long refusedBefore = metric("switchboard_openflow_takeovers_total", "result", "refused");
    try (RawOpenFlowClient evil = new RawOpenFlowClient(ctl.openflowPort())) {
      evil.handshake(UNPINNED, "ovs1");
      assertTrue(evil.awaitClosedByPeer(Duration.ofSeconds(6)),
          "the controller closes a newcomer while the connected bridge answers echo");
    }
    assertEquals(refusedBefore + 1, metric("switchboard_openflow_takeovers_total", "result", "refused"));
    theRealBridgesStay();
  }

  @Test
  @Order(5)
  void aPlainTcpImpostorClaimingThePinnedDpidIsRefusedAtOnce() throws Exception {
    long before = metric("switchboard_openflow_pin_refusals_total");
    long echoesBefore = metric("switchboard_messages_out_total", "type", "ECHO_REQUEST");
    try (RawOpenFlowClient evil = new RawOpenFlowClient(ctl.openflowPort())) {
      evil.handshake(PINNED, "ovs0");
      assertTrue(evil.awaitClosedByPeer(Duration.ofSeconds(3)), "no TLS, no pinned certificate: closed");
    }
    assertEquals(before + 1, metric("switchboard_openflow_pin_refusals_total"));
    theRealBridgesStay();
    assertTrue(a.ping(b.ip(), 3, Duration.ofSeconds(5)).allReceived());
    assertTrue(metric("switchboard_messages_out_total", "type", "ECHO_REQUEST") >= echoesBefore);
  }
}
