package io.switchboard.cni;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the plugin asks the controller about the overlay, over its REST {@link Api}: the network of the config, which
 * overlay host this machine is, and removing an endpoint (gone already is fine).
 */
final class OverlayClient {
  private final NetConf conf;
  private final Api api;
  private final HostCommands host;

  OverlayClient(NetConf conf, Api api, HostCommands host) {
    this.conf = conf;
    this.api = api;
    this.host = host;
  }

  Api api() {
    return api;
  }

  /** The overlay network of the config, from the controller; an unknown one is a config error naming the key. */
  Map<String, Object> network() throws CniException {
    Api.Answer n = api.get("/overlay/networks/"
        + URLEncoder.encode(conf.network(), StandardCharsets.UTF_8).replace("+", "%20"));
    if (n.status() == 404) {
      List<String> names = new ArrayList<>();
      for (Map<String, Object> m : api.list("/overlay/networks")) {
        names.add(String.valueOf(m.get("name")));
      }
      throw new CniException(CniException.INVALID_CONFIG, "network: the controller has no overlay network '"
          + conf.network() + "' (networks: " + String.join(", ", names) + ")");
    } else if (n.status() != 200) {
      throw new CniException(CniException.CONTROLLER_REFUSED, "GET network " + conf.network() + ": " + n.error());
    }
    return n.object();
  }

  /**
   * The overlay host this machine is: the config's {@code host}, else the host whose bridge is the local bridge
   * (its dpid connected to the controller, or named by dpid in the controller's config).
   */
  String host() throws CniException {
    if (conf.host().isPresent()) {
      return conf.host().get();
    }
    String raw = Exec.check(host.vsctl("get", "Bridge", conf.bridge(), "datapath_id")).strip().replace("\"", "");
    long local = parseDpid(raw);
    List<String> names = new ArrayList<>();
    for (Map<String, Object> h : api.list("/overlay/hosts")) {
      names.add(h.get("name") + " (" + h.get("bridge") + ")");
      if (local != -1 && (local == parseDpid(String.valueOf(h.get("dpid")))
          || local == parseDpid(String.valueOf(h.get("bridge"))))) {
        return String.valueOf(h.get("name"));
      }
    }
    throw new CniException(CniException.INVALID_CONFIG, "host: no overlay host has bridge " + conf.bridge()
        + " (dpid " + raw + ") connected or named by its dpid; set host (hosts: " + String.join(", ", names) + ")");
  }

  static long parseDpid(String s) {
    if (s == null) {
      return -1;
    }
    String t = s.replace(":", "").toLowerCase();
    if (t.startsWith("0x")) {
      t = t.substring(2);
    }
    if (t.length() != 16 || t.chars().anyMatch(c -> Character.digit(c, 16) < 0)) {
      return -1;
    }
    return Long.parseUnsignedLong(t, 16);
  }

  void deleteEndpoint(String name) throws CniException {
    Api.Answer d = api.delete("/overlay/endpoints/" + name);
    if (d.status() != 204 && d.status() != 200 && d.status() != 404) {
      throw new CniException(CniException.CONTROLLER_REFUSED, "the controller refused to delete endpoint " + name
          + ": " + d.error());
    }
  }
}
