package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * @param listen       where switches connect ({@code ovs-vsctl set-controller BR tcp:HOST:PORT}); speaks TLS when
 *                     {@code tls} is set and {@code tlsListen} is not
 * @param echoInterval keepalive period; a switch silent for 3 intervals is dropped
 * @param tls          OpenFlow over TLS ({@code ssl:HOST:PORT} on the OVS side); empty: plain TCP only
 * @param tlsListen    with {@code tls}: a second listener for TLS, {@code listen} then stays plain TCP (a lab, or a
 *                     migration from tcp: to ssl:)
 * @param limits       what one switch may make the controller hold ({@code openflow.limits})
 */
public record OpenFlowSettings(HostPort listen, Duration echoInterval, Optional<TlsFiles> tls,
    Optional<HostPort> tlsListen, OpenFlowLimits limits) {
  public OpenFlowSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(echoInterval, "echoInterval");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(tlsListen, "tlsListen");
    Objects.requireNonNull(limits, "limits");
    if (tlsListen.isPresent() && tls.isEmpty()) {
      throw new IllegalArgumentException("tls-listen needs tls");
    }
  }

  /** Plain TCP only, default limits. */
  public OpenFlowSettings(HostPort listen, Duration echoInterval) {
    this(listen, echoInterval, Optional.empty(), Optional.empty(), OpenFlowLimits.DEFAULTS);
  }

  public OpenFlowSettings(HostPort listen, Duration echoInterval, OpenFlowLimits limits) {
    this(listen, echoInterval, Optional.empty(), Optional.empty(), limits);
  }

  public OpenFlowSettings(HostPort listen, Duration echoInterval, Optional<TlsFiles> tls,
                          Optional<HostPort> tlsListen) {
    this(listen, echoInterval, tls, tlsListen, OpenFlowLimits.DEFAULTS);
  }

  /** The same settings listening elsewhere (tests and the demo use ephemeral loopback ports). */
  public OpenFlowSettings withListen(HostPort newListen, Optional<HostPort> newTlsListen) {
    return new OpenFlowSettings(newListen, echoInterval, tls, tls.isPresent() ? newTlsListen : Optional.empty(),
        limits);
  }

  /** True when {@link #listen} speaks TLS. */
  public boolean listenIsTls() {
    return tls.isPresent() && tlsListen.isEmpty();
  }
}
