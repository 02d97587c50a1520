package io.switchboard.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.HostPort;
import io.switchboard.config.OpenFlowSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.Cli;
import io.switchboard.Switchboard;
import io.switchboard.controller.core.PacketTracer;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code sudo ./switchboard demo}: the scenarios of docs/demo.md on real Open vSwitch in network namespaces, a
 * reachability matrix of expected vs observed, a trace, and the REST URLs to explore.
 */
public final class Demo {
  static final String PREFIX = "sbdemo";
  static final Path CONFIG = Files.exists(Path.of("config/examples/demo.yaml")) ? Path.of("config/examples/demo.yaml")
      : Path.of("../config/examples/demo.yaml");

  /** A container of the demo: where it is, and what it is. */
  record Box(String name, String host, String network, String ip, String mac, String gateway) {}

  static final List<Box> BOXES = List.of(
      new Box("con6", "host1", "net1", "192.168.1.2", "02:00:00:00:00:06", "192.168.1.1"),
      new Box("con7", "host1", "net1b", "192.168.1.3", "02:00:00:00:00:07", null),
      new Box("con8", "host1", "net1", "192.168.1.4", "02:00:00:00:00:08", "192.168.1.1"),
      new Box("con9", "host2", "net2", "192.168.2.2", "02:00:00:00:00:09", "192.168.2.1"),
      new Box("con10", "host1", "net2", "192.168.2.3", "02:00:00:00:00:0a", "192.168.2.1"),
      new Box("con11", "host2", "net1", "192.168.1.6", "02:00:00:00:00:0b", "192.168.1.1"));

  static final Map<String, Long> DPIDS = Map.of("host1", 0xd001L, "host2", 0xd002L);

  /** Why a pair should or should not reach each other, from the model in demo.yaml. */
  record Expectation(boolean reachable, String why) {}

  static Expectation expect(Box from, Box to) {
    if (from.network().equals(to.network())) {
      return new Expectation(true, "same network " + from.network()
          + (from.host().equals(to.host()) ? "" : ", across the VXLAN tunnel"));
    }
    boolean routed = isR1(from.network()) && isR1(to.network());
    if (!routed) {
      return new Expectation(false, "different networks, no router joins " + from.network() + " and "
          + to.network());
    }
    boolean con8ToNet2 = (from.name().equals("con8") && to.network().equals("net2"))
        || (to.name().equals("con8") && from.network().equals("net2"));
    if (con8ToNet2) {
      return new Expectation(false, from.name().equals("con8") ? "dropped by rule no-ping-con8-to-net2"
          : "the reply is dropped by rule no-ping-con8-to-net2");
    }
    return new Expectation(true, "routed through r1 (" + from.network() + " -> " + to.network() + ")");
  }

  private static boolean isR1(String network) {
    return network.equals("net1") || network.equals("net2");
  }

  public static int run(String[] args) throws Exception {
    boolean down = List.of(args).contains("--down");
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      System.err.println("switchboard demo: needs Linux (network namespaces and Open vSwitch)");
      return 1;
    }
    if (!TestBed.isRoot()) {
      System.err.println("switchboard demo: needs root to make network namespaces and run OVS: sudo ./switchboard demo");
      return 1;
    }
    if (down) {
      TestBed.destroy(PREFIX);
      System.out.println("demo removed: every sbdemo-* namespace, its OVS daemons and relays");
      return 0;
    }
    if (!TestBed.namespaces(PREFIX).isEmpty()) {
      System.err.println("switchboard demo: namespaces of an earlier demo exist (" + TestBed.namespaces(PREFIX)
          + "); remove them with: sudo ./switchboard demo --down");
      return 1;
    }
    SwitchboardConfig config;
    try {
      config = ConfigLoader.load(CONFIG);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    boolean interactive = System.console() != null;
    step("checking tools (Open vSwitch, iproute2, ping, socat, ethtool)");
    TestBed.ensureInstalled();

    TestBed bed = TestBed.create(PREFIX);
    Switchboard sb = null;
    CountDownLatch done = new CountDownLatch(1);
    Switchboard[] running = new Switchboard[1];
    Thread cleanup = new Thread(() -> {
      if (running[0] != null) {
        running[0].close();
      }
      bed.close();
      done.countDown();
    }, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      Topology topo = build(bed, true);
      Map<String, Bridge> bridges = topo.bridges();
      Map<String, Container> containers = topo.containers();

      int ofPort = freePort(config.openflow().listen().port());
      int restPort = freePort(config.rest().listen().port());
      SwitchboardConfig demoConfig = new SwitchboardConfig(
          new OpenFlowSettings(new HostPort("127.0.0.1", ofPort), config.openflow().echoInterval()),
          config.rest().withListen(new HostPort("127.0.0.1", restPort)), config.cluster(), config.apps(), config.bridges(),
          config.reconcile(), config.sections(), config.source());
      step("starting the controller with " + CONFIG + " (OpenFlow 127.0.0.1:" + ofPort + ")");
      sb = Switchboard.start(demoConfig, CONFIG);
      running[0] = sb;
      for (Bridge br : bridges.values()) {
        br.setController(ofPort);
      }
      awaitBridges(sb, 2, Duration.ofSeconds(60));

      step("warming up: every container greets its gateway");
      warmUp(containers);
      System.out.println();
      boolean allAsExpected = matrix(containers);
      System.out.println();
      showTrace(sb);
      System.out.println();
      System.out.println("Explore (REST on " + sb.restBase() + "):");
      for (String p : List.of("/switches", "/switches/00:00:00:00:00:00:d0:01/flows", "/overlay/endpoints",
          "/acl/rules", "/apps")) {
        System.out.println("  curl -s " + sb.restBase() + p);
      }
      System.out.println("  curl -s -X POST -H \"Authorization: Bearer $(cat " + sb.restTokenFile() + ")\" -H"
          + " 'Content-Type: application/json' " + sb.restBase() + "/trace -d '{\"bridge\": \"00:00:00:00:00:00:d0:02\", "
          + "\"in-port\": \"con9-eth\", \"ipv4-dst\": \"192.168.1.2\", \"ip-proto\": \"icmp\"}'");
      System.out.println("  sudo ip netns exec sbdemo-con9 ping 192.168.1.2");
      System.out.println("  ./switchboard flows 00:00:00:00:00:00:d0:01 --api " + "http://127.0.0.1:"
          + restPort);
      System.out.println();
      System.out.println(allAsExpected ? "Every pair behaved as expected." : "SOME PAIRS DID NOT BEHAVE AS EXPECTED.");
      if (interactive) {
        System.out.println("The demo keeps running; Ctrl-C stops it and removes everything it made.");
        done.await();
      }
      return allAsExpected ? 0 : 1;
    } finally {
      if (!interactive) {
        Runtime.getRuntime().removeShutdownHook(cleanup);
        cleanup.run();
      }
    }
  }

  /** The demo's network, built on a test bed: what the demo and the end-to-end tests share. */
  record Topology(Map<String, SimHost> hosts, Map<String, Bridge> bridges, Map<String, Container> containers) {}

  static Topology build(TestBed bed, boolean verbose) {
    say(verbose, "building two hosts, each with its own ovsdb-server and ovs-vswitchd (userspace datapath)");
    Map<String, SimHost> hosts = new LinkedHashMap<>();
    Map<String, Bridge> bridges = new LinkedHashMap<>();
    for (String h : List.of("host1", "host2")) {
      SimHost host = bed.host(h);
      hosts.put(h, host);
      Bridge br = host.addBridge("br-int", DPIDS.get(h));
      br.addVxlanPort("vxlan0", "flow", "flow");
      bridges.put(h, br);
    }
    say(verbose, "joining them with an underlay (10.99.0.0/24) for VXLAN");
    bed.connectHosts("10.99.0.0/24", hosts.values().toArray(new SimHost[0]));
    Map<String, Container> containers = new LinkedHashMap<>();
    for (Box b : BOXES) {
      say(verbose, "container " + b.name() + " " + b.ip() + " on " + b.host() + " (network " + b.network() + ")");
      Container c = bed.container(hosts.get(b.host()), b.name(), "br-int", b.ip() + "/24", b.mac());
      if (b.gateway() != null) {
        c.addDefaultRoute(b.gateway());
      }
      containers.put(b.name(), c);
    }

    return new Topology(hosts, bridges, containers);
  }

  private static void say(boolean verbose, String what) {
    if (verbose) {
      step(what);
    }
  }

  private static void step(String what) {
    System.out.println("==> " + what);
  }

  private static int freePort(int preferred) throws IOException {
    try (ServerSocket s = new ServerSocket(preferred, 1, java.net.InetAddress.getLoopbackAddress())) {
      return preferred;
    } catch (IOException busy) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        System.out.println("    (port " + preferred + " is busy; using " + s.getLocalPort() + ")");
        return s.getLocalPort();
      }
    }
  }

  private static void awaitBridges(Switchboard sb, int count, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    int last = -1;
    while (System.nanoTime() < end) {
      int ready = (int) sb.controller().sessions().stream()
          .filter(s -> s.programmer() != null && s.programmer().synced()).count();
      if (ready != last) {
        System.out.printf("    bridges connected and reconciled: %d/%d%n", ready, count);
        last = ready;
      }
      if (ready >= count) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the bridges did not connect within " + timeout.toSeconds() + " s");
  }

  private static void warmUp(Map<String, Container> containers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(containers.size());
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (Box b : BOXES) {
        if (b.gateway() != null) {
          Container c = containers.get(b.name());
          fs.add(pool.submit(() -> c.ping(b.gateway(), 1, Duration.ofSeconds(2))));
        }
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every container pings every other; prints expected vs observed with the reason. */
  private static boolean matrix(Map<String, Container> containers) throws Exception {
    step("reachability: every container pings every other (" + BOXES.size() * (BOXES.size() - 1) + " pairs)");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Map<String, Future<Boolean>> observed = new LinkedHashMap<>();
    try {
      for (Box from : BOXES) {
        for (Box to : BOXES) {
          if (from != to) {
            Container c = containers.get(from.name());
            observed.put(from.name() + ">" + to.name(), pool.submit(() -> c.canReach(to.ip())));
          }
        }
      }
      System.out.printf("%n  %-6s %-6s %-9s %-9s %s%n", "FROM", "TO", "EXPECTED", "OBSERVED", "WHY");
      boolean all = true;
      int ok = 0;
      for (Box from : BOXES) {
        for (Box to : BOXES) {
          if (from == to) {
            continue;
          }
          Expectation e = expect(from, to);
          boolean got = observed.get(from.name() + ">" + to.name()).get();
          boolean asExpected = got == e.reachable();
          all &= asExpected;
          ok += asExpected ? 1 : 0;
          System.out.printf("  %-6s %-6s %-9s %-9s %s%s%n", from.name(), to.name(), e.reachable() ? "reach" : "blocked",
              got ? "reach" : "blocked", e.why(), asExpected ? "" : "   <-- NOT AS EXPECTED");
        }
      }
      System.out.printf("%n  %d of %d pairs as expected%n", ok, observed.size());
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void showTrace(Switchboard sb) throws Exception {
    step("trace: con9 (host2, net2) pings con6 (host1, net1), routed by r1");
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("bridge", "00:00:00:00:00:00:d0:02");
    req.put("in-port", "con9-eth");
    req.put("ipv4-src", "192.168.2.2");
    req.put("ipv4-dst", "192.168.1.2");
    req.put("ip-proto", "icmp");
    Map<String, Object> t = new PacketTracer(sb.controller()).trace(req);
    ObjectMapper json = new ObjectMapper();
    Cli.printTrace(json.valueToTree(t));
  }

}
