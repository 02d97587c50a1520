package io.switchboard.controller.core;

import io.switchboard.controller.openflow.SwitchSession;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a connection claims a dpid that is already connected. Anyone who reaches the OpenFlow port can
 * claim any dpid, so the connected bridge keeps its place while it answers: the newcomer replaces it only when
 * <ul>
 *   <li>it is authenticated: TLS with the certificate the bridge is pinned to ({@code bridges[].certificate}), or</li>
 *   <li>the old connection is closed, or does not answer an echo request within {@link #PROBE_TIMEOUT}
 *       (a restarted OVS whose old TCP connection is half-open).</li>
 * </ul>
 * Otherwise the newcomer is refused and closed. Nothing waits: the echo is a future, and the decision runs on the
 * newcomer's worker when it completes. Refusals are counted and logged once per source address per interval.
 */
final class SwitchTakeover {
  private static final Logger log = LoggerFactory.getLogger(SwitchTakeover.class);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final Map<Long, SwitchSession> sessions;
  private final Predicate<SwitchSession> authenticated;
  private final Consumer<SwitchSession> adopt;
  private final Metrics metrics;
  private final Duration probeTimeout;
  private final LogLimiter refusedLog = new LogLimiter(Duration.ofSeconds(60), 1024);

  /**
   * @param sessions      the connected bridges by dpid (the controller's map)
   * @param authenticated whether a connection presented the certificate its bridge is pinned to
   * @param adopt         makes a connection the bridge's session (it is already in {@code sessions}); on its worker
   */
  SwitchTakeover(Map<Long, SwitchSession> sessions, Predicate<SwitchSession> authenticated,
                 Consumer<SwitchSession> adopt, Metrics metrics, Duration probeTimeout) {
    this.sessions = sessions;
    this.authenticated = authenticated;
    this.adopt = adopt;
    this.metrics = metrics;
    this.probeTimeout = probeTimeout;
    metrics.describe("switchboard_openflow_takeovers_total",
        "Connections that claimed a connected dpid, by result: replaced the old one, or refused");
    metrics.add("switchboard_openflow_takeovers_total", 0, "result", "replaced");
    metrics.add("switchboard_openflow_takeovers_total", 0, "result", "refused");
  }

  /** A connection finished its handshake; runs on its worker. */
  void arrived(SwitchSession s) {
    if (!s.isOpen()) {
      return;
    }
    SwitchSession old = sessions.putIfAbsent(s.dpid(), s);
    if (old == null) {
      adopt.accept(s);
      return;
    }
    if (old == s) {
      return;
    }
    if (!old.isOpen()) {
      replace(old, s, "the old connection is closed");
    } else if (authenticated.test(s)) {
      replace(old, s, "the new one presented the bridge's pinned certificate");
    } else {
      old.probe(probeTimeout).whenComplete((ok, err) -> s.worker().execute(() -> {
        if (!s.isOpen()) {
          return;
        }
        if (err == null && old.isOpen() && sessions.get(s.dpid()) == old) {
          refuse(old, s);
        } else if (sessions.get(s.dpid()) == old) {
          replace(old, s, "the old connection did not answer an echo request within " + probeTimeout.toMillis()
              + " ms");
        } else {
          arrived(s); // the bridge's connection changed meanwhile: decide again against the current one
        }
      }));
    }
  }

  private void replace(SwitchSession old, SwitchSession s, String why) {
    if (!sessions.replace(s.dpid(), old, s)) {
      arrived(s);
      return;
    }
    log.info("switch {}: the connection from {} replaces the one from {}: {}", s.dpidText(), s.remoteAddress(),
        old.remoteAddress(), why);
    metrics.inc("switchboard_openflow_takeovers_total", "result", "replaced");
    old.close("replaced by a new connection from the same dpid");
    adopt.accept(s);
  }

  private void refuse(SwitchSession old, SwitchSession s) {
    metrics.inc("switchboard_openflow_takeovers_total", "result", "refused");
    long suppressed = refusedLog.admit(host(s.remoteAddress()));
    if (suppressed >= 0) {
      log.warn("switch {}: refused a second connection from {}: the connected one from {} still answers echo, and "
          + "only a connection with the bridge's pinned certificate may take over{}", s.dpidText(),
          s.remoteAddress(), old.remoteAddress(), LogLimiter.more(suppressed));
    }
    s.closeQuietly();
  }

  static String host(String address) {
    int colon = address.lastIndexOf(':');
    return colon > 0 ? address.substring(0, colon) : address;
  }
}
