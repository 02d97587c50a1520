package io.switchboard.apps.overlay;

import io.switchboard.config.Dpid;
import io.switchboard.apps.overlay.config.OverlayConfig;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayHost;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.apps.overlay.config.OverlayRouter;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The lookups an {@link OverlayTopology} answers from: endpoints by name, by network and by host (each list in name
 * order), the networks each host has ports in, and the config's hosts, networks and routers by name. Immutable;
 * {@link #with} makes the index of one endpoint more or less in time proportional to that endpoint's network and
 * host, not to the whole overlay.
 */
final class TopologyIndex {
  private static final Comparator<OverlayEndpoint> BY_NAME = Comparator.comparing(OverlayEndpoint::name);
  private static final Comparator<OverlayNetwork> BY_VNI = Comparator.comparingLong(OverlayNetwork::vni);

  private final Config config;
  private final LayeredMap<OverlayEndpoint> byName;
  private final Map<String, List<OverlayEndpoint>> byNetwork;
  private final Map<String, List<OverlayEndpoint>> byHost;
  private final Map<String, List<OverlayNetwork>> networksOn;

  private TopologyIndex(Config config, LayeredMap<OverlayEndpoint> byName,
      Map<String, List<OverlayEndpoint>> byNetwork, Map<String, List<OverlayEndpoint>> byHost,
      Map<String, List<OverlayNetwork>> networksOn) {
    this.config = config;
    this.byName = byName;
    this.byNetwork = byNetwork;
    this.byHost = byHost;
    this.networksOn = networksOn;
  }

  static TopologyIndex of(Config config, Collection<OverlayEndpoint> endpoints) {
    Map<String, OverlayEndpoint> byName = new HashMap<>();
    Map<String, List<OverlayEndpoint>> byNetwork = new HashMap<>();
    Map<String, List<OverlayEndpoint>> byHost = new HashMap<>();
    for (OverlayEndpoint e : endpoints) {
      byName.put(e.name(), e);
      byNetwork.computeIfAbsent(e.network(), k -> new ArrayList<>()).add(e);
      byHost.computeIfAbsent(e.host(), k -> new ArrayList<>()).add(e);
    }
    byNetwork.replaceAll((k, list) -> sorted(list));
    byHost.replaceAll((k, list) -> sorted(list));
    Map<String, List<OverlayNetwork>> networksOn = new HashMap<>();
    byHost.forEach((host, list) -> networksOn.put(host, networksOf(config, list)));
    return new TopologyIndex(config, LayeredMap.of(byName), byNetwork, byHost, networksOn);
  }

  /** The index with {@code removed} taken out and {@code added} put in (either may be null). */
  TopologyIndex with(OverlayEndpoint removed, OverlayEndpoint added) {
    LayeredMap<OverlayEndpoint> names = byName;
    Map<String, List<OverlayEndpoint>> networks = new HashMap<>(byNetwork);
    Map<String, List<OverlayEndpoint>> hosts = new HashMap<>(byHost);
    Map<String, List<OverlayNetwork>> on = new HashMap<>(networksOn);
    if (removed != null) {
      names = names.with(removed.name(), null);
      change(networks, removed.network(), removed, false);
      change(hosts, removed.host(), removed, false);
    }
    if (added != null) {
      names = names.with(added.name(), added);
      change(networks, added.network(), added, true);
      change(hosts, added.host(), added, true);
    }
    for (OverlayEndpoint e : new OverlayEndpoint[] {removed, added}) {
      if (e != null) {
        List<OverlayEndpoint> there = hosts.get(e.host());
        if (there == null) {
          on.remove(e.host());
        } else {
          on.put(e.host(), networksOf(config, there));
        }
      }
    }
    return new TopologyIndex(config, names, networks, hosts, on);
  }

  private static void change(Map<String, List<OverlayEndpoint>> lists, String key, OverlayEndpoint e, boolean add) {
    List<OverlayEndpoint> list = new ArrayList<>(lists.getOrDefault(key, none()));
    int at = Collections.binarySearch(list, e, BY_NAME);
    if (add) {
      list.add(at < 0 ? -at - 1 : at, e);
    } else if (at >= 0) {
      list.remove(at);
    }
    if (list.isEmpty()) {
      lists.remove(key);
    } else {
      lists.put(key, Collections.unmodifiableList(list));
    }
  }

  private static List<OverlayEndpoint> sorted(List<OverlayEndpoint> list) {
    list.sort(BY_NAME);
    return Collections.unmodifiableList(list);
  }

  private static List<OverlayNetwork> networksOf(Config config, List<OverlayEndpoint> endpoints) {
    Map<String, OverlayNetwork> out = new HashMap<>();
    for (OverlayEndpoint e : endpoints) {
      config.network(e.network()).ifPresent(n -> out.put(n.name(), n));
    }
    List<OverlayNetwork> list = new ArrayList<>(out.values());
    list.sort(BY_VNI);
    return frozen(list);
  }

  /**
   * An unmodifiable list of one class whatever its size: {@code List.copyOf} answers with one class for up to two
   * elements and another above, so code compiled where every host had three networks was thrown away (a class-check
   * trap, then seconds of recompiling the change path) on the first host with two (docs/overlay-scale.md).
   */
  private static <T> List<T> frozen(Collection<T> items) {
    return Collections.unmodifiableList(new ArrayList<>(items));
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> none() {
    return (List<T>) NONE;
  }

  private static final List<Object> NONE = Collections.unmodifiableList(new ArrayList<>());

  Config config() {
    return config;
  }

  Optional<OverlayEndpoint> endpoint(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  List<OverlayEndpoint> inNetwork(String network) {
    return byNetwork.getOrDefault(network, none());
  }

  List<OverlayEndpoint> onHost(String host) {
    return byHost.getOrDefault(host, none());
  }

  List<OverlayNetwork> networksOn(String host) {
    return networksOn.getOrDefault(host, none());
  }

  /** The config's hosts, networks and routers by name; computed once per config. */
  static final class Config {
    private static volatile Config last;

    private final OverlayConfig overlay;
    private final Map<String, OverlayNetwork> networks = new HashMap<>();
    private final Map<Long, OverlayNetwork> byVni = new HashMap<>();
    private final Map<String, OverlayHost> hosts = new HashMap<>();
    private final Map<String, List<OverlayNetwork>> peers = new HashMap<>();
    /** Each host's bridge: its dpid when written as one (then bridgeIsDpid), else compared by name. */
    private final long[] bridgeDpids;
    private final boolean[] bridgeIsDpid;

    private Config(OverlayConfig overlay) {
      this.overlay = overlay;
      for (OverlayNetwork n : overlay.networks()) {
        networks.putIfAbsent(n.name(), n);
        byVni.putIfAbsent(n.vni(), n);
      }
      overlay.hosts().forEach(h -> hosts.putIfAbsent(h.name(), h));
      for (OverlayRouter r : overlay.routers()) {
        for (String n : r.networks()) {
          if (peers.containsKey(n)) {
            continue; // a network joins at most one router: the first one, as OverlayConfig.routerOf says
          }
          Map<Long, OverlayNetwork> others = new TreeMap<>();
          for (String p : r.networks()) {
            OverlayNetwork net = networks.get(p);
            if (!p.equals(n) && net != null) {
              others.put(net.vni(), net);
            }
          }
          peers.put(n, frozen(others.values()));
        }
      }
      int count = overlay.hosts().size();
      bridgeDpids = new long[count];
      bridgeIsDpid = new boolean[count];
      for (int i = 0; i < count; i++) {
        OptionalLong d = Dpid.parse(overlay.hosts().get(i).bridge());
        bridgeIsDpid[i] = d.isPresent();
        bridgeDpids[i] = d.orElse(-1);
      }
    }

    /** The lookups of this config; the last one is kept, so that every snapshot of one config shares them. */
    static Config of(OverlayConfig overlay) {
      Config c = last;
      if (c == null || c.overlay != overlay) {
        c = new Config(overlay);
        last = c;
      }
      return c;
    }

    OverlayConfig overlay() {
      return overlay;
    }

    Optional<OverlayNetwork> network(String name) {
      return Optional.ofNullable(networks.get(name));
    }

    Optional<OverlayNetwork> networkByVni(long vni) {
      return Optional.ofNullable(byVni.get(vni));
    }

    Optional<OverlayHost> host(String name) {
      return Optional.ofNullable(hosts.get(name));
    }

    List<OverlayNetwork> routedPeers(String network) {
      return peers.getOrDefault(network, none());
    }

    /** The hosts whose {@code bridge} is this switch (by dpid, or by name), in config order. */
    List<OverlayHost> hostsNaming(SwitchView sw) {
      List<OverlayHost> out = new ArrayList<>(1);
      List<OverlayHost> all = overlay.hosts();
      for (int i = 0; i < bridgeDpids.length; i++) {
        boolean match = bridgeIsDpid[i] ? bridgeDpids[i] == sw.dpid() : all.get(i).bridge().equals(sw.name());
        if (match) {
          out.add(all.get(i));
        }
      }
      return out;
    }
  }
}
