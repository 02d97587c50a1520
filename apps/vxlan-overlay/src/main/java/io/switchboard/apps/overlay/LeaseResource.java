package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.ChangeListeners;
import io.switchboard.controller.spi.RestResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/v1/overlay/leases}: the addresses the DHCP server acknowledged, with their expiry. Read-only: a
 * lease goes with a RELEASE or DECLINE, with its endpoint, or when it expires (expired leases are dropped
 * when the list is read).
 */
final class LeaseResource implements RestResource {
  private final VxlanOverlayApp app;
  private final ChangeListeners listeners = new ChangeListeners();

  LeaseResource(VxlanOverlayApp app) {
    this.app = app;
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** A lease was given, renewed or ended. */
  void changed() {
    listeners.fire();
  }

  @Override
  public String path() {
    return "overlay/leases";
  }

  @Override
  public List<Map<String, Object>> list() {
    DhcpServer d = app.dhcp();
    List<Map<String, Object>> out = new ArrayList<>();
    if (d == null) {
      return out;
    }
    long now = System.currentTimeMillis();
    new TreeMap<>(d.leases().snapshot()).forEach((name, lease) -> {
      if (lease.expiresAt() <= now) {
        d.leases().remove(name, lease);
      } else {
        out.add(lease.toMap(now));
      }
    });
    return out;
  }
}
