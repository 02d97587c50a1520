package io.switchboard.apps.overlay.config;

import io.switchboard.config.Ipv4Prefix;
import java.util.Objects;

/** A router's static route: packets to {@code prefix} go to {@code nextHop}, an address on its external network. */
public record StaticRoute(Ipv4Prefix prefix, int nextHop) {
  public StaticRoute {
    Objects.requireNonNull(prefix, "prefix");
  }
}
