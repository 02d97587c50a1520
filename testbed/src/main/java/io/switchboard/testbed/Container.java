package io.switchboard.testbed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A workload: namespace {@code PREFIX-NAME} with one interface {@code eth0}, whose veth peer
 * ({@link #portName()}, by default {@code NAME-eth}) is a port of a bridge on a {@link SimHost}.
 */
public final class Container {
  public static final String IFACE = "eth0";

  private final TestBed bed;
  private final String name;
  private final String namespace;
  private final String ipCidr;
  private final String mac;
  private final AtomicInteger spawned = new AtomicInteger();
  private SimHost host;
  private String bridge;
  private String portName;
  private String gateway;

  private Container(TestBed bed, String name, String ipCidr, String mac) {
    this.bed = bed;
    this.name = name;
    this.namespace = bed.namespace(name);
    this.ipCidr = ipCidr;
    this.mac = mac.toLowerCase();
  }

  static Container create(TestBed bed, SimHost host, String name, String bridge, String ipCidr,
      String mac) {
    Container c = new Container(bed, name, ipCidr, mac);
    Shell.check(List.of("ip", "netns", "add", c.namespace));
    Shell.check(List.of("ip", "-n", c.namespace, "link", "set", "lo", "up"));
    Netns.disableIpv6(c.namespace);
    c.plug(host, bridge, name + "-eth");
    return c;
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** The address without prefix length, e.g. "192.168.1.10". */
  public String ip() {
    return ipCidr.substring(0, ipCidr.indexOf('/'));
  }

  public String ipCidr() {
    return ipCidr;
  }

  public String mac() {
    return mac;
  }

  /** Name of the bridge port (the host-side veth end), null while unplugged. */
  public synchronized String portName() {
    return portName;
  }

  /** The host the container is plugged into, null while unplugged. */
  public synchronized SimHost host() {
    return host;
  }

  public synchronized String bridge() {
    return bridge;
  }

  public boolean isPlugged() {
    return portName() != null;
  }

  /** OpenFlow port number of this container's port on its bridge. */
  public int ofport() {
    SimHost h;
    String br;
    String port;
    synchronized (this) {
      h = host;
      br = bridge;
      port = portName;
    }
    if (port == null) {
      throw new TestBedException(name + " is unplugged");
    }
    return h.ofport(br, port);
  }

  public synchronized void addDefaultRoute(String gatewayIp) {
    Names.checkIp(gatewayIp);
    gateway = gatewayIp;
    if (portName != null) {
      Shell.check(List.of("ip", "-n", namespace, "route", "replace", "default", "via", gatewayIp));
    }
  }

  // ---- commands ----

  /** Runs cmd in the container; returns stdout, throws on a non-zero exit. */
  public String exec(String... cmd) {
    return run(cmd).orThrow();
  }

  public CommandResult run(String... cmd) {
    return Shell.run(Netns.exec(namespace, cmd));
  }

  public CommandResult run(Duration timeout, String... cmd) {
    return Shell.run(Netns.exec(namespace, cmd), timeout);
  }

  /** Starts a long-running command in the container (e.g. a server), stopped on close. */
  public BackgroundProcess spawn(String... cmd) {
    int n = spawned.incrementAndGet();
    var dir = bed.stateDir().resolve("containers");
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new TestBedException("cannot create " + dir, e);
    }
    return BackgroundProcess.start(Netns.exec(namespace, cmd), dir.resolve(name + "-" + n + ".pid"),
        dir.resolve(name + "-" + n + ".log"), bed.stateDir().toString());
  }

  /**
   * {@code ping -n -c COUNT -i 0.2 -W SECONDS ip}; never throws for lost packets.
   *
   * @param timeout how long to wait for each reply (whole seconds, at least one)
   */
  public PingResult ping(String ip, int count, Duration timeout) {
    Names.checkIp(ip);
    long waitSeconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    Duration overall = Duration.ofMillis(count * 200L + waitSeconds * 1000 + 10_000);
    CommandResult r = run(overall, "ping", "-n", "-c", Integer.toString(count), "-i", "0.2", "-W",
        Long.toString(waitSeconds), ip);
    return PingResult.parse(ip, r.output());
  }

  /** A short ping (3 packets, 1 s wait): true as soon as one reply came back; ~1.4 s on failure. */
  public boolean canReach(String ip) {
    return ping(ip, 3, Duration.ofSeconds(1)).success();
  }

  /** Repeats {@link #canReach} until it succeeds or the timeout passes (e.g. while flows install). */
  public boolean canReachWithin(String ip, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      if (canReach(ip)) {
        return true;
      }
    } while (System.nanoTime() < deadline);
    return false;
  }

  // ---- plugging ----

  /** Removes the bridge port and the veth; the namespace, IP and MAC stay for {@link #replug}. */
  public synchronized void unplug() {
    if (portName == null) {
      return;
    }
    host.vsctl("--if-exists", "del-port", bridge, portName);
    Shell.run(List.of("ip", "-n", host.namespace(), "link", "del", portName));
    portName = null;
    bridge = null;
    host = null;
  }

  /**
   * Plugs the container into a (possibly different) host and bridge under a new port name, keeping
   * MAC and IP: what a VM migration or a MAC move looks like to the controller.
   */
  public synchronized void replug(SimHost newHost, String newBridge, String newPortName) {
    unplug();
    plug(newHost, newBridge, newPortName);
  }

  private synchronized void plug(SimHost h, String br, String port) {
    Names.checkInterface(port);
    String hostNs = h.namespace();
    Shell.check(List.of("ip", "-n", hostNs, "link", "add", port, "type", "veth", "peer", "name",
        IFACE, "netns", namespace));
    Shell.check(List.of("ip", "-n", namespace, "link", "set", IFACE, "address", mac));
    Shell.check(List.of("ip", "-n", namespace, "addr", "add", ipCidr, "dev", IFACE));
    Shell.check(List.of("ip", "-n", namespace, "link", "set", IFACE, "up"));
    // The userspace datapath reads veths with AF_PACKET and never completes checksums the kernel
    // left to "hardware": without this, ping works but every TCP segment is dropped by the receiver.
    Shell.check(Netns.exec(namespace, "ethtool", "-K", IFACE, "tx", "off"));
    Shell.check(List.of("ip", "-n", hostNs, "link", "set", port, "up"));
    h.vsctl("add-port", br, port);
    host = h;
    bridge = br;
    portName = port;
    if (gateway != null) {
      Shell.check(List.of("ip", "-n", namespace, "route", "replace", "default", "via", gateway));
    }
  }

  @Override
  public String toString() {
    return "container " + name + " " + ipCidr + " " + mac
        + (portName == null ? " (unplugged)" : " on " + host.name() + "/" + bridge + ":" + portName);
  }
}
