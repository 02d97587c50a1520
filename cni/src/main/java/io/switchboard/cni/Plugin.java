package io.switchboard.cni;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CNI commands against one network configuration and the runtime's environment. ADD records an undo step for
 * everything it makes (delegated address, endpoint, veth, OVS port) and runs them backwards when a later step
 * fails, so a failed ADD leaves nothing; DEL removes the same things by their derived names and treats each one
 * already gone as done.
 *
 * <p>This class is the commands' order of steps and their undo; the steps live with their job: {@link HostCommands}
 * (ip and ovs-vsctl on this machine), {@link OverlayClient} (the controller's REST API), {@link DelegatedIpam} (the
 * config's IPAM plugin) and {@link CniResult} (the JSON answer of ADD).
 */
final class Plugin {
  private final NetConf conf;
  private final Map<String, String> env;
  private final HostCommands host;

  Plugin(NetConf conf, Map<String, String> env) {
    this.conf = conf;
    this.env = env;
    this.host = new HostCommands(conf);
  }

  // ---- environment ----

  private String requireEnv(String key) throws CniException {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      throw new CniException(CniException.INVALID_ENV, key + " is required for " + env.get("CNI_COMMAND"));
    }
    return v;
  }

  private Attachment attachment() throws CniException {
    String id = requireEnv("CNI_CONTAINERID");
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
      throw new CniException(CniException.INVALID_ENV, "CNI_CONTAINERID must be letters, digits, '_', '.' and '-',"
          + " starting with a letter or digit: '" + id + "'");
    }
    String ifname = requireEnv("CNI_IFNAME");
    if (ifname.length() > 15 || ifname.equals(".") || ifname.equals("..")
        || ifname.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
      throw new CniException(CniException.INVALID_ENV, "CNI_IFNAME must be an interface name of at most 15 "
          + "characters without '/', ':' or spaces: '" + ifname + "'");
    }
    return Attachment.of(id, ifname);
  }

  private String netns() throws CniException {
    String ns = requireEnv("CNI_NETNS");
    if (!Files.exists(Path.of(ns))) {
      throw new CniException(CniException.UNKNOWN_CONTAINER, "CNI_NETNS " + ns + " does not exist");
    }
    return ns;
  }

  private Api api() throws CniException {
    return new Api(conf.api(), Api.readToken(conf.tokenFile(), conf.tokenFileGiven()));
  }

  private OverlayClient controller() throws CniException {
    return new OverlayClient(conf, api(), host);
  }

  /** The config's IPAM plugin; CNI_PATH is required only when there is one to run. */
  private DelegatedIpam ipam() throws CniException {
    return new DelegatedIpam(conf, requireEnv("CNI_PATH"));
  }

  // ---- ADD ----

  Map<String, Object> add() throws CniException {
    Attachment a = attachment();
    String netns = netns();
    OverlayClient controller = controller();
    Api api = controller.api();
    // ovs-vsctl and a GET, beside the next GET
    Background<String> hostLookup = new Background<>(controller::host);
    Map<String, Object> net = controller.network();
    Trace.mark("GET network");
    String hostName = hostLookup.get();
    Trace.mark("host " + hostName);
    List<Undo> undo = new ArrayList<>();
    try {
      Address addr;
      if (conf.ipam().isPresent()) {
        DelegatedIpam ipam = ipam();
        Map<String, Object> ipamResult = ipam.run("ADD");
        undo.add(() -> ipam.run("DEL"));
        addr = Address.fromIpam(ipamResult, net);
      } else {
        addr = null;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", a.endpoint());
      body.put("network", conf.network());
      body.put("host", hostName);
      body.put("port", a.hostVeth());
      body.put("mac", "dynamic");
      body.put("ip", addr == null ? "dynamic" : addr.ip());
      Api.Answer created;
      try {
        created = api.post("/overlay/endpoints", body);
      } catch (CniException e) {
        // no answer (a timeout, a dropped connection) may still have created it: remove it if it is there
        undo.add(() -> controller.deleteEndpoint(a.endpoint()));
        throw e;
      }
      if (created.status() != 201 && created.status() != 200) {
        throw new CniException(CniException.CONTROLLER_REFUSED, "the controller refused endpoint " + a.endpoint()
            + ": " + created.error(), "HTTP " + created.status());
      }
      undo.add(() -> controller.deleteEndpoint(a.endpoint()));
      Trace.mark("POST endpoint");
      String ip = String.valueOf(created.object().get("ip"));
      String mac = String.valueOf(created.object().get("mac"));
      if (!Address.isIpv4(ip) || !mac.matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}")) {
        throw new CniException(CniException.TRY_AGAIN_LATER, "the controller has no address for endpoint "
            + a.endpoint() + " yet (" + created.object().get("state") + ": " + created.object().get("reason") + ")");
      }
      if (addr == null) {
        addr = Address.fromNetwork(ip, net);
      }
      int mtu = conf.mtu() > 0 ? conf.mtu()
          : net.get("mtu") instanceof Long l ? l.intValue() : NetConf.DEFAULT_MTU;

      undo.add(() -> HostCommands.deleteVeth(a.hostVeth()));
      host.configureVeth(a, netns, mac, mtu, addr);
      undo.add(() -> host.deletePort(a.hostVeth()));
      host.addPort(a);
      return CniResult.of(conf, a, netns, mac, mtu, addr, net);
    } catch (CniException | RuntimeException e) {
      for (int i = undo.size() - 1; i >= 0; i--) {
        try {
          undo.get(i).run();
        } catch (CniException | RuntimeException ignored) {
          // best effort: the first failure is what the runtime needs to see
        }
      }
      throw e;
    }
  }

  @FunctionalInterface
  private interface Undo {
    void run() throws CniException;
  }

  static List<Object> listOf(Object o) {
    if (o instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    return List.of();
  }

  // ---- DEL ----

  void del() throws CniException {
    Attachment a = attachment();
    List<CniException> failures = new ArrayList<>();
    // the controller forgets the endpoint while the host removes port and veth
    Background<Boolean> remote = new Background<>(() -> { // the endpoint's name alone says which
      controller().deleteEndpoint(a.endpoint());
      Trace.mark("DELETE endpoint");
      return true;
    });
    try {
      host.deletePort(a.hostVeth());
      Trace.mark("ovs-vsctl del-port");
    } catch (CniException e) {
      failures.add(e);
    }
    try {
      HostCommands.deleteVeth(a.hostVeth());
      Trace.mark("ip link del");
    } catch (CniException e) {
      failures.add(e);
    }
    try {
      remote.get();
    } catch (CniException e) {
      failures.add(e);
    }
    if (conf.ipam().isPresent()) {
      try {
        ipam().run("DEL");
      } catch (CniException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  // ---- CHECK ----

  void check() throws CniException {
    Attachment a = attachment();
    String netns = netns();
    OverlayClient controller = controller();
    Api.Answer ep = controller.api().get("/overlay/endpoints/" + a.endpoint());
    if (ep.status() == 404) {
      throw new CniException(CniException.CHECK_FAILED, "the controller has no endpoint " + a.endpoint());
    } else if (ep.status() != 200) {
      throw new CniException(CniException.CONTROLLER_REFUSED, "GET endpoint " + a.endpoint() + ": " + ep.error());
    }
    Map<String, Object> e = ep.object();
    String ip = String.valueOf(e.get("ip"));
    String mac = String.valueOf(e.get("mac"));
    if (!Boolean.TRUE.equals(e.get("bound"))) {
      throw new CniException(CniException.CHECK_FAILED, "endpoint " + a.endpoint() + " is " + e.get("state")
          + ": " + e.get("reason"));
    }
    Map<String, Object> net = controller.network();
    String link = Exec.check(HostCommands.inNetns(netns, "ip", "-o", "link", "show", "dev", a.ifname()));
    if (!link.contains("link/ether " + mac)) {
      throw new CniException(CniException.CHECK_FAILED, a.ifname() + " in " + netns + " does not have MAC " + mac,
          link.strip());
    }
    String addrs = Exec.check(HostCommands.inNetns(netns, "ip", "-o", "-4", "addr", "show", "dev", a.ifname()));
    Address want = Address.fromNetwork(ip, net);
    if (conf.prevResult().isPresent()) {
      for (Object o : listOf(conf.prevResult().get().get("ips"))) {
        if (o instanceof Map<?, ?> m && String.valueOf(m.get("address")).startsWith(ip + "/")) {
          want = new Address(ip, String.valueOf(m.get("address")), want.gateway(), want.routes(), want.dns());
        }
      }
    }
    if (!addrs.contains("inet " + want.cidr() + " ")) {
      throw new CniException(CniException.CHECK_FAILED, a.ifname() + " in " + netns + " does not have address "
          + want.cidr(), addrs.strip());
    }
    String routes = Exec.check(HostCommands.inNetns(netns, "ip", "-4", "route", "show", "dev", a.ifname()));
    List<Object> expected = conf.prevResult().map(p -> listOf(p.get("routes"))).orElse(List.copyOf(want.routes()));
    for (Object o : expected) {
      if (o instanceof Map<?, ?> r) {
        String dst = String.valueOf(r.get("dst"));
        String line = (dst.equals("0.0.0.0/0") ? "default" : dst) + (r.get("gw") != null ? " via " + r.get("gw") : "");
        if (routes.lines().noneMatch(l -> l.startsWith(line))) {
          throw new CniException(CniException.CHECK_FAILED, a.ifname() + " in " + netns + " has no route " + line,
              routes.strip());
        }
      }
    }
    String id = Exec.check(host.vsctl("--if-exists", "get", "Interface", a.hostVeth(), "external_ids:iface-id")).strip();
    if (!id.replace("\"", "").equals(a.endpoint())) {
      throw new CniException(CniException.CHECK_FAILED, "OVS interface " + a.hostVeth() + " on " + conf.bridge()
          + " is not bound to " + a.endpoint() + " (iface-id " + (id.isEmpty() ? "missing" : id) + ")");
    }
    if (conf.ipam().isPresent()) {
      ipam().run("CHECK");
    }
  }

  // ---- STATUS ----

  void status() throws CniException {
    try {
      Api.Answer h = api().get("/health");
      if (h.status() != 200) {
        throw new CniException(CniException.NOT_AVAILABLE, "the controller's health check answers " + h.error());
      }
    } catch (CniException e) {
      if (e.code() == CniException.NOT_AVAILABLE) {
        throw e;
      }
      throw new CniException(CniException.NOT_AVAILABLE, "the controller at " + conf.api() + " is not available: "
          + e.getMessage(), e.details());
    }
    Exec.Result br = Exec.run(host.vsctl("br-exists", conf.bridge()));
    if (!br.ok()) {
      throw new CniException(CniException.NOT_AVAILABLE, "bridge " + conf.bridge() + " is not in the local OVS"
          + (br.err().isBlank() ? "" : ": " + br.err().strip()));
    }
  }

  // ---- GC ----

  /**
   * Removes this network configuration's OVS ports (and veths) whose attachment is not valid, then this plugin's
   * endpoints on this host and overlay network that have no valid attachment and no port of another configuration.
   */
  void gc() throws CniException {
    if (conf.name() == null || conf.network() == null) {
      throw new CniException(CniException.INVALID_CONFIG, "GC needs name and network");
    }
    Set<String> validVeths = new HashSet<>();
    for (Map<String, Object> v : conf.validAttachments()) {
      validVeths.add(Attachment.of(String.valueOf(v.get("containerID")), String.valueOf(v.get("ifname"))).hostVeth());
    }
    Map<String, Map<String, String>> interfaces = host.ovsInterfaces();
    List<CniException> failures = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> i : interfaces.entrySet()) {
      if (conf.name().equals(i.getValue().get("cni-network")) && !validVeths.contains(i.getKey())) {
        try {
          host.deletePort(i.getKey());
          HostCommands.deleteVeth(i.getKey());
        } catch (CniException e) {
          failures.add(e);
        }
      }
    }
    OverlayClient controller = controller();
    String hostName = controller.host();
    for (Map<String, Object> e : controller.api().list("/overlay/endpoints")) {
      String name = String.valueOf(e.get("name"));
      String veth = Attachment.vethOf(name);
      if (veth == null || validVeths.contains(veth) || !"api".equals(e.get("source"))
          || !conf.network().equals(e.get("network")) || !hostName.equals(e.get("host")) || !veth.equals(e.get("port"))) {
        continue;
      }
      Map<String, String> other = interfaces.get(veth);
      if (other != null && !conf.name().equals(other.get("cni-network"))) {
        continue; // another network configuration's attachment
      }
      try {
        controller.deleteEndpoint(name);
      } catch (CniException ex) {
        failures.add(ex);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
