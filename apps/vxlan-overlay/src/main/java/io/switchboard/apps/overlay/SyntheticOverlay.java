package io.switchboard.apps.overlay;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A synthetic overlay of a given size, as config: host h is bridge {@code br-h<h>} with tunnel address 10.99.x.y;
 * network n has VNI 1000 + n and subnet 172.(16 + n).0.0/16; routers join the even and the odd networks (as
 * OverlayFlowsBenchmark) or, with a router size k of 2 or more, k consecutive networks each; endpoint e is in
 * network e % networks on host e % hosts, at port p(e / hosts). Endpoints added at run time ({@link #churnBody})
 * take addresses from 172.(16 + n).100.2 on, which no config endpoint uses below 24,750 endpoints a network.
 *
 * <p>The overlay benchmarks in bench/ (the churn and restart runs, the JMH ones with router size 0) use it, so
 * that every overlay benchmark measures the same shape; so does the server's overlay warm-up, small.
 */
public final class SyntheticOverlay {
  private final int hosts;
  private final int endpoints;
  private final int networks;
  private final int routerSize;

  public SyntheticOverlay(int hosts, int endpoints, int networks, int routerSize) {
    this.hosts = hosts;
    this.endpoints = endpoints;
    this.networks = networks;
    this.routerSize = routerSize;
  }

  /**
   * Endpoint e, as a REST body's fields: network e % networks, host e % hosts, port p(e / hosts) there, a MAC and an
   * address of its own in its network.
   */
  public static Map<String, Object> endpoint(int e, int hosts, int networks) {
    int net = e % networks;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "ep" + e);
    m.put("network", "net" + net);
    m.put("host", "h" + (e % hosts));
    m.put("port", "p" + (e / hosts));
    m.put("mac", String.format(Locale.ROOT, "02:00:%02x:%02x:%02x:%02x", net, (e >> 16) & 0xff, (e >> 8) & 0xff,
        e & 0xff));
    m.put("ip", String.format(Locale.ROOT, "172.%d.%d.%d", 16 + net, 1 + e / 250, 2 + e % 250));
    return m;
  }

  /** The MAC of run-time endpoint {@code c} ({@link #churnBody}). */
  public static long churnMac(int c) {
    return 0x02ee_0000_0000L | c;
  }

  /**
   * Run-time endpoint {@code c}, named {@code churn<c>}, as a REST body ({@code POST /api/v1/overlay/endpoints}): in
   * network {@code net} on host {@code host} at {@code port}, with MAC {@link #churnMac} and an address of its own.
   */
  public static String churnBody(int c, int host, int net, String port) {
    long mac = churnMac(c);
    return String.format(Locale.ROOT, "{\"name\": \"churn%d\", \"network\": \"net%d\", \"host\": \"h%d\", "
        + "\"port\": \"%s\", \"mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\", \"ip\": \"172.%d.%d.%d\"}", c, net,
        host, port, (mac >> 40) & 0xff, (mac >> 32) & 0xff, (mac >> 24) & 0xff, (mac >> 16) & 0xff, (mac >> 8) & 0xff,
        mac & 0xff, 16 + net, 100 + c / 250, 2 + c % 250);
  }

  /** Endpoint e as a line of the config's endpoint list. */
  static String configEndpoint(int e, int hosts, int networks) {
    Map<String, Object> m = endpoint(e, hosts, networks);
    return String.format(Locale.ROOT, "    - {name: %s, network: %s, host: %s, port: %s, mac: \"%s\", ip: %s}%n",
        m.get("name"), m.get("network"), m.get("host"), m.get("port"), m.get("mac"), m.get("ip"));
  }

  /** The {@code overlay:} section. */
  public String config() {
    StringBuilder b = new StringBuilder("overlay:\n  tunnel-port: vxlan0\n  hosts:\n");
    for (int h = 0; h < hosts; h++) {
      b.append(String.format(Locale.ROOT, "    - {name: h%d, bridge: br-h%d, tunnel-ip: 10.99.%d.%d}%n", h, h,
          h / 250, 1 + h % 250));
    }
    b.append("  networks:\n");
    for (int n = 0; n < networks; n++) {
      b.append(String.format(Locale.ROOT, "    - {name: net%d, vni: %d, subnet: 172.%d.0.0/16, gateway: 172.%d.0.1}%n",
          n, 1000 + n, 16 + n, 16 + n));
    }
    b.append("  routers:\n");
    if (routerSize < 2) { // as OverlayFlowsBenchmark: two routers, of the even and of the odd networks
      for (int r = 0; r < 2; r++) {
        StringBuilder nets = new StringBuilder();
        for (int n = r; n < networks; n += 2) {
          nets.append(nets.length() == 0 ? "" : ", ").append("net").append(n);
        }
        b.append(String.format(Locale.ROOT, "    - {name: r%d, networks: [%s]}%n", r, nets));
      }
    } else { // routers joining routerSize consecutive networks each (tenants of a few subnets)
      for (int first = 0; first + 1 < networks; first += routerSize) {
        StringBuilder nets = new StringBuilder();
        for (int n = first; n < Math.min(networks, first + routerSize); n++) {
          nets.append(nets.length() == 0 ? "" : ", ").append("net").append(n);
        }
        b.append(String.format(Locale.ROOT, "    - {name: r%d, networks: [%s]}%n", first / routerSize, nets));
      }
    }
    b.append("  endpoints:\n");
    for (int e = 0; e < endpoints; e++) {
      b.append(configEndpoint(e, hosts, networks));
    }
    return b.toString();
  }
}
