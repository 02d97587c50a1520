package io.switchboard.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disposable network of simulated hosts on real Open vSwitch (userspace datapath).
 *
 * <p>Everything it makes carries its prefix: namespaces {@code PREFIX-NAME}, state (databases,
 * sockets, pid files, logs) under {@code /run/switchboard-testbed/PREFIX/}. {@link #create}
 * first removes leftovers of the same prefix; {@link #close} removes all of it again, stopping
 * processes only through the pid files it wrote or had the daemons write.
 */
public final class TestBed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TestBed.class);
  public static final Path STATE_ROOT = Path.of("/run/switchboard-testbed");
  static final List<String> TOOLS = List.of("ovs-vswitchd", "ovsdb-server", "ovsdb-tool",
      "ovs-vsctl", "ovs-ofctl", "ovs-appctl", "ip", "ping", "socat", "ethtool");
  static final List<String> PACKAGES =
      List.of("openvswitch-switch", "iproute2", "iputils-ping", "socat", "ethtool");

  private final String prefix;
  private final Path stateDir;
  private final Map<String, SimHost> hosts = new LinkedHashMap<>();
  private final Map<String, Container> containers = new LinkedHashMap<>();
  private final Map<Integer, BackgroundProcess> rootRelays = new LinkedHashMap<>();
  private Underlay underlay;
  private Thread shutdownHook;
  private boolean closed;

  private TestBed(String prefix) {
    this.prefix = prefix;
    this.stateDir = STATE_ROOT.resolve(prefix);
  }

  /**
   * Installs missing tools if needed (root only), removes leftovers of prefix, and returns an empty
   * testbed whose {@link #close()} also runs from a JVM shutdown hook.
   */
  public static TestBed create(String prefix) {
    Names.checkPrefix(prefix);
    if (!isRoot()) {
      throw new TestBedException("the testbed needs root (network namespaces, OVS daemons)");
    }
    ensureInstalled();
    destroy(prefix);
    TestBed bed = new TestBed(prefix);
    try {
      Files.createDirectories(bed.stateDir);
    } catch (IOException e) {
      throw new TestBedException("cannot create " + bed.stateDir + ": " + e.getMessage(), e);
    }
    bed.shutdownHook = new Thread(bed::closeQuietly, "switchboard-testbed-" + prefix + "-cleanup");
    Runtime.getRuntime().addShutdownHook(bed.shutdownHook);
    log.debug("testbed {} created (state {})", prefix, bed.stateDir);
    return bed;
  }

  public String prefix() {
    return prefix;
  }

  /** {@code /run/switchboard-testbed/PREFIX}. */
  public Path stateDir() {
    return stateDir;
  }

  /** {@code PREFIX-NAME}: the namespace of a host or container called name. */
  public String namespace(String name) {
    return prefix + "-" + name;
  }

  // ---- building ----

  /** Starts a simulated host: namespace PREFIX-NAME with its own ovsdb-server and ovs-vswitchd. */
  public synchronized SimHost host(String name) {
    checkOpen();
    claim(name);
    SimHost h = SimHost.start(this, name);
    hosts.put(name, h);
    return h;
  }

  /**
   * Starts a container PREFIX-NAME whose eth0 has ipCidr and mac (null: derived from the name),
   * plugged into bridge of host as port {@code NAME-eth}.
   */
  public synchronized Container container(SimHost host, String name, String bridge, String ipCidr,
      String mac) {
    checkOpen();
    claim(name);
    Names.checkCidr(ipCidr);
    if ((name + "-eth").length() > Names.IFNAMSIZ) {
      throw new IllegalArgumentException("container name too long for port " + name + "-eth"
          + " (at most " + (Names.IFNAMSIZ - 4) + " characters)");
    }
    String m = mac == null ? macFor(name) : mac;
    Names.checkMac(m);
    Container c = Container.create(this, host, name, bridge, ipCidr, m);
    containers.put(name, c);
    return c;
  }

  /** The underlay network, made on first use; hosts join it with {@link SimHost#joinUnderlay}. */
  public synchronized Underlay underlay() {
    checkOpen();
    if (underlay == null) {
      underlay = Underlay.create(this);
    }
    return underlay;
  }

  /**
   * Joins hosts to the underlay with consecutive addresses after cidrBase: "10.99.0.0/24" gives
   * the first host 10.99.0.1/24, the second 10.99.0.2/24, ...
   */
  public Underlay connectHosts(String cidrBase, SimHost... toJoin) {
    Names.checkCidr(cidrBase);
    String[] parts = cidrBase.split("/");
    String[] o = parts[0].split("\\.");
    long base = (Long.parseLong(o[0]) << 24) | (Long.parseLong(o[1]) << 16)
        | (Long.parseLong(o[2]) << 8) | Long.parseLong(o[3]);
    for (int i = 0; i < toJoin.length; i++) {
      long a = base + i + 1;
      toJoin[i].joinUnderlay(((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255)
          + "." + (a & 255) + "/" + parts[1]);
    }
    return underlay();
  }

  public synchronized Optional<SimHost> findHost(String name) {
    return Optional.ofNullable(hosts.get(name));
  }

  public synchronized Optional<Container> findContainer(String name) {
    return Optional.ofNullable(containers.get(name));
  }

  public synchronized Collection<SimHost> hosts() {
    return List.copyOf(hosts.values());
  }

  public synchronized Collection<Container> containers() {
    return List.copyOf(containers.values());
  }

  /**
   * Root-namespace end of the controller relay for port: {@code socat UNIX-LISTEN:STATE/relay-P.sock,fork
   * TCP:127.0.0.1:P}, one per port, shared by all hosts. Returns the socket path.
   */
  synchronized Path ensureRootRelay(int port) {
    checkOpen();
    Path sock = stateDir.resolve("relay-" + port + ".sock");
    BackgroundProcess existing = rootRelays.get(port);
    if (existing != null && existing.isAlive()) {
      return sock;
    }
    BackgroundProcess relay = BackgroundProcess.start(
        List.of("socat", "UNIX-LISTEN:" + sock + ",fork,unlink-early", "TCP:127.0.0.1:" + port),
        stateDir.resolve("relay-" + port + ".pid"), stateDir.resolve("relay-" + port + ".log"),
        stateDir.toString());
    rootRelays.put(port, relay);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!Files.exists(sock)) {
      if (!relay.isAlive() || System.nanoTime() > deadline) {
        throw new TestBedException("controller relay for port " + port + " did not start: "
            + relay.output().strip());
      }
      Pids.sleep(10);
    }
    return sock;
  }

  /** Pid of every process this testbed tracks by pid file (daemons, relays, spawned commands). */
  public List<Long> trackedPids() {
    List<Long> pids = new ArrayList<>();
    for (Path f : pidFiles(stateDir)) {
      Pids.read(f).ifPresent(pids::add);
    }
    return pids;
  }

  /**
   * Lets everything outlive this JVM (for {@code switchboard demo}): drops the shutdown hook, so
   * only an explicit {@link #close()} or {@link #destroy(String)} removes the testbed.
   */
  public synchronized void keepRunningAfterExit() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
      shutdownHook = null;
    }
  }

  // ---- teardown ----

  /** Stops every process and removes every namespace and file of this testbed. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    keepRunningAfterExit();
    for (SimHost h : hosts()) {
      h.stopRelays();
    }
    List<BackgroundProcess> relays;
    synchronized (this) {
      relays = List.copyOf(rootRelays.values());
      rootRelays.clear();
    }
    relays.forEach(BackgroundProcess::stop);
    destroy(prefix);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      log.warn("testbed {}: cleanup failed: {}", prefix, e.toString());
    }
  }

  /**
   * Removes whatever a testbed with this prefix left: processes named by the pid files under its
   * state directory (relays and spawned commands first, then ovs-vswitchd, then ovsdb-server),
   * namespaces {@code PREFIX-*}, and the state directory. Safe to call at any time.
   */
  public static void destroy(String prefix) {
    Names.checkPrefix(prefix);
    Path dir = STATE_ROOT.resolve(prefix);
    List<Path> pidFiles = pidFiles(dir);
    pidFiles.sort(Comparator.comparingInt(TestBed::stopOrder).thenComparing(Path::toString));
    for (Path f : pidFiles) {
      try {
        Pids.stop(f, dir.toString(), Duration.ofSeconds(3));
      } catch (RuntimeException e) {
        log.warn("testbed {}: cannot stop process of {}: {}", prefix, f, e.toString());
      }
    }
    for (String ns : Netns.list(prefix + "-")) {
      String pids = Shell.run(List.of("ip", "netns", "pids", ns)).stdout().strip();
      if (!pids.isEmpty()) {
        log.warn("testbed {}: namespace {} still has processes not started by the testbed: {}",
            prefix, ns, pids.replace('\n', ' '));
      }
      CommandResult r = Shell.run(List.of("ip", "netns", "delete", ns));
      if (!r.ok()) {
        log.warn("testbed {}: {} failed: {}", prefix, r.commandLine(), r.output().strip());
      }
    }
    deleteTree(dir);
  }

  /** Namespaces currently present whose name starts with {@code PREFIX-}. */
  public static List<String> namespaces(String prefix) {
    Names.checkPrefix(prefix);
    return Netns.list(prefix + "-");
  }

  private static int stopOrder(Path pidFile) {
    String n = pidFile.getFileName().toString();
    if (n.equals("vswitchd.pid")) {
      return 1;
    }
    if (n.equals("ovsdb.pid")) {
      return 2;
    }
    return 0;
  }

  private static List<Path> pidFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return new ArrayList<>();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".pid")).toList());
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.toString());
      return new ArrayList<>();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", dir, e.toString());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("testbed " + prefix + " is closed");
    }
  }

  private void claim(String name) {
    Names.checkName("host/container", name);
    if (hosts.containsKey(name) || containers.containsKey(name)
        || name.equals(Underlay.NAME)) {
      throw new IllegalArgumentException("name already used in testbed " + prefix + ": " + name
          + (name.equals(Underlay.NAME) ? " (reserved for the underlay)" : ""));
    }
  }

  /** A locally administered unicast MAC derived from the container name. */
  static String macFor(String name) {
    int h = (name + "/" + name.length()).hashCode();
    return String.format("02:5b:%02x:%02x:%02x:%02x", (h >>> 24) & 255, (h >>> 16) & 255,
        (h >>> 8) & 255, h & 255);
  }

  // ---- tools ----

  /** True when running as uid 0. */
  public static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).trim().split("\\s+")[0].equals("0");
        }
      }
    } catch (IOException ignored) {
      // not Linux: certainly no testbed
    }
    return false;
  }

  /** Commands the testbed runs that are not on the PATH (or in the sbin directories). */
  public static List<String> missingTools() {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : (path + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .split(":")) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String tool : TOOLS) {
      if (dirs.stream().noneMatch(d -> Files.isExecutable(d.resolve(tool)))) {
        missing.add(tool);
      }
    }
    if (!Files.isRegularFile(Path.of(SimHost.SCHEMA))) {
      missing.add(SimHost.SCHEMA);
    }
    return missing;
  }

  /** Throws a {@link TestBedException} naming what is missing and how to install it. */
  public static void requireTools() {
    List<String> missing = missingTools();
    if (!missing.isEmpty()) {
      throw new TestBedException("missing " + missing + "; install with: apt-get install -y "
          + "--no-install-recommends " + String.join(" ", PACKAGES));
    }
  }

  /** Installs the Debian packages the testbed needs when something is missing (root only). */
  public static synchronized void ensureInstalled() {
    List<String> missing = missingTools();
    if (missing.isEmpty()) {
      return;
    }
    if (!isRoot()) {
      requireTools();
    }
    System.out.println("switchboard-testbed: " + missing + " missing, installing "
        + String.join(" ", PACKAGES) + " with apt-get");
    Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
    Duration tenMinutes = Duration.ofMinutes(10);
    Shell.run(List.of("apt-get", "update", "-q"), tenMinutes, env).orThrow();
    List<String> install = new ArrayList<>(
        List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
    install.addAll(PACKAGES);
    Shell.run(install, tenMinutes, env).orThrow();
    requireTools();
  }

  @Override
  public String toString() {
    return "testbed " + prefix + " " + hosts.keySet() + " " + containers.keySet();
  }
}
