package io.switchboard.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    for (Path f : Cleanup.pidFiles(stateDir)) {
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
    Cleanup.destroy(prefix);
  }

  /** Namespaces currently present whose name starts with {@code PREFIX-}. */
  public static List<String> namespaces(String prefix) {
    Names.checkPrefix(prefix);
    return Netns.list(prefix + "-");
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
    return Tools.isRoot();
  }

  /** Commands the testbed runs that are not on the PATH (or in the sbin directories). */
  public static List<String> missingTools() {
    return Tools.missing();
  }

  /** Throws a {@link TestBedException} naming what is missing and how to install it. */
  public static void requireTools() {
    Tools.require();
  }

  /** Installs the Debian packages the testbed needs when something is missing (root only). */
  public static void ensureInstalled() {
    Tools.ensureInstalled();
  }

  @Override
  public String toString() {
    return "testbed " + prefix + " " + hosts.keySet() + " " + containers.keySet();
  }
}
