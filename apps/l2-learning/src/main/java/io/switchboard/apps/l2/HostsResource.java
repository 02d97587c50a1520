package io.switchboard.apps.l2;

import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.Values;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** {@code GET /api/v1/hosts}: the learned MAC addresses; {@code GET /api/v1/hosts/{mac}}: where one MAC is. */
final class HostsResource implements RestResource {
  private final Supplier<MacTable> table;
  private final LongSupplier millisClock;
  private final java.util.function.Consumer<Runnable> onChange;

  HostsResource(Supplier<MacTable> table, LongSupplier millisClock) {
    this(table, millisClock, listener -> {});
  }

  /** {@code onChange}: registers a listener told when a host appears, goes or moves. */
  HostsResource(Supplier<MacTable> table, LongSupplier millisClock, java.util.function.Consumer<Runnable> onChange) {
    this.table = table;
    this.millisClock = millisClock;
    this.onChange = onChange;
  }

  @Override
  public void onChange(Runnable listener) {
    onChange.accept(listener);
  }

  @Override
  public String path() {
    return "hosts";
  }

  @Override
  public List<Map<String, Object>> list() {
    MacTable t = table.get();
    if (t == null) {
      return List.of();
    }
    long now = millisClock.getAsLong();
    return t.all().stream().sorted(Comparator.comparing(LearnedHost::bridge).thenComparingInt(LearnedHost::vlan)
        .thenComparingLong(LearnedHost::mac)).map(h -> view(h, now)).toList();
  }

  /** The most recently learned location of a MAC address (a MAC may be known on several bridges or VLANs). */
  @Override
  public Optional<Map<String, Object>> get(String mac) {
    long value;
    try {
      value = Values.parseMac(mac);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "expected a MAC address like 02:00:00:00:01:02, got '" + mac + "'");
    }
    MacTable t = table.get();
    if (t == null) {
      return Optional.empty();
    }
    long now = millisClock.getAsLong();
    return t.all().stream().filter(h -> h.mac() == value)
        .max(Comparator.comparingLong(LearnedHost::learnedAtMillis)).map(h -> view(h, now));
  }

  static Map<String, Object> view(LearnedHost h, long nowMillis) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bridge", h.bridge());
    m.put("dpid", Values.dpid(h.dpid()));
    m.put("vlan", h.vlan());
    m.put("mac", Values.mac(h.mac()));
    m.put("port", h.portName());
    m.put("port-number", h.port());
    m.put("age-seconds", Math.max(0, (nowMillis - h.learnedAtMillis()) / 1000));
    return m;
  }
}
