package io.switchboard.cni;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CNI commands against one network configuration and the runtime's environment. ADD records an undo step for
 * everything it makes (delegated address, endpoint, veth, OVS port) and runs them backwards when a later step
 * fails, so a failed ADD leaves nothing; DEL removes the same things by their derived names and treats each one
 * already gone as done.
 */
final class Plugin {
  private final NetConf conf;
  private final Map<String, String> env;

  Plugin(NetConf conf, Map<String, String> env) {
    this.conf = conf;
    this.env = env;
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

  // ---- commands on the host ----

  private List<String> vsctl(String... args) {
    List<String> argv = new ArrayList<>(List.of("ovs-vsctl", "--timeout=5"));
    conf.ovsdb().ifPresent(db -> argv.add("--db=" + db));
    argv.addAll(List.of(args));
    return argv;
  }

  private static List<String> inNetns(String netns, String... args) {
    List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + netns));
    argv.addAll(List.of(args));
    return argv;
  }

  /** Deletes the host end of the veth (and with it the container end); gone already is fine. */
  private static void deleteVeth(String veth) throws CniException {
    Exec.Result r = Exec.run(List.of("ip", "link", "del", veth));
    if (!r.ok() && !r.err().contains("Cannot find device") && !r.err().contains("does not exist")) {
      throw new CniException(CniException.COMMAND_FAILED, "ip link del " + veth + " failed", r.err().strip());
    }
  }

  private void deletePort(String veth) throws CniException {
    Exec.check(vsctl("--if-exists", "del-port", conf.bridge(), veth));
  }

  // ---- ADD ----

  Map<String, Object> add() throws CniException {
    Attachment a = attachment();
    String netns = netns();
    Api api = api();
    Background<String> hostLookup = new Background<>(() -> host(api)); // ovs-vsctl and a GET, beside the next GET
    Map<String, Object> net = network(api);
    Trace.mark("GET network");
    String host = hostLookup.get();
    Trace.mark("host " + host);
    List<Undo> undo = new ArrayList<>();
    try {
      Address addr;
      if (conf.ipam().isPresent()) {
        Map<String, Object> ipamResult = ipam("ADD");
        undo.add(() -> ipam("DEL"));
        addr = Address.fromIpam(ipamResult, net);
      } else {
        addr = null;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", a.endpoint());
      body.put("network", conf.network());
      body.put("host", host);
      body.put("port", a.hostVeth());
      body.put("mac", "dynamic");
      body.put("ip", addr == null ? "dynamic" : addr.ip());
      Api.Answer created;
      try {
        created = api.post("/overlay/endpoints", body);
      } catch (CniException e) {
        // no answer (a timeout, a dropped connection) may still have created it: remove it if it is there
        undo.add(() -> deleteEndpoint(api, a.endpoint()));
        throw e;
      }
      if (created.status() != 201 && created.status() != 200) {
        throw new CniException(CniException.CONTROLLER_REFUSED, "the controller refused endpoint " + a.endpoint()
            + ": " + created.error(), "HTTP " + created.status());
      }
      undo.add(() -> deleteEndpoint(api, a.endpoint()));
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

      undo.add(() -> deleteVeth(a.hostVeth()));
      StringBuilder batch = new StringBuilder();
      batch.append("link add ").append(a.ifname()).append(" mtu ").append(mtu).append(" address ").append(mac)
          .append(" type veth peer name ").append(a.hostVeth()).append(" mtu ").append(mtu)
          .append(" netns ").append(ProcessHandle.current().pid()).append('\n');
      batch.append("addr add ").append(addr.cidr()).append(" dev ").append(a.ifname()).append('\n');
      batch.append("link set ").append(a.ifname()).append(" up\n");
      for (Map<String, Object> r : addr.routes()) {
        batch.append("route add ").append(r.get("dst"));
        if (r.get("gw") != null) {
          batch.append(" via ").append(r.get("gw"));
        }
        batch.append(" dev ").append(a.ifname()).append('\n');
      }
      Exec.Result r = Exec.run(inNetns(netns, "ip", "-batch", "-"), null, batch.toString());
      if (!r.ok()) {
        throw new CniException(CniException.COMMAND_FAILED, "configuring " + a.ifname() + " in " + netns
            + " failed", r.err().strip());
      }
      Trace.mark("ip -batch in the namespace");
      Exec.check(List.of("ip", "link", "set", a.hostVeth(), "up"));
      Trace.mark("host veth up");
      undo.add(() -> deletePort(a.hostVeth()));
      Exec.check(vsctl("--may-exist", "add-port", conf.bridge(), a.hostVeth(), "--", "set", "Interface",
          a.hostVeth(), "external_ids:iface-id=" + a.endpoint(), "external_ids:cni-containerid=" + a.containerId(),
          "external_ids:cni-ifname=" + a.ifname(), "external_ids:cni-network=" + conf.name()));
      Trace.mark("ovs-vsctl add-port");
      return result(a, netns, mac, mtu, addr, net);
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

  /** The overlay network of the config, from the controller; an unknown one is a config error naming the key. */
  private Map<String, Object> network(Api api) throws CniException {
    Api.Answer n = api.get("/overlay/networks/"
        + java.net.URLEncoder.encode(conf.network(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
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
  private String host(Api api) throws CniException {
    if (conf.host().isPresent()) {
      return conf.host().get();
    }
    String raw = Exec.check(vsctl("get", "Bridge", conf.bridge(), "datapath_id")).strip().replace("\"", "");
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

  private static void deleteEndpoint(Api api, String name) throws CniException {
    Api.Answer d = api.delete("/overlay/endpoints/" + name);
    if (d.status() != 204 && d.status() != 200 && d.status() != 404) {
      throw new CniException(CniException.CONTROLLER_REFUSED, "the controller refused to delete endpoint " + name
          + ": " + d.error());
    }
  }

  /** The CNI result; chained after another plugin, its interfaces, addresses and routes come first. */
  private Map<String, Object> result(Attachment a, String netns, String mac, int mtu, Address addr,
      Map<String, Object> net) {
    Map<String, Object> prev = conf.prevResult().orElse(Map.of());
    List<Object> interfaces = new ArrayList<>(listOf(prev.get("interfaces")));
    List<Object> ips = new ArrayList<>(listOf(prev.get("ips")));
    List<Object> routes = new ArrayList<>(listOf(prev.get("routes")));
    Map<String, Object> hostIf = new LinkedHashMap<>();
    hostIf.put("name", a.hostVeth());
    readMac(a.hostVeth()).ifPresent(m -> hostIf.put("mac", m));
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

  private static Optional<String> readMac(String dev) {
    try {
      return Optional.of(Files.readString(Path.of("/sys/class/net", dev, "address")).strip());
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  static List<Object> listOf(Object o) {
    if (o instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    return List.of();
  }

  // ---- delegated IPAM ----

  /** Runs the config's IPAM plugin from CNI_PATH with the runtime's environment and the config on stdin. */
  private Map<String, Object> ipam(String command) throws CniException {
    String type = String.valueOf(conf.ipam().orElseThrow().get("type"));
    String path = requireEnv("CNI_PATH");
    Path exe = null;
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, type);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        exe = p;
        break;
      }
    }
    if (exe == null) {
      throw new CniException(CniException.INVALID_CONFIG, "ipam.type: no IPAM plugin '" + type + "' in CNI_PATH "
          + path);
    }
    Map<String, String> e = new LinkedHashMap<>();
    e.put("CNI_COMMAND", command);
    Exec.Result r = Exec.run(List.of(exe.toString()), e, Json.write(conf.raw()));
    if (!r.ok()) {
      String msg = r.err().strip();
      int code = CniException.COMMAND_FAILED;
      try {
        Map<String, Object> err = Json.parseObject(r.out());
        msg = err.get("msg") + (err.get("details") != null ? ": " + err.get("details") : "");
        if (err.get("code") instanceof Long c) {
          code = c.intValue();
        }
      } catch (IllegalArgumentException ignored) {
        // not an error object: stderr says it
      }
      throw new CniException(code, "IPAM plugin " + type + " " + command + " failed: " + msg);
    }
    if (!command.equals("ADD")) {
      return Map.of();
    }
    try {
      return Json.parseObject(r.out());
    } catch (IllegalArgumentException ex) {
      throw new CniException(CniException.DECODE_FAILURE, "IPAM plugin " + type + " printed no result",
          ex.getMessage());
    }
  }

  // ---- DEL ----

  void del() throws CniException {
    Attachment a = attachment();
    List<CniException> failures = new ArrayList<>();
    // the controller forgets the endpoint while the host removes port and veth
    Background<Boolean> remote = new Background<>(() -> { // the endpoint's name alone says which
      deleteEndpoint(api(), a.endpoint());
      Trace.mark("DELETE endpoint");
      return true;
    });
    try {
      deletePort(a.hostVeth());
      Trace.mark("ovs-vsctl del-port");
    } catch (CniException e) {
      failures.add(e);
    }
    try {
      deleteVeth(a.hostVeth());
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
        ipam("DEL");
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
    Api api = api();
    Api.Answer ep = api.get("/overlay/endpoints/" + a.endpoint());
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
    Map<String, Object> net = network(api);
    String link = Exec.check(inNetns(netns, "ip", "-o", "link", "show", "dev", a.ifname()));
    if (!link.contains("link/ether " + mac)) {
      throw new CniException(CniException.CHECK_FAILED, a.ifname() + " in " + netns + " does not have MAC " + mac,
          link.strip());
    }
    String addrs = Exec.check(inNetns(netns, "ip", "-o", "-4", "addr", "show", "dev", a.ifname()));
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
    String routes = Exec.check(inNetns(netns, "ip", "-4", "route", "show", "dev", a.ifname()));
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
    String id = Exec.check(vsctl("--if-exists", "get", "Interface", a.hostVeth(), "external_ids:iface-id")).strip();
    if (!id.replace("\"", "").equals(a.endpoint())) {
      throw new CniException(CniException.CHECK_FAILED, "OVS interface " + a.hostVeth() + " on " + conf.bridge()
          + " is not bound to " + a.endpoint() + " (iface-id " + (id.isEmpty() ? "missing" : id) + ")");
    }
    if (conf.ipam().isPresent()) {
      ipam("CHECK");
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
    Exec.Result br = Exec.run(vsctl("br-exists", conf.bridge()));
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
    Map<String, Map<String, String>> interfaces = ovsInterfaces();
    List<CniException> failures = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> i : interfaces.entrySet()) {
      if (conf.name().equals(i.getValue().get("cni-network")) && !validVeths.contains(i.getKey())) {
        try {
          deletePort(i.getKey());
          deleteVeth(i.getKey());
        } catch (CniException e) {
          failures.add(e);
        }
      }
    }
    Api api = api();
    String host = host(api);
    for (Map<String, Object> e : api.list("/overlay/endpoints")) {
      String name = String.valueOf(e.get("name"));
      String veth = Attachment.vethOf(name);
      if (veth == null || validVeths.contains(veth) || !"api".equals(e.get("source"))
          || !conf.network().equals(e.get("network")) || !host.equals(e.get("host")) || !veth.equals(e.get("port"))) {
        continue;
      }
      Map<String, String> other = interfaces.get(veth);
      if (other != null && !conf.name().equals(other.get("cni-network"))) {
        continue; // another network configuration's attachment
      }
      try {
        deleteEndpoint(api, name);
      } catch (CniException ex) {
        failures.add(ex);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  /** Every OVS interface's name and external_ids. */
  @SuppressWarnings("unchecked")
  private Map<String, Map<String, String>> ovsInterfaces() throws CniException {
    String out = Exec.check(vsctl("--format=json", "--data=json", "--columns=name,external_ids", "list",
        "Interface"));
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    try {
      for (Object row : listOf(Json.parseObject(out).get("data"))) {
        List<Object> cells = (List<Object>) row;
        Map<String, String> ids = new LinkedHashMap<>();
        List<Object> map = (List<Object>) cells.get(1);
        for (Object pair : listOf(map.get(1))) {
          List<Object> kv = (List<Object>) pair;
          ids.put(String.valueOf(kv.get(0)), String.valueOf(kv.get(1)));
        }
        all.put(String.valueOf(cells.get(0)), ids);
      }
    } catch (RuntimeException e) {
      throw new CniException(CniException.COMMAND_FAILED, "cannot read ovs-vsctl's interface list", e.toString());
    }
    return all;
  }
}
