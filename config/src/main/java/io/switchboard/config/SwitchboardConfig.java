package io.switchboard.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration, validated. Immutable.
 *
 * @param source the file it was loaded from, or {@code "<default>"}
 */
public record SwitchboardConfig(OpenFlowSettings openflow, RestSettings rest, ClusterSettings cluster,
    List<String> apps, List<BridgeConfig> bridges, L2Settings l2Learning, AclSettings acl,
    OverlayConfig overlay, ReconcileSettings reconcile, String source) {

  public static final String DEFAULT_SOURCE = "<default>";

  public SwitchboardConfig {
    Objects.requireNonNull(openflow, "openflow");
    Objects.requireNonNull(rest, "rest");
    Objects.requireNonNull(cluster, "cluster");
    apps = List.copyOf(apps);
    bridges = List.copyOf(bridges);
    Objects.requireNonNull(l2Learning, "l2Learning");
    Objects.requireNonNull(acl, "acl");
    Objects.requireNonNull(overlay, "overlay");
    Objects.requireNonNull(reconcile, "reconcile");
    Objects.requireNonNull(source, "source");
  }

  /**
   * OpenFlow on 0.0.0.0:6653 (echo every 5s), REST on 127.0.0.1:8080, no cluster,
   * l2-learning only (idle timeout 300s, 1000 packet-ins/s), no bridges, ACL allow-all,
   * empty overlay, audit every 30s.
   */
  public static SwitchboardConfig defaults() {
    return new SwitchboardConfig(
        new OpenFlowSettings(new HostPort("0.0.0.0", 6653), Duration.ofSeconds(5)),
        new RestSettings(new HostPort("127.0.0.1", 8080)),
        new ClusterSettings(false, new HostPort("127.0.0.1", 5701), List.of()),
        List.of("l2-learning"),
        List.of(),
        new L2Settings(Duration.ofSeconds(300), 1000),
        new AclSettings(AclAction.ALLOW, List.of()),
        OverlayConfig.empty(),
        new ReconcileSettings(Duration.ofSeconds(30)),
        DEFAULT_SOURCE);
  }

  public boolean appEnabled(String app) {
    return apps.contains(app);
  }

  /** The port roles of a bridge named by its name or dpid (dpids compare by value). */
  public Optional<BridgeConfig> bridge(String nameOrDpid) {
    return bridges.stream().filter(b -> b.isNamed(nameOrDpid)).findFirst();
  }

  /**
   * The certificate fingerprints a switch with this dpid and name must present: one per bridges[] entry naming it
   * (by name or by dpid) with a certificate. Empty: not pinned.
   */
  public java.util.Set<String> pinnedCertificates(String switchName, long dpid) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (BridgeConfig b : bridges) {
      if (b.certificate().isPresent() && b.matches(switchName, dpid)) {
        out.add(b.certificate().get());
      }
    }
    return out;
  }

  /** The port roles of a connected switch: configured under its name or its dpid. */
  public Optional<BridgeConfig> bridge(String switchName, long dpid) {
    return bridges.stream().filter(b -> b.matches(switchName, dpid)).findFirst();
  }
}
