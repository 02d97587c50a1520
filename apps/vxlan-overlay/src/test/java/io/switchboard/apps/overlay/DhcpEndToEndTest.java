package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.BackgroundProcess;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DHCP and IPAM on real Open vSwitch, with real clients: ISC dhclient (as the seed's experiment does) in con6,
 * a static endpoint, and busybox udhcpc in dyn1, whose address and MAC are {@code dynamic}; then the other way
 * round on host2 (udhcpc for static con7, dhclient for a dynamic endpoint added through REST). Both get address,
 * prefix, default route, MTU and DNS from the controller, then reach their gateway and con9, routed through r1
 * on the other host. Each client runs with its own lease file and a script of the test's that configures only
 * its container's namespace (never the machine's resolv.conf).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DhcpEndToEndTest {
  static final String YAML = """
      apps: [vxlan-overlay]
      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: "00:00:00:00:00:00:00:01", tunnel-ip: 10.99.0.1}
          - {name: host2, bridge: "00:00:00:00:00:00:00:02", tunnel-ip: 10.99.0.2}
        networks:
          - name: net1
            vni: 100
            subnet: 192.168.1.0/24
            gateway: 192.168.1.1
            exclude-ips: [192.168.1.3..192.168.1.9]
            dhcp: {lease-time: 1h, dns: [192.168.1.53], domain: tenant.internal}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
        routers:
          - {name: r1, networks: [net1, net2]}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          - {name: dyn1, network: net1, host: host1, port: dyn1-eth, mac: dynamic, ip: dynamic}
          - {name: con7, network: net1, host: host2, port: con7-eth, mac: "02:00:00:00:01:07", ip: 192.168.1.7}
          - {name: con9, network: net2, host: host2, port: con9-eth, mac: "02:00:00:00:02:02", ip: 192.168.2.2}
      """;
  static final Duration WAIT = Duration.ofSeconds(20);

  /** dhclient's script: applies address, MTU and default route in the namespace; records what it was given. */
  static final String DHCLIENT_SCRIPT = """
      #!/bin/sh
      env | grep -E '^(reason|new_)' | sort > "$0.$reason.env"
      case "$reason" in
        PREINIT) ip link set dev "$interface" up ;;
        BOUND|RENEW|REBIND|REBOOT)
          ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
          [ -n "$new_interface_mtu" ] && ip link set dev "$interface" mtu "$new_interface_mtu"
          ip route replace default via "$new_routers" dev "$interface"
          echo "$reason $new_ip_address" >> "$0.log" ;;
      esac
      exit 0
      """;

  /** udhcpc's script: the same for busybox's variables ($1 is the event). */
  static final String UDHCPC_SCRIPT = """
      #!/bin/sh
      env | grep -E '^(ip|mask|subnet|router|dns|domain|mtu|lease|serverid)=' | sort > "$0.$1.env"
      case "$1" in
        deconfig) ip link set dev "$interface" up ;;
        bound|renew)
          ip addr replace "$ip/$mask" dev "$interface"
          [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
          ip route replace default via "$router" dev "$interface"
          echo "$1 $ip" >> "$0.log" ;;
      esac
      exit 0
      """;

  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("dhe");

  TestBed bed;
  ControllerHarness ctl;
  Bridge br1;
  Bridge br2;
  Container con6;
  Container dyn1;
  Container con9;
  Container con7;
  Path dir;
  BackgroundProcess dhclient;
  BackgroundProcess udhcpc;

  @BeforeAll
  void setUp() throws Exception {
    bed = e2e.bed();
    SimHost h1 = bed.host("h1");
    SimHost h2 = bed.host("h2");
    bed.connectHosts("10.99.0.0/24", h1, h2);
    br1 = h1.addBridge("br-int", 0x1);
    br2 = h2.addBridge("br-int", 0x2);
    br1.addVxlanPort("vxlan0", "flow", "flow");
    br2.addVxlanPort("vxlan0", "flow", "flow");
    con6 = bed.container(h1, "con6", "br-int", "192.168.1.2/24", "02:00:00:00:01:02");
    dyn1 = bed.container(h1, "dyn1", "br-int", "192.168.1.250/24", "02:00:00:00:01:fa");
    con9 = bed.container(h2, "con9", "br-int", "192.168.2.2/24", "02:00:00:00:02:02");
    con7 = bed.container(h2, "con7", "br-int", "192.168.1.7/24", "02:00:00:00:01:07");
    con9.addDefaultRoute("192.168.2.1");
    for (Container c : new Container[] {con6, dyn1, con7}) { // no address until DHCP gives one
      c.exec("ip", "addr", "flush", "dev", "eth0");
    }
    dir = Files.createDirectories(bed.stateDir().resolve("dhcp"));
    script("dhclient.sh", DHCLIENT_SCRIPT);
    script("udhcpc.sh", UDHCPC_SCRIPT);

    ctl = e2e.start(YAML, new VxlanOverlayApp());
    ctl.connect(br1, br2);
  }

  private void script(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
  }

  private BackgroundProcess startDhclient() {
    return con6.spawn("dhclient", "-d", "-v", "-lf", dir.resolve("con6.leases").toString(), "-pf",
        dir.resolve("dhclient.pid").toString(), "-sf", dir.resolve("dhclient.sh").toString(), "eth0");
  }

  private String log(String script) throws Exception {
    Path p = dir.resolve(script + ".log");
    return Files.exists(p) ? Files.readString(p) : "";
  }

  private String env(String script, String event) throws Exception {
    Path p = dir.resolve(script + "." + event + ".env");
    return Files.exists(p) ? Files.readString(p) : "";
  }

  private static String field(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  private String context() {
    return "\n--- br1\n" + br1.dumpFlows() + "\n--- dhclient\n" + (dhclient == null ? "" : dhclient.output())
        + "\n--- udhcpc\n" + (udhcpc == null ? "" : udhcpc.output());
  }

  /** The switch limits DHCP to the controller itself: a meter, and the DHCP entries go through it. */
  @Test
  @Order(0)
  void dhcpToTheControllerGoesThroughTheBridgesMeter() throws Exception {
    for (Bridge br : new Bridge[] {br1, br2}) {
      ControllerHarness.awaitTrue("the DHCP meter on " + br.name(), Duration.ofSeconds(10),
          () -> br.ofctl("dump-meters").contains("meter=54473"));
      String meters = br.ofctl("dump-meters");
      assertTrue(meters.contains("pktps") && meters.contains("type=drop rate=200 burst_size=200"), meters);
    }
    String flows = br1.dumpFlows();
    long dhcpEntries = flows.lines().filter(l -> l.contains("tp_dst=67")).count();
    long metered = flows.lines().filter(l -> l.contains("tp_dst=67") && l.contains("meter:54473")
        && l.contains("CONTROLLER")).count();
    assertTrue(dhcpEntries >= 2 && metered == dhcpEntries, "every DHCP entry is metered:\n" + flows);
  }

  @Test
  @Order(1)
  void dhclientConfiguresTheStaticEndpoint() throws Exception {
    dhclient = startDhclient();
    ControllerHarness.awaitTrue("dhclient bound" + context(), WAIT, () -> {
      try {
        return log("dhclient.sh").contains("BOUND 192.168.1.2");
      } catch (Exception e) {
        return false;
      }
    });
    String addr = con6.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0");
    assertTrue(addr.contains("inet 192.168.1.2/24"), addr);
    assertTrue(con6.exec("ip", "route", "show", "default").contains("default via 192.168.1.1"));
    assertTrue(con6.exec("ip", "link", "show", "eth0").contains("mtu 1450"), "the overlay's MTU");
    String env = env("dhclient.sh", "BOUND");
    assertTrue(env.contains("new_domain_name_servers=192.168.1.53"), env);
    assertTrue(env.contains("new_domain_name=tenant.internal"), env);
    assertTrue(env.contains("new_dhcp_server_identifier=192.168.1.1"), env);
    assertTrue(env.contains("new_dhcp_lease_time=3600"), env);

    assertTrue(con6.canReachWithin("192.168.1.1", Duration.ofSeconds(3)), "the gateway" + context());
    assertTrue(con6.canReachWithin("192.168.2.2", Duration.ofSeconds(3)), "con9, through r1 on host2");
  }

  @Test
  @Order(2)
  void udhcpcConfiguresTheDynamicEndpoint() throws Exception {
    var ep = ctl.get("/overlay/endpoints/dyn1");
    assertEquals(200, ep.status(), ep.body());
    String ip = field(ep.body(), "ip");
    String mac = field(ep.body(), "mac");
    assertEquals("192.168.1.10", ip, "the first address after con6's and the excluded ones: " + ep.body());
    assertEquals("0a:64:c0:a8:01:0a", mac, ep.body());
    assertTrue(ep.body().replace(" ", "").contains("\"ip-dynamic\":true"), ep.body());
    dyn1.exec("ip", "link", "set", "eth0", "address", mac); // what a CNI plugin does with the allocated MAC

    udhcpc = dyn1.spawn("udhcpc", "-f", "-i", "eth0", "-s", dir.resolve("udhcpc.sh").toString(), "-t", "10",
        "-T", "1", "-A", "1");
    ControllerHarness.awaitTrue("udhcpc bound" + context(), WAIT, () -> {
      try {
        return log("udhcpc.sh").contains("bound 192.168.1.10");
      } catch (Exception e) {
        return false;
      }
    });
    String addr = dyn1.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0");
    assertTrue(addr.contains("inet 192.168.1.10/24"), addr);
    assertTrue(dyn1.exec("ip", "route", "show", "default").contains("default via 192.168.1.1"));
    assertTrue(dyn1.exec("ip", "link", "show", "eth0").contains("mtu 1450"));
    String env = env("udhcpc.sh", "bound");
    assertTrue(env.contains("dns=192.168.1.53"), env);
    assertTrue(env.contains("mask=24"), env);
    assertTrue(dyn1.canReachWithin("192.168.1.1", Duration.ofSeconds(3)), "the gateway" + context());
    assertTrue(dyn1.canReachWithin("192.168.2.2", Duration.ofSeconds(3)), "con9, through r1 on host2");
    assertTrue(dyn1.canReach("192.168.1.2"), "con6 in the same network");
  }

  @Test
  @Order(3)
  void udhcpcConfiguresAStaticEndpointOnTheOtherHostAndDhclientADynamicOne() throws Exception {
    script("udhcpc-con7.sh", UDHCPC_SCRIPT);
    var r = con7.run(Duration.ofSeconds(30), "udhcpc", "-q", "-f", "-n", "-i", "eth0", "-s",
        dir.resolve("udhcpc-con7.sh").toString(), "-t", "10", "-T", "1", "-A", "1");
    assertTrue(r.ok(), r.output() + context());
    assertTrue(con7.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0").contains("inet 192.168.1.7/24"),
        "a static address inside exclude-ips is still the endpoint's own");
    assertTrue(con7.exec("ip", "link", "show", "eth0").contains("mtu 1450"));
    assertTrue(env("udhcpc-con7.sh", "bound").contains("router=192.168.1.1"));
    assertTrue(con7.canReachWithin("192.168.1.1", Duration.ofSeconds(3)), "its gateway, on host2");
    assertTrue(con7.canReach("192.168.1.10"), "dyn1 on host1, across the tunnel");

    var created = ctl.post("/overlay/endpoints", """
        {"name": "dyn3", "network": "net1", "host": "host2", "port": "dyn3-eth", "mac": "dynamic", "ip": "dynamic"}""");
    assertEquals(201, created.status(), created.body());
    String ip = field(created.body(), "ip");
    Container dyn3 = bed.container(bed.findHost("h2").orElseThrow(), "dyn3", "br-int", "192.168.1.252/24",
        field(created.body(), "mac"));
    dyn3.exec("ip", "addr", "flush", "dev", "eth0");
    script("dhclient-dyn3.sh", DHCLIENT_SCRIPT);
    try (BackgroundProcess p = dyn3.spawn("dhclient", "-d", "-v", "-lf", dir.resolve("dyn3.leases").toString(),
        "-pf", dir.resolve("dhclient-dyn3.pid").toString(), "-sf", dir.resolve("dhclient-dyn3.sh").toString(),
        "eth0")) {
      ControllerHarness.awaitTrue("dhclient bound dyn3" + context(), WAIT, () -> {
        try {
          return log("dhclient-dyn3.sh").contains("BOUND " + ip);
        } catch (Exception e) {
          return false;
        }
      });
      assertTrue(dyn3.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0").contains("inet " + ip + "/24"));
      assertTrue(dyn3.exec("ip", "link", "show", "eth0").contains("mtu 1450"));
      assertTrue(env("dhclient-dyn3.sh", "BOUND").contains("new_domain_name_servers=192.168.1.53"));
      assertTrue(dyn3.canReachWithin("192.168.2.2", Duration.ofSeconds(3)), "con9, routed on host2");
    }
    var deleted = ctl.delete("/overlay/endpoints/dyn3");
    assertEquals(2, deleted.status() / 100, deleted.body());
  }

  @Test
  @Order(4)
  void leasesTraceAndMetricsShowDhcp() throws Exception {
    var leases = ctl.get("/overlay/leases");
    assertEquals(200, leases.status());
    String body = leases.body().replace(" ", "");
    assertTrue(body.contains("\"endpoint\":\"con6\"") && body.contains("\"ip\":\"192.168.1.2\""), body);
    assertTrue(body.contains("\"endpoint\":\"dyn1\"") && body.contains("\"ip\":\"192.168.1.10\""), body);
    assertTrue(body.contains("\"expires\""), body);

    var trace = ctl.post("/trace", """
        {"bridge": "00:00:00:00:00:00:00:01", "in-port": "con6-eth", "eth-type": "ipv4", "ip-proto": "udp",
         "ipv4-src": "0.0.0.0", "ipv4-dst": "255.255.255.255", "udp-src": 68, "udp-dst": 67}""");
    assertEquals(200, trace.status(), trace.body());
    assertTrue(trace.body().contains("to the controller: DHCP for endpoint con6"), trace.body());

    String metrics = ctl.get("/metrics").body();
    assertTrue(metrics.contains("switchboard_dhcp_messages_total{type=\"discover\",answer=\"offer\"}")
        || metrics.contains("switchboard_dhcp_messages_total{answer=\"offer\",type=\"discover\"}"), metrics);
  }

  @Test
  @Order(5)
  void portSecurityStillDropsOtherTrafficWithoutAnAddress() {
    String other = br1.trace("in_port=con6-eth,dl_src=02:00:00:00:01:02,dl_dst=ff:ff:ff:ff:ff:ff,"
        + "udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=69");
    assertTrue(other.lines().anyMatch(l -> l.startsWith("Datapath actions: drop")), other);
    String spoofed = br1.trace("in_port=con6-eth,dl_src=02:00:00:00:99:99,dl_dst=ff:ff:ff:ff:ff:ff,"
        + "udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=67");
    assertTrue(spoofed.lines().anyMatch(l -> l.startsWith("Datapath actions: drop")),
        "DHCP from an unknown MAC: " + spoofed);
    String dhcp = br1.trace("in_port=con6-eth,dl_src=02:00:00:00:01:02,dl_dst=ff:ff:ff:ff:ff:ff,"
        + "udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=67");
    assertTrue(dhcp.contains("controller"), dhcp);
  }

  @Test
  @Order(6)
  void deletingAnEndpointRemovesItsLeaseAndFreesItsAddress() throws Exception {
    var created = ctl.post("/overlay/endpoints", """
        {"name": "dyn2", "network": "net1", "host": "host1", "port": "dyn2-eth", "mac": "dynamic", "ip": "dynamic"}""");
    assertEquals(201, created.status(), created.body());
    String ip = field(created.body(), "ip");
    assertEquals("192.168.1.11", ip, created.body());
    Container dyn2 = bed.container(bed.findHost("h1").orElseThrow(), "dyn2", "br-int", "192.168.1.251/24",
        field(created.body(), "mac"));
    dyn2.exec("ip", "addr", "flush", "dev", "eth0");
    script("udhcpc2.sh", UDHCPC_SCRIPT);
    var r = dyn2.run(Duration.ofSeconds(30), "udhcpc", "-q", "-f", "-n", "-i", "eth0", "-s",
        dir.resolve("udhcpc2.sh").toString(), "-t", "10", "-T", "1", "-A", "1");
    assertTrue(r.ok(), r.output() + context());
    assertTrue(dyn2.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0").contains("inet 192.168.1.11/24"));
    ControllerHarness.awaitTrue("dyn2's lease listed", WAIT, () -> leases().contains("\"endpoint\":\"dyn2\""));

    var deleted = ctl.delete("/overlay/endpoints/dyn2");
    assertTrue(deleted.status() == 200 || deleted.status() == 204, deleted.status() + " " + deleted.body());
    assertFalse(leases().contains("\"endpoint\":\"dyn2\""), "the lease went with the endpoint");
    var taken = ctl.post("/overlay/endpoints", """
        {"name": "web", "network": "net1", "host": "host1", "port": "web-eth", "mac": "02:00:00:00:01:77",
         "ip": "192.168.1.11"}""");
    assertEquals(201, taken.status(), "a new endpoint takes the freed address: " + taken.body());
    var clash = ctl.post("/overlay/endpoints", """
        {"name": "web2", "network": "net1", "host": "host1", "port": "web2-eth", "mac": "02:00:00:00:01:78",
         "ip": "192.168.1.10"}""");
    assertEquals(409, clash.status(), clash.body());
    assertTrue(clash.body().contains("dyn1"), "names the holder: " + clash.body());
    assertEquals(2, ctl.delete("/overlay/endpoints/web").status() / 100);
  }

  private String leases() {
    try {
      return ctl.get("/overlay/leases").body().replace(" ", "");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @Order(7)
  void afterAControllerRestartRenewalsKeepTheAddresses() throws Exception {
    ctl = e2e.restart(YAML, new VxlanOverlayApp());
    ctl.awaitSwitch("0000000000000001", WAIT);
    ctl.awaitSwitch("0000000000000002", WAIT);

    // udhcpc renews on SIGUSR1: a unicast REQUEST from its address to the server
    dyn1.exec("kill", "-USR1", Long.toString(udhcpc.pid()));
    ControllerHarness.awaitTrue("udhcpc renewed" + context(), WAIT, () -> {
      try {
        return log("udhcpc.sh").contains("renew 192.168.1.10");
      } catch (Exception e) {
        return false;
      }
    });
    // dhclient started again with its lease file: INIT-REBOOT, a REQUEST for the address it had
    dhclient.close();
    dhclient = startDhclient();
    ControllerHarness.awaitTrue("dhclient rebooted with its address" + context(), WAIT, () -> {
      try {
        return log("dhclient.sh").contains("REBOOT 192.168.1.2");
      } catch (Exception e) {
        return false;
      }
    });
    assertTrue(leases().contains("\"endpoint\":\"dyn1\""), "the new controller acknowledged dyn1 again");
    assertTrue(dyn1.canReachWithin("192.168.2.2", Duration.ofSeconds(3)), "still routed" + context());
    assertTrue(con6.canReach("192.168.1.1"));
  }
}
