package io.switchboard.cni;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin's operations on this machine: {@code ip} in the container's network namespace (through
 * {@code nsenter}) and on the host end of the veth, and {@code ovs-vsctl} against the local OVS (the config's
 * {@code ovsdb} when it names one). Deleting something already gone is fine.
 */
final class HostCommands {
  private final NetConf conf;

  HostCommands(NetConf conf) {
    this.conf = conf;
  }

  List<String> vsctl(String... args) {
    List<String> argv = new ArrayList<>(List.of("ovs-vsctl", "--timeout=5"));
    conf.ovsdb().ifPresent(db -> argv.add("--db=" + db));
    argv.addAll(List.of(args));
    return argv;
  }

  static List<String> inNetns(String netns, String... args) {
    List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + netns));
    argv.addAll(List.of(args));
    return argv;
  }

  /** Deletes the host end of the veth (and with it the container end); gone already is fine. */
  static void deleteVeth(String veth) throws CniException {
    Exec.Result r = Exec.run(List.of("ip", "link", "del", veth));
    if (!r.ok() && !r.err().contains("Cannot find device") && !r.err().contains("does not exist")) {
      throw new CniException(CniException.COMMAND_FAILED, "ip link del " + veth + " failed", r.err().strip());
    }
  }

  void deletePort(String veth) throws CniException {
    Exec.check(vsctl("--if-exists", "del-port", conf.bridge(), veth));
  }

  /**
   * Makes the veth pair with its container end {@code a.ifname()} in {@code netns} (MAC {@code mac}, {@code mtu}),
   * gives that end its address and routes and brings both ends up. One {@code ip -batch} in the namespace.
   */
  void configureVeth(Attachment a, String netns, String mac, int mtu, Address addr) throws CniException {
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
  }

  /** Adds the host end of the veth to the bridge, its external_ids naming the endpoint and the attachment. */
  void addPort(Attachment a) throws CniException {
    Exec.check(vsctl("--may-exist", "add-port", conf.bridge(), a.hostVeth(), "--", "set", "Interface",
        a.hostVeth(), "external_ids:iface-id=" + a.endpoint(), "external_ids:cni-containerid=" + a.containerId(),
        "external_ids:cni-ifname=" + a.ifname(), "external_ids:cni-network=" + conf.name()));
    Trace.mark("ovs-vsctl add-port");
  }

  static Optional<String> readMac(String dev) {
    try {
      return Optional.of(Files.readString(Path.of("/sys/class/net", dev, "address")).strip());
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Every OVS interface's name and external_ids. */
  @SuppressWarnings("unchecked")
  Map<String, Map<String, String>> ovsInterfaces() throws CniException {
    String out = Exec.check(vsctl("--format=json", "--data=json", "--columns=name,external_ids", "list",
        "Interface"));
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    try {
      for (Object row : Plugin.listOf(Json.parseObject(out).get("data"))) {
        List<Object> cells = (List<Object>) row;
        Map<String, String> ids = new LinkedHashMap<>();
        List<Object> map = (List<Object>) cells.get(1);
        for (Object pair : Plugin.listOf(map.get(1))) {
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
