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

  static Address fromNetwork(String ip, Map<String, Object> net) throws CniException {
    String subnet = String.valueOf(net.get("subnet"));
    int slash = subnet.indexOf('/');
    if (slash < 0) {
      throw new CniException(CniException.CONTROLLER_REFUSED, "network " + net.get("name") + " has no subnet");
    }
    String gw = net.get("gateway") == null ? null : String.valueOf(net.get("gateway"));
    return new Address(ip, ip + subnet.substring(slash), gw, defaultRoute(gw), new LinkedHashMap<>());
  }

  @SuppressWarnings("unchecked")
  static Address fromIpam(Map<String, Object> result, Map<String, Object> net) throws CniException {
    for (Object o : Plugin.listOf(result.get("ips"))) {
      if (o instanceof Map<?, ?> m && m.get("address") instanceof String cidr && cidr.contains(".")
          && cidr.contains("/")) {
        String ip = cidr.substring(0, cidr.indexOf('/'));
        String gw = m.get("gateway") instanceof String g ? g
            : net.get("gateway") == null ? null : String.valueOf(net.get("gateway"));
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Object r : Plugin.listOf(result.get("routes"))) {
          if (r instanceof Map<?, ?> rm && rm.get("dst") instanceof String dst && dst.contains(".")) {
            Map<String, Object> route = new LinkedHashMap<>();
            route.put("dst", dst);
            Object via = rm.get("gw") != null ? rm.get("gw") : gw;
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
