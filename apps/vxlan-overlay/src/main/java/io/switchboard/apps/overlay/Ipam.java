package io.switchboard.apps.overlay;

import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.StoreFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Addresses of dynamic endpoints (OVN's {@code dynamic_addresses}), kept in two shared stores so that every
 * controller instance sees the same answer and two instances never hand out one address twice:
 * <ul>
 *   <li>{@value #ADDRESSES}: {@code network/address -> endpoint}, the claims. An address is taken with
 *       {@code putIfAbsent} and given back with a compare-and-delete, so only its holder can free it. Endpoints
 *       added through REST with a static address claim it too.</li>
 *   <li>{@value #ENDPOINTS}: {@code endpoint -> network/address}, the one address each dynamic endpoint has.</li>
 * </ul>
 * The lowest free address is taken: skipping the network, broadcast and gateway addresses, the network's
 * {@code exclude-ips}, what is claimed and what {@code taken} says static endpoints use. An endpoint keeps its
 * address as long as it stays valid; a crash between the two writes leaves a claim that the same endpoint adopts
 * on its next allocation.
 */
final class Ipam {
  static final String ADDRESSES = "overlay.ipam.addresses";
  static final String ENDPOINTS = "overlay.ipam.endpoints";
  private static final int RETRIES = 8;

  /** The address an endpoint holds in a network. */
  record Assignment(String network, int ip) {
    String key() {
      return network + "/" + Ipv4.format(ip);
    }

    static Optional<Assignment> parse(String text) {
      int slash = text == null ? -1 : text.lastIndexOf('/');
      if (slash < 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Assignment(text.substring(0, slash), Ipv4.parse(text.substring(slash + 1))));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  private final KeyValueStore<String, String> addresses;
  private final KeyValueStore<String, String> endpoints;

  Ipam(StoreFactory stores) {
    this.addresses = stores.map(ADDRESSES);
    this.endpoints = stores.map(ENDPOINTS);
  }

  KeyValueStore<String, String> addressStore() {
    return addresses;
  }

  KeyValueStore<String, String> endpointStore() {
    return endpoints;
  }

  /** Every dynamic endpoint's address, by endpoint name. */
  Map<String, Assignment> assignments() {
    Map<String, Assignment> out = new LinkedHashMap<>();
    endpoints.snapshot().forEach((name, text) -> Assignment.parse(text).ifPresent(a -> out.put(name, a)));
    return out;
  }

  /** The address a dynamic endpoint holds, or null. */
  Assignment assignment(String endpoint) {
    return Assignment.parse(endpoints.get(endpoint)).orElse(null);
  }

  /** Who holds an address in a network, if anyone does. */
  Optional<String> holder(String network, int ip) {
    return Optional.ofNullable(addresses.get(new Assignment(network, ip).key()));
  }

  /**
   * The endpoint's address in network {@code n}: the one it has if still valid, else the lowest free one.
   *
   * @param taken addresses of the network that static endpoints (and others in force) already use
   * @throws ApiException 409 when the subnet has no free address
   */
  int allocate(OverlayNetwork n, String endpoint, IntPredicate taken) {
    for (int attempt = 0; attempt < RETRIES; attempt++) {
      String current = endpoints.get(endpoint);
      Optional<Assignment> held = Assignment.parse(current);
      if (held.isPresent() && valid(n, held.get(), endpoint, taken)) {
        return held.get().ip();
      }
      if (current != null) {
        endpoints.remove(endpoint, current);
        held.ifPresent(a -> addresses.remove(a.key(), endpoint));
      }
      Assignment claimed = adoptOrClaim(n, endpoint, taken);
      String before = endpoints.putIfAbsent(endpoint, claimed.key());
      if (before == null || before.equals(claimed.key())) {
        return claimed.ip();
      }
      // another instance bound this endpoint meanwhile: keep its choice if it is good, give ours back
      addresses.remove(claimed.key(), endpoint);
    }
    throw new IllegalStateException("address of endpoint " + endpoint + " kept changing under " + RETRIES
        + " attempts");
  }

  /**
   * Claims a static address for an endpoint added through REST; the holder's name when another has it. A claim
   * the endpoint already has is fine.
   */
  Optional<String> claim(OverlayNetwork n, int ip, String endpoint) {
    String holder = addresses.putIfAbsent(new Assignment(n.name(), ip).key(), endpoint);
    return holder == null || holder.equals(endpoint) ? Optional.empty() : Optional.of(holder);
  }

  /**
   * Gives back what an endpoint that was in force holds: its assignment and the claim of its address, two keyed
   * removals (no scan of every claim). A stray claim that an interrupted allocation left is collected on the next
   * start or reload ({@link #collect}).
   */
  void release(String endpoint, String network, int ip) {
    String current = endpoints.get(endpoint);
    if (current != null) {
      endpoints.remove(endpoint, current);
      Assignment.parse(current).ifPresent(a -> addresses.remove(a.key(), endpoint));
    }
    addresses.remove(new Assignment(network, ip).key(), endpoint);
  }

  /** Gives back everything the endpoint holds. */
  void release(String endpoint) {
    String current = endpoints.get(endpoint);
    if (current != null) {
      endpoints.remove(endpoint, current);
    }
    addresses.snapshot().forEach((key, holder) -> {
      if (holder.equals(endpoint)) {
        addresses.remove(key, endpoint);
      }
    });
  }

  /** Gives back what endpoints that no longer exist hold (after a config reload removed them); how many. */
  int collect(Set<String> known) {
    int n = 0;
    for (Map.Entry<String, String> e : endpoints.snapshot().entrySet()) {
      if (!known.contains(e.getKey()) && endpoints.remove(e.getKey(), e.getValue())) {
        n++;
      }
    }
    for (Map.Entry<String, String> e : addresses.snapshot().entrySet()) {
      if (!known.contains(e.getValue()) && addresses.remove(e.getKey(), e.getValue())) {
        n++;
      }
    }
    return n;
  }

  private boolean valid(OverlayNetwork n, Assignment a, String endpoint, IntPredicate taken) {
    if (!a.network().equals(n.name()) || !n.assignable(a.ip()) || taken.test(a.ip())) {
      return false;
    }
    String holder = addresses.putIfAbsent(a.key(), endpoint);
    return holder == null || holder.equals(endpoint);
  }

  private Assignment adoptOrClaim(OverlayNetwork n, String endpoint, IntPredicate taken) {
    Map<String, String> claims = addresses.snapshot();
    for (Map.Entry<String, String> e : claims.entrySet()) {
      Optional<Assignment> a = Assignment.parse(e.getKey());
      if (e.getValue().equals(endpoint) && a.isPresent() && a.get().network().equals(n.name())
          && n.assignable(a.get().ip()) && !taken.test(a.get().ip())) {
        return a.get();
      }
    }
    Ipv4Prefix s = n.subnet();
    long first = s.address() & 0xffff_ffffL;
    long last = s.lastAddress() & 0xffff_ffffL;
    for (long x = first; x <= last; x++) {
      int ip = (int) x;
      Assignment a = new Assignment(n.name(), ip);
      if (!n.assignable(ip) || taken.test(ip) || claims.containsKey(a.key())) {
        continue;
      }
      if (addresses.putIfAbsent(a.key(), endpoint) == null) {
        return a;
      }
    }
    throw new ApiException(409, "no free address in network " + n.name() + "'s subnet " + s
        + (n.excludeIps().isEmpty() ? "" : " (exclude-ips: " + n.excludeIps() + ")"));
  }
}
