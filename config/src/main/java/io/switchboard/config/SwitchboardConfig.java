package io.switchboard.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration, validated. Immutable.
 *
 * <p>The core's settings have fields of their own; each app's section is kept, parsed by the app, in
 * {@code sections} and read by that app with {@link #section}. This module names no app: what one app's settings
 * say that others need (the overlay's hosts, networks and endpoints, for the ACL, l2-learning and the web console)
 * reaches them as a {@link LogicalTopology} ({@link #topology()}).
 *
 * @param sections the apps' sections ({@link AppSection}) present in the file, parsed, by section key; read them
 *                 with {@link #section}
 * @param source the file it was loaded from, or {@code "<default>"}
 */
public record SwitchboardConfig(OpenFlowSettings openflow, RestSettings rest, ClusterSettings cluster,
    List<String> apps, List<BridgeConfig> bridges, ReconcileSettings reconcile, Map<String, Object> sections,
    String source) {

  public static final String DEFAULT_SOURCE = "<default>";

  public SwitchboardConfig {
    Objects.requireNonNull(openflow, "openflow");
    Objects.requireNonNull(rest, "rest");
    Objects.requireNonNull(cluster, "cluster");
    apps = List.copyOf(apps);
    bridges = List.copyOf(bridges);
    Objects.requireNonNull(reconcile, "reconcile");
    sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    Objects.requireNonNull(source, "source");
  }

  /**
   * OpenFlow on 0.0.0.0:6653 (echo every 5s), REST on 127.0.0.1:8080, no cluster,
   * l2-learning only, no bridges, audit every 30s; every app's section at its defaults.
   */
  public static SwitchboardConfig defaults() {
    return new SwitchboardConfig(
        new OpenFlowSettings(new HostPort("0.0.0.0", 6653), Duration.ofSeconds(5)),
        new RestSettings(new HostPort("127.0.0.1", 8080)),
        new ClusterSettings(false, new HostPort("127.0.0.1", 5701), List.of()),
        List.of("l2-learning"),
        List.of(),
        new ReconcileSettings(Duration.ofSeconds(30)),
        Map.of(),
        DEFAULT_SOURCE);
  }

  /** An app's settings: as parsed from the file, or the section's defaults when the file has none. */
  @SuppressWarnings("unchecked")
  public <T> T section(AppSection<T> section) {
    Object parsed = sections.get(section.key());
    return parsed == null ? section.defaults() : (T) parsed;
  }

  /**
   * The logical topologies the sections describe: each parsed section whose settings implement
   * {@link LogicalTopology}, in section order, whether its app is enabled or not (usually one: the vxlan-overlay
   * app's). Check {@link #appEnabled} with {@link LogicalTopology#app()} before treating a host's bridge as that
   * app's.
   */
  public List<LogicalTopology> topologies() {
    return sections.values().stream().filter(LogicalTopology.class::isInstance).map(LogicalTopology.class::cast)
        .toList();
  }

  /**
   * All the {@linkplain #topologies() topologies} as one: the hosts, networks, routers and endpoints other apps may
   * refer to and the web console draws; {@linkplain LogicalTopology#empty() empty} when no section describes one.
   */
  public LogicalTopology topology() {
    return LogicalTopology.union(topologies());
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
