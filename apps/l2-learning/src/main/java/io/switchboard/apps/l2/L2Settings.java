package io.switchboard.apps.l2;

import java.time.Duration;
import java.util.Objects;

/**
 * @param idleTimeout       a learned MAC (and its flow) is forgotten after this long without traffic
 * @param packetInBudget    packet-ins handled per second per switch; the rest are dropped
 * @param maxHostsPerPort   hosts learned on one port of a switch (all VLANs); more are not learned
 * @param maxHostsPerVlan   hosts learned in one VLAN of a switch
 * @param maxHostsPerSwitch hosts learned on one switch
 * @param maxHosts          hosts learned on all switches together: what bounds the table's memory however many
 *                          switches connect
 * @param forgetAfter       a switch's hosts are forgotten this long after it disconnected, unless it is back
 */
public record L2Settings(Duration idleTimeout, int packetInBudget, int maxHostsPerPort, int maxHostsPerVlan,
    int maxHostsPerSwitch, int maxHosts, Duration forgetAfter) {
  public static final int DEFAULT_MAX_HOSTS_PER_PORT = 256;
  public static final int DEFAULT_MAX_HOSTS_PER_VLAN = 4096;
  public static final int DEFAULT_MAX_HOSTS_PER_SWITCH = 8192;
  /** About 60 MB of learned hosts with their index (some 450 bytes each), an eighth of the launcher's heap. */
  public static final int DEFAULT_MAX_HOSTS = 131_072;
  public static final Duration DEFAULT_FORGET_AFTER = Duration.ofSeconds(60);

  public L2Settings {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(forgetAfter, "forgetAfter");
    if (packetInBudget < 1) {
      throw new IllegalArgumentException("packetInBudget must be positive: " + packetInBudget);
    }
    if (maxHostsPerPort < 1 || maxHostsPerVlan < 1 || maxHostsPerSwitch < 1 || maxHosts < 1) {
      throw new IllegalArgumentException("host caps must be positive: " + maxHostsPerPort + ", " + maxHostsPerVlan
          + ", " + maxHostsPerSwitch + ", " + maxHosts);
    }
  }

  /** The default caps and grace period. */
  public L2Settings(Duration idleTimeout, int packetInBudget) {
    this(idleTimeout, packetInBudget, DEFAULT_MAX_HOSTS_PER_PORT, DEFAULT_MAX_HOSTS_PER_VLAN,
        DEFAULT_MAX_HOSTS_PER_SWITCH, DEFAULT_MAX_HOSTS, DEFAULT_FORGET_AFTER);
  }
}
