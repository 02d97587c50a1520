package io.switchboard.config;

import java.util.Objects;

/** @param listen address of the REST API (and /metrics) */
public record RestSettings(HostPort listen) {
  public RestSettings {
    Objects.requireNonNull(listen, "listen");
  }
}
