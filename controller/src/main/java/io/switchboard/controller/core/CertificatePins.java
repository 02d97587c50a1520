package io.switchboard.controller.core;

import io.switchboard.config.Pem;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.openflow.SwitchSession;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges pinned to a certificate ({@code bridges[].certificate}): a connection claiming one must present it over
 * TLS, or it is refused at the end of its handshake; one that does present it may take over a connected bridge.
 * Refusals are counted and logged once per source address per interval.
 */
final class CertificatePins {
  private static final Logger log = LoggerFactory.getLogger(CertificatePins.class);

  private final Supplier<SwitchboardConfig> config;
  private final Metrics metrics;
  private final LogLimiter pinLog = new LogLimiter(Duration.ofSeconds(60), 1024);

  CertificatePins(Supplier<SwitchboardConfig> config, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    metrics.describe("switchboard_openflow_pin_refusals_total",
        "Connections refused because their bridge is pinned to another certificate (or they had none)");
    metrics.add("switchboard_openflow_pin_refusals_total", 0);
  }

  /** Null when the connection may be the bridge it claims to be, otherwise why not. Event loop: does not block. */
  String refusal(SwitchSession s) {
    Set<String> pinned = config.get().pinnedCertificates(s.name(), s.dpid());
    String cert = s.peerCertificate();
    if (pinned.isEmpty() || cert != null && pinned.contains(cert)) {
      return null;
    }
    String why = cert == null ? "it connected without TLS"
        : "it presented another certificate (sha256 " + Pem.shortFingerprint(cert) + ")";
    metrics.inc("switchboard_openflow_pin_refusals_total");
    long suppressed = pinLog.admit(SwitchTakeover.host(s.remoteAddress()));
    if (suppressed >= 0) {
      log.warn("switch {} ({}): refused the connection from {}: the bridge is pinned to a certificate and {}{}",
          s.dpidText(), s.name(), s.remoteAddress(), why, LogLimiter.more(suppressed));
    }
    return why;
  }

  /** TLS with the certificate the bridge is pinned to. */
  boolean authenticated(SwitchSession s) {
    String cert = s.peerCertificate();
    return cert != null && config.get().pinnedCertificates(s.name(), s.dpid()).contains(cert);
  }
}
