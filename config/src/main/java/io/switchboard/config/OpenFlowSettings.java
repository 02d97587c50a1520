package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * @param listen       where switches connect ({@code ovs-vsctl set-controller BR tcp:HOST:PORT})
 * @param echoInterval keepalive period; a switch silent for 3 intervals is dropped
 */
public record OpenFlowSettings(HostPort listen, Duration echoInterval) {
  public OpenFlowSettings {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(echoInterval, "echoInterval");
  }
}
