package io.switchboard.cni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the container's interface gets: the address with its prefix length, the gateway, routes and DNS, from the
 * overlay network (the controller allocated the address) or from a delegated IPAM plugin's result.
 */
record Address(String ip, String cidr, String gateway, List<Map<String, Object>> routes, Map<String, Object> dns) {
  private static final String IPV4 = "(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}";
  private static final String IPV4_PREFIX = IPV4 + "/(3[0-2]|[12]?\\d)";

  /** What goes into {@code ip -batch} must be an address (or prefix): an IPAM plugin's result is input too. */
  static boolean isIpv4(String s) {
    return s != null && s.matches(IPV4);
  }

  static boolean isIpv4Prefix(String s) {
    return s != null && s.matches(IPV4_PREFIX);
  }

  static Address fromNetwork(String ip, Map<String, Object> net) throws CniException {
    String subnet = String.valueOf(net.get("subnet"));
    String gw = net.get("gateway") == null ? null : String.valueOf(net.get("gateway"));
    if (!isIpv4Prefix(subnet) || (gw != null && !isIpv4(gw)) || !isIpv4(ip)) {
      throw new CniException(CniException.CONTROLLER_REFUSED, "network " + net.get("name") + ": no IPv4 subnet,"
          + " gateway or address in the controller's answer (" + subnet + ", " + gw + ", " + ip + ")");
    }
    int slash = subnet.indexOf('/');
    return new Address(ip, ip + subnet.substring(slash), gw, defaultRoute(gw), new LinkedHashMap<>());
  }

  @SuppressWarnings("unchecked")
  static Address fromIpam(Map<String, Object> result, Map<String, Object> net) throws CniException {
    for (Object o : Plugin.listOf(result.get("ips"))) {
      if (o instanceof Map<?, ?> m && m.get("address") instanceof String cidr && isIpv4Prefix(cidr)) {
        String ip = cidr.substring(0, cidr.indexOf('/'));
        String gw = m.get("gateway") instanceof String g && isIpv4(g) ? g
            : net.get("gateway") == null ? null : String.valueOf(net.get("gateway"));
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Object r : Plugin.listOf(result.get("routes"))) {
          if (r instanceof Map<?, ?> rm && rm.get("dst") instanceof String dst && isIpv4Prefix(dst)) {
            Map<String, Object> route = new LinkedHashMap<>();
            route.put("dst", dst);
            Object via = rm.get("gw") instanceof String rg && isIpv4(rg) ? rg : gw;
            if (via != null) {
              route.put("gw", via);
            }
            routes.add(route);
          }
        }
        if (routes.isEmpty()) {
          routes = defaultRoute(gw);
        }
        Map<String, Object> dns = result.get("dns") instanceof Map<?, ?> d && !d.isEmpty()
            ? new LinkedHashMap<>((Map<String, Object>) d) : new LinkedHashMap<>();
        return new Address(ip, cidr, gw, routes, dns);
      }
    }
    throw new CniException(CniException.COMMAND_FAILED, "the IPAM plugin returned no IPv4 address",
        Json.write(result));
  }

  private static List<Map<String, Object>> defaultRoute(String gw) {
    List<Map<String, Object>> routes = new ArrayList<>();
    if (gw != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("dst", "0.0.0.0/0");
      r.put("gw", gw);
      routes.add(r);
    }
    return routes;
  }
}
