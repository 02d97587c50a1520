package io.switchboard.cni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON result of a successful ADD, in the config's CNI version. */
final class CniResult {
  private CniResult() {}

  /** The CNI result; chained after another plugin, its interfaces, addresses and routes come first. */
  static Map<String, Object> of(NetConf conf, Attachment a, String netns, String mac, int mtu, Address addr,
      Map<String, Object> net) {
    Map<String, Object> prev = conf.prevResult().orElse(Map.of());
    List<Object> interfaces = new ArrayList<>(Plugin.listOf(prev.get("interfaces")));
    List<Object> ips = new ArrayList<>(Plugin.listOf(prev.get("ips")));
    List<Object> routes = new ArrayList<>(Plugin.listOf(prev.get("routes")));
    Map<String, Object> hostIf = new LinkedHashMap<>();
    hostIf.put("name", a.hostVeth());
    HostCommands.readMac(a.hostVeth()).ifPresent(m -> hostIf.put("mac", m));
    interfaces.add(hostIf);
    Map<String, Object> cIf = new LinkedHashMap<>();
    cIf.put("name", a.ifname());
    cIf.put("mac", mac);
    if (conf.cniVersion().equals("1.1.0")) {
      cIf.put("mtu", (long) mtu);
    }
    cIf.put("sandbox", netns);
    interfaces.add(cIf);
    Map<String, Object> ipc = new LinkedHashMap<>();
    if (conf.legacyResult()) {
      ipc.put("version", "4");
    }
    ipc.put("address", addr.cidr());
    if (addr.gateway() != null) {
      ipc.put("gateway", addr.gateway());
    }
    ipc.put("interface", (long) (interfaces.size() - 1));
    ips.add(ipc);
    routes.addAll(addr.routes());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cniVersion", conf.cniVersion());
    out.put("interfaces", interfaces);
    out.put("ips", ips);
    if (!routes.isEmpty()) {
      out.put("routes", routes);
    }
    Map<String, Object> dns = addr.dns();
    if (dns.isEmpty() && prev.get("dns") instanceof Map<?, ?> pd) {
      dns = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : pd.entrySet()) {
        dns.put(String.valueOf(e.getKey()), e.getValue());
      }
    }
    if (dns.isEmpty() && net.get("dns") instanceof List<?> ns && !ns.isEmpty()) {
      dns = new LinkedHashMap<>();
      dns.put("nameservers", ns);
      if (net.get("domain") != null) {
        dns.put("domain", net.get("domain"));
      }
    }
    out.put("dns", dns);
    return out;
  }
}
