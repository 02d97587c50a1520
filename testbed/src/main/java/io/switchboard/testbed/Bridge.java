package io.switchboard.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One OVS bridge of a {@link SimHost}; every method talks to that host's own daemons. */
public final class Bridge {
  /** Reconnect quickly in tests: OVS backs off at most this long between controller attempts. */
  public static final int MAX_BACKOFF_MS = 1000;

  private final SimHost host;
  private final String name;

  Bridge(SimHost host, String name) {
    this.host = host;
    this.name = name;
  }

  public String name() {
    return name;
  }

  public SimHost host() {
    return host;
  }

  /** {@code unix:DIR/BR.mgmt}. */
  public String mgmtTarget() {
    return host.mgmtTarget(name);
  }

  // ---- OpenFlow ----

  /** {@code ovs-ofctl -O OpenFlow13 COMMAND unix:DIR/BR.mgmt ARGS}. */
  public String ofctl(String command, String... args) {
    List<String> argv = new ArrayList<>(List.of("-O", "OpenFlow13", command, mgmtTarget()));
    argv.addAll(Arrays.asList(args));
    return host.ofctl(argv.toArray(String[]::new));
  }

  /** Adds one flow written in ovs-ofctl syntax, e.g. {@code "priority=0,actions=NORMAL"}. */
  public void addFlow(String flow) {
    ofctl("add-flow", flow);
  }

  /** Text of {@code ovs-ofctl -O OpenFlow13 dump-flows unix:DIR/BR.mgmt}. */
  public String dumpFlows() {
    return ofctl("dump-flows");
  }

  /** The flows one per line without counters or header ({@code --no-stats}), in OVS's order. */
  public List<String> flows() {
    String out = host.ofctl("-O", "OpenFlow13", "--no-stats", "dump-flows", mgmtTarget());
    List<String> lines = new ArrayList<>();
    for (String line : out.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("OFPST_") && !l.startsWith("NXST_")) {
        lines.add(l);
      }
    }
    return lines;
  }

  /** Deletes every flow in every table. */
  public void delFlows() {
    ofctl("del-flows");
  }

  /** Text of {@code ovs-appctl -t DIR/vswitchd.ctl ofproto/trace BR FLOW}. */
  public String trace(String flowSpec) {
    return host.appctl("ofproto/trace", name, flowSpec);
  }

  // ---- ports ----

  /** Adds an existing network device of the host namespace as a port. */
  public void addPort(String port) {
    Names.checkInterface(port);
    host.vsctl("add-port", name, port);
  }

  public void deletePort(String port) {
    host.vsctl("--if-exists", "del-port", name, port);
  }

  /**
   * Adds a VXLAN port. remoteIp is an address or "flow" (set by set_field:->tun_dst), key a VNI or
   * "flow" (set by set_field:->tun_id).
   */
  public void addVxlanPort(String port, String remoteIp, String key) {
    Names.checkInterface(port);
    if (!remoteIp.equals("flow")) {
      Names.checkIp(remoteIp);
    }
    host.vsctl("add-port", name, port, "--", "set", "interface", port, "type=vxlan",
        "options:remote_ip=" + remoteIp, "options:key=" + key);
  }

  public int ofport(String port) {
    return host.ofport(name, port);
  }

  public long dpid() {
    return host.dpid(name);
  }

  /** rx/tx packets, bytes and drops per port name. */
  public Map<String, PortCounters> portCounters() {
    return host.portCounters(name);
  }

  // ---- controller ----

  /**
   * Points this bridge at controllers listening on the root namespace's 127.0.0.1:port, through the
   * unix-socket relay (see docs/testing.md). Replaces any previous controllers; no ports clears them.
   */
  public void setController(int... controllerPorts) {
    setController("tcp", controllerPorts);
  }

  /**
   * Like {@link #setController(int...)} with OVS's connection method: {@code "tcp"}, or {@code "ssl"} (OpenFlow over
   * TLS with the host's {@link SimHost#setSsl} files).
   */
  public void setController(String protocol, int... controllerPorts) {
    if (!protocol.equals("tcp") && !protocol.equals("ssl")) {
      throw new IllegalArgumentException("not tcp or ssl: " + protocol);
    }
    if (controllerPorts.length == 0) {
      host.vsctl("del-controller", name);
      return;
    }
    for (int port : controllerPorts) {
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("not a TCP port: " + port);
      }
      host.ensureRelay(port);
    }
    List<String> args = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < controllerPorts.length; i++) {
      String id = "@c" + i;
      ids.add(id);
      args.addAll(List.of("--", "--id=" + id, "create", "controller",
          "target=\"" + protocol + ":127.0.0.1:" + controllerPorts[i] + "\"",
          "max_backoff=" + MAX_BACKOFF_MS, "connection_mode=out-of-band"));
    }
    args.addAll(List.of("--", "set", "bridge", name, "controller=" + String.join(",", ids)));
    host.vsctl(args.toArray(String[]::new));
  }

  /** Controller target ("tcp:127.0.0.1:6653") to whether OVS reports it connected. */
  public Map<String, Boolean> controllerConnections() {
    String refs = host.vsctl("get", "bridge", name, "controller").trim();
    Map<String, Boolean> result = new LinkedHashMap<>();
    String inner = refs.replace("[", "").replace("]", "").trim();
    if (inner.isEmpty()) {
      return result;
    }
    List<String> args = new ArrayList<>(List.of("--data=bare", "--format=csv", "--no-headings",
        "--columns=target,is_connected", "list", "controller"));
    for (String uuid : inner.split(",")) {
      args.add(uuid.trim());
    }
    for (String line : host.vsctl(args.toArray(String[]::new)).split("\n")) {
      int comma = line.lastIndexOf(',');
      if (comma > 0) {
        result.put(line.substring(0, comma).replace("\"", ""),
            Boolean.parseBoolean(line.substring(comma + 1).trim()));
      }
    }
    return result;
  }

  /** True when OVS reports at least one controller connected. */
  public boolean isConnected() {
    return controllerConnections().containsValue(true);
  }

  /** Polls {@link #isConnected()} until true or the timeout passes. */
  public boolean awaitConnected(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (isConnected()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Pids.sleep(100);
    }
  }

  @Override
  public String toString() {
    return host.name() + "/" + name;
  }
}
