package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * @param listen       where switches connect ({@code ovs-vsctl set-controller BR tcp:HOST:PORT})
 * @param echoInterval keepalive period; a switch silent for 3 intervals is dropped
 * @param limits       what one switch may make the controller hold ({@code openflow.limits})
 */
public record OpenFlowSettings(HostPort listen, Duration echoInterval, OpenFlowLimits limits) {
  public OpenFlowSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(echoInterval, "echoInterval");
    Objects.requireNonNull(limits, "limits");
  }

  public OpenFlowSettings(HostPort listen, Duration echoInterval) {
    this(listen, echoInterval, OpenFlowLimits.DEFAULTS);
  }
}
