package io.switchboard.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated hypervisor: network namespace {@code PREFIX-NAME} running its own ovsdb-server and
 * ovs-vswitchd, whose sockets, pid files, logs and database all live in {@link #dir()}.
 */
public final class SimHost {
  private static final Logger log = LoggerFactory.getLogger(SimHost.class);
  static final String SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";
  /** Host-side end of the underlay veth; it is a port of br-phy. */
  public static final String UNDERLAY_PORT = "ul-phy";
  public static final String UNDERLAY_BRIDGE = "br-phy";

  private final TestBed bed;
  private final String name;
  private final String namespace;
  private final Path dir;
  private final Map<String, Bridge> bridges = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<Integer, BackgroundProcess> relays = new LinkedHashMap<>();
  private final AtomicInteger spawned = new AtomicInteger();
  private volatile String underlayIpCidr;

  private SimHost(TestBed bed, String name) {
    this.bed = bed;
    this.name = name;
    this.namespace = bed.namespace(name);
    this.dir = bed.stateDir().resolve(name);
  }

  /** Creates the namespace and starts the daemons, as docs/testing.md sketches. */
  static SimHost start(TestBed bed, String name) {
    SimHost h = new SimHost(bed, name);
    try {
      Files.createDirectories(h.dir);
    } catch (java.io.IOException e) {
      throw new TestBedException("cannot create " + h.dir + ": " + e.getMessage(), e);
    }
    String d = h.dir.toString();
    Shell.check(List.of("ip", "netns", "add", h.namespace));
    Shell.check(List.of("ip", "-n", h.namespace, "link", "set", "lo", "up"));
    Netns.disableIpv6(h.namespace);
    Shell.check(List.of("ovsdb-tool", "create", d + "/conf.db", SCHEMA));
    h.execOvs("ovsdb-server", d + "/conf.db", "--remote=punix:" + d + "/db.sock",
        "--pidfile=" + d + "/ovsdb.pid", "--unixctl=" + d + "/ovsdb.ctl",
        "--log-file=" + d + "/ovsdb.log", "--detach");
    h.vsctl("--no-wait", "init");
    h.execOvs("ovs-vswitchd", "unix:" + d + "/db.sock", "--pidfile=" + d + "/vswitchd.pid",
        "--unixctl=" + d + "/vswitchd.ctl", "--log-file=" + d + "/vswitchd.log", "--detach");
    log.debug("host {} up in namespace {} (state {})", name, h.namespace, d);
    return h;
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** Directory holding this host's conf.db, db.sock, BR.mgmt sockets, pid files and logs. */
  public Path dir() {
    return dir;
  }

  public TestBed testBed() {
    return bed;
  }

  // ---- bridges ----

  /** A controller-managed bridge: netdev datapath, fail-mode secure, OpenFlow 1.0 and 1.3-1.5. */
  public Bridge addBridge(String bridge) {
    return addBridge(bridge, -1);
  }

  /** Like {@link #addBridge(String)} with a fixed datapath id (ignored when negative). */
  public Bridge addBridge(String bridge, long dpid) {
    Names.checkInterface(bridge);
    List<String> args = new ArrayList<>(List.of("add-br", bridge, "--", "set", "bridge", bridge,
        "datapath_type=netdev", "fail_mode=secure",
        "protocols=OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15",
        "other-config:disable-in-band=true"));
    if (dpid >= 0) {
      args.add(String.format("other-config:datapath-id=%016x", dpid));
    }
    vsctl(args.toArray(String[]::new));
    Bridge b = new Bridge(this, bridge);
    bridges.put(bridge, b);
    return b;
  }

  /** The bridge of that name, whether made by {@link #addBridge} or otherwise (e.g. br-phy). */
  public Bridge bridge(String bridge) {
    return bridges.computeIfAbsent(bridge, n -> new Bridge(this, n));
  }

  public Collection<Bridge> bridges() {
    return List.copyOf(bridges.values());
  }

  public void deleteBridge(String bridge) {
    vsctl("--if-exists", "del-br", bridge);
    bridges.remove(bridge);
  }

  public long dpid(String bridge) {
    String raw = vsctl("get", "bridge", bridge, "datapath-id").trim().replace("\"", "");
    try {
      return Long.parseUnsignedLong(raw, 16);
    } catch (NumberFormatException e) {
      throw new TestBedException("unexpected datapath-id of " + bridge + " on " + name + ": " + raw);
    }
  }

  /** OpenFlow port number of an interface; waits briefly while OVS has not assigned one yet. */
  public int ofport(String bridge, String port) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    String raw = "";
    while (true) {
      raw = vsctl("get", "interface", port, "ofport").trim();
      try {
        int n = Integer.parseInt(raw);
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException ignored) {
        // "[]" until vswitchd has attached the interface
      }
      if (System.nanoTime() > deadline) {
        throw new TestBedException(
            "port " + port + " on " + name + "/" + bridge + " has no ofport (got " + raw + ")");
      }
      Pids.sleep(50);
    }
  }

  /** Per-port counters of a bridge keyed by port name, from {@code ovs-ofctl --names dump-ports}. */
  public Map<String, PortCounters> portCounters(String bridge) {
    return PortCounters.parse(
        ofctl("-O", "OpenFlow13", "--names", "dump-ports", mgmtTarget(bridge)));
  }

  /** {@code unix:DIR/BR.mgmt}: the bridge's OpenFlow management socket. */
  public String mgmtTarget(String bridge) {
    return "unix:" + dir.resolve(bridge + ".mgmt");
  }

  /**
   * {@code ovs-vsctl set-ssl KEY CERT CACERT}: the private key and certificate this host's OVS presents on
   * {@code ssl:} controller connections, and the CA certificate the controller's certificate must be signed by.
   */
  public void setSsl(Path privateKey, Path certificate, Path caCertificate) {
    vsctl("set-ssl", privateKey.toString(), certificate.toString(), caCertificate.toString());
  }

  // ---- raw tools ----

  /** {@code ovs-vsctl --db=unix:DIR/db.sock ARGS} in this host; returns stdout. */
  public String vsctl(String... args) {
    List<String> argv = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + dir.resolve("db.sock"),
        "--timeout=15"));
    argv.addAll(Arrays.asList(args));
    return execOvs(argv.toArray(String[]::new));
  }

  /**
   * {@code ovs-ofctl ARGS} in this host. OVS_RUNDIR points at {@link #dir()}, so a bare bridge name
   * works as the target as well as {@link #mgmtTarget}.
   */
  public String ofctl(String... args) {
    List<String> argv = new ArrayList<>(List.of("ovs-ofctl"));
    argv.addAll(Arrays.asList(args));
    return execOvs(argv.toArray(String[]::new));
  }

  /** {@code ovs-appctl -t DIR/vswitchd.ctl ARGS}. */
  public String appctl(String... args) {
    List<String> argv =
        new ArrayList<>(List.of("ovs-appctl", "-t", dir.resolve("vswitchd.ctl").toString()));
    argv.addAll(Arrays.asList(args));
    return execOvs(argv.toArray(String[]::new));
  }

  /** Runs cmd in the host namespace; returns stdout, throws on a non-zero exit. */
  public String exec(String... cmd) {
    return run(cmd).orThrow();
  }

  /** Runs cmd in the host namespace and returns the result whatever the exit code. */
  public CommandResult run(String... cmd) {
    return Shell.run(Netns.exec(namespace, cmd));
  }

  /** Starts a long-running command in the host namespace, stopped on {@link TestBed#close()}. */
  public BackgroundProcess spawn(String... cmd) {
    int n = spawned.incrementAndGet();
    return BackgroundProcess.start(Netns.exec(namespace, cmd), dir.resolve("bg-" + n + ".pid"),
        dir.resolve("bg-" + n + ".log"), bed.stateDir().toString());
  }

  String execOvs(String... cmd) {
    String d = dir.toString();
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "env",
        "OVS_RUNDIR=" + d, "OVS_LOGDIR=" + d, "OVS_DBDIR=" + d));
    argv.addAll(Arrays.asList(cmd));
    return Shell.check(argv);
  }

  // ---- underlay ----

  /**
   * Joins the testbed's underlay: a veth from this namespace into the underlay's Linux bridge,
   * added to a standalone netdev bridge {@code br-phy} whose internal port gets tunnelIpCidr
   * (e.g. "10.99.0.1/24"). VXLAN ports on other bridges of this host then use that address.
   */
  public synchronized void joinUnderlay(String tunnelIpCidr) {
    if (underlayIpCidr != null) {
      throw new TestBedException(name + " already joined the underlay as " + underlayIpCidr);
    }
    Names.checkCidr(tunnelIpCidr);
    bed.underlay().attach(this, tunnelIpCidr);
    underlayIpCidr = tunnelIpCidr;
  }

  /** The underlay address without prefix length, if joined. */
  public Optional<String> underlayIp() {
    return Optional.ofNullable(underlayIpCidr).map(c -> c.substring(0, c.indexOf('/')));
  }

  // ---- controller relay ----

  /** Makes 127.0.0.1:port inside this namespace lead to 127.0.0.1:port of the root namespace. */
  synchronized void ensureRelay(int port) {
    BackgroundProcess existing = relays.get(port);
    if (existing != null && existing.isAlive()) {
      return;
    }
    Path sock = bed.ensureRootRelay(port);
    List<String> argv = Netns.exec(namespace, "socat",
        "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + sock);
    BackgroundProcess relay = BackgroundProcess.start(argv, dir.resolve("relay-" + port + ".pid"),
        dir.resolve("relay-" + port + ".log"), bed.stateDir().toString());
    relays.put(port, relay);
    awaitListening(relay, port);
  }

  private void awaitListening(BackgroundProcess relay, int port) {
    String needle = String.format("0100007F:%04X 00000000:0000 0A", port);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (!relay.isAlive()) {
        throw new TestBedException("relay for port " + port + " in " + namespace + " exited: "
            + relay.output().strip());
      }
      String tcp = run("cat", "/proc/net/tcp").stdout();
      if (tcp.contains(needle)) {
        return;
      }
      Pids.sleep(20);
    }
    throw new TestBedException("relay for port " + port + " in " + namespace + " not listening");
  }

  void stopRelays() {
    List<BackgroundProcess> all;
    synchronized (this) {
      all = List.copyOf(relays.values());
      relays.clear();
    }
    all.forEach(BackgroundProcess::stop);
  }

  @Override
  public String toString() {
    return "host " + name + " (" + namespace + ")";
  }
}
