package io.switchboard.config;

import java.util.List;
import java.util.Objects;

/** A distributed logical router joining networks (by name); each network's gateway is its address there. */
public record OverlayRouter(String name, List<String> networks) {
  public OverlayRouter {
    Objects.requireNonNull(name, "name");
    networks = List.copyOf(networks);
  }
}
