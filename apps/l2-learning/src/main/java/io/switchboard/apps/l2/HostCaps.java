package io.switchboard.apps.l2;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.Values;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faucet-style caps on learned hosts ({@code max_hosts}): per port, per VLAN, per bridge, and on all bridges
 * together (what bounds the table's memory however many bridges connect). A host over a cap
 * is not learned — its frames are still forwarded, flooded to it as a switch floods an unknown MAC — and is
 * counted ({@code switchboard_app_events_total{event="host_over_*_cap"}}); one line is logged per port, VLAN or
 * bridge that hits its cap, and one for the total, per {@link #LOG_INTERVAL}.
 */
final class HostCaps {
  static final Duration LOG_INTERVAL = Duration.ofSeconds(60);
  private static final Logger log = LoggerFactory.getLogger(HostCaps.class);

  enum Cap {
    PORT("l2-learning.max-hosts-per-port", "host_over_port_cap"),
    VLAN("l2-learning.max-hosts-per-vlan", "host_over_vlan_cap"),
    SWITCH("l2-learning.max-hosts-per-switch", "host_over_switch_cap"),
    TOTAL("l2-learning.max-hosts", "host_over_total_cap");

    final String key;
    final String event;

    Cap(String key, String event) {
      this.key = key;
      this.event = event;
    }
  }

  /** Who hit a cap: a port (its number), a VLAN (its id) or the bridge (0); the total is one offender (dpid 0). */
  private record Offender(long dpid, Cap cap, long where) {}

  private final Cache<Offender, Boolean> logged;

  HostCaps(LongSupplier nanoClock) {
    this.logged = Caffeine.newBuilder().expireAfterWrite(LOG_INTERVAL).maximumSize(10_000)
        .ticker(nanoClock::getAsLong).executor(Runnable::run).build(); // upkeep on the caller, as beingLearned's
  }

  /**
   * The cap that learning {@code host} would exceed, or null. {@code known} is where the table has the same
   * MAC in the same VLAN now (a move), or null: a move adds a host to the port only.
   */
  static Cap exceeded(MacTable table, L2Settings s, LearnedHost host, LearnedHost known) {
    if (table.onPort(host.dpid(), host.port()) >= s.maxHostsPerPort()) {
      return Cap.PORT;
    }
    if (known != null) {
      return null;
    }
    if (table.inVlan(host.dpid(), host.vlan()) >= s.maxHostsPerVlan()) {
      return Cap.VLAN;
    }
    if (table.onBridge(host.dpid()) >= s.maxHostsPerSwitch()) {
      return Cap.SWITCH;
    }
    return table.total() >= s.maxHosts() ? Cap.TOTAL : null;
  }

  /** Counts a host that was not learned, and says so once per offender and interval. */
  void refused(AppContext ctx, Cap cap, LearnedHost host, L2Settings s) {
    ctx.count(host.dpid(), cap.event);
    long where = switch (cap) {
      case PORT -> host.port();
      case VLAN -> host.vlan();
      case SWITCH, TOTAL -> 0;
    };
    long who = cap == Cap.TOTAL ? 0 : host.dpid();
    if (logged.asMap().putIfAbsent(new Offender(who, cap, where), Boolean.TRUE) != null) {
      return;
    }
    String scope = switch (cap) {
      case PORT -> "port " + host.portName() + " (" + host.port() + ")";
      case VLAN -> "VLAN " + host.vlan();
      case SWITCH -> "the bridge";
      case TOTAL -> "the controller (all bridges)";
    };
    int limit = switch (cap) {
      case PORT -> s.maxHostsPerPort();
      case VLAN -> s.maxHostsPerVlan();
      case SWITCH -> s.maxHostsPerSwitch();
      case TOTAL -> s.maxHosts();
    };
    log.warn("switch {}: {} has {} learned hosts, the {} limit: {} and other new MACs there are not learned"
        + " (their frames are flooded); next report in {}", Values.dpid(host.dpid()), scope, limit, cap.key,
        Values.mac(host.mac()), LOG_INTERVAL.toSeconds() + "s");
  }
}
