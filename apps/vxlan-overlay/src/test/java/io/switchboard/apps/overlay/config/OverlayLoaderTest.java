package io.switchboard.apps.overlay.config;

import static io.switchboard.apps.overlay.config.Check.error;
import static io.switchboard.apps.overlay.config.Check.errors;
import static io.switchboard.apps.overlay.config.Check.load;
import static io.switchboard.apps.overlay.config.Check.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigError;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.LogicalTopology;
import io.switchboard.config.SectionContext;
import io.switchboard.config.SwitchboardConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The {@code overlay:} section read by the real parser ({@link OverlaySection}, {@link OverlayLoader}): its
 * records, the topology it publishes to the other apps, and every error with its file:line: key.
 */
class OverlayLoaderTest {

  static final String EXAMPLE = """
      apps: [l2-learning, vxlan-overlay]
      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
        routers:
          - {name: r1, networks: [net1, net2]}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
      """;

  @Test
  void theSectionIsParsedIntoRecords() {
    SwitchboardConfig c = load(EXAMPLE);
    OverlayConfig o = OverlaySection.of(c);
    assertEquals("10.99.0.1", o.host("host1").orElseThrow().tunnelIpText());
    OverlayNetwork net2 = o.network("net2").orElseThrow();
    assertEquals(200, net2.vni());
    assertEquals(Ipv4Prefix.parse("192.168.2.0/24"), net2.subnet());
    assertEquals(Optional.of("192.168.2.1"), net2.gatewayText());
    assertEquals(List.of("net1", "net2"), o.router("r1").orElseThrow().networks());
    assertEquals("r1", o.routerOf("net1").orElseThrow().name());
    OverlayEndpoint con6 = o.endpoint("con6").orElseThrow();
    assertEquals("02:00:00:00:01:02", con6.mac().toString());
    assertEquals("192.168.1.2", con6.ipText());
    assertEquals("con6-eth", con6.port());
  }

  @Test
  void noSectionIsTheEmptyOverlay() {
    SwitchboardConfig c = load("apps: [l2-learning]\n");
    assertEquals(OverlayConfig.empty(), OverlaySection.of(c));
    assertEquals("vxlan0", OverlaySection.of(c).tunnelPort());
    assertTrue(c.topologies().isEmpty());
  }

  @Test
  void theOverlayIsTheConfigsLogicalTopology() {
    SwitchboardConfig c = load(EXAMPLE);
    OverlayConfig o = OverlaySection.of(c);
    assertEquals(List.of(o), c.topologies());
    LogicalTopology t = c.topology();
    assertSame(o, t, "published as it is, not copied");
    assertEquals("vxlan-overlay", t.app());
    assertEquals("br-int", t.hosts().get(0).bridge());
    assertEquals(List.of(100L, 200L), t.networks().stream().map(LogicalTopology.Network::vni).toList());
    assertEquals(Ipv4Prefix.parse("192.168.2.0/24"), t.networks().get(1).subnet());
    assertEquals(List.of("net1", "net2"), t.routers().get(0).networks());
    LogicalTopology.Endpoint con6 = t.endpoints().get(0);
    assertEquals(List.of("con6", "net1", "host1", "con6-eth"), List.of(con6.name(), con6.network(), con6.host(),
        con6.port()));
    assertEquals(io.switchboard.config.Ipv4.parse("192.168.1.2"), con6.ip());
  }

  @Test
  void hostBridgesAndNetworksAreDeclaredForTheOtherSections() {
    SectionContext ctx = new SectionContext(new io.switchboard.config.Errors("t.yaml"), "t.yaml");
    SwitchboardConfig parsed = load(EXAMPLE);
    OverlaySection.INSTANCE.parse(io.switchboard.config.Node.fromJava(java.util.Map.of(
        "hosts", List.of(java.util.Map.of("name", "h", "bridge", "br-x", "tunnel-ip", "10.0.0.1")),
        "networks", List.of(java.util.Map.of("name", "good", "vni", "5", "subnet", "10.1.0.0/24"),
            java.util.Map.of("name", "broken", "vni", "0", "subnet", "10.2.0.0/24")))), "overlay", ctx);
    assertEquals(java.util.Set.of("br-x"), ctx.declared(SectionContext.BRIDGE));
    assertEquals(List.of("good", "broken"), List.copyOf(ctx.declared(SectionContext.NETWORK)),
        "a broken network is declared too, so that a reference to it is not reported again");
    assertEquals(1, ctx.errors().size(), text(ctx.errors().list()));
    assertEquals(Optional.of("1 overlay endpoint"), OverlaySection.INSTANCE.summary(OverlaySection.of(parsed)));
  }

  @Test
  void anOverlayErrorIsReportedWithTheCoresInFileOrder() {
    List<ConfigError> errs = errors("""
        openflow:
          listen: 0.0.0.0
        apps: [l2-learning, vxlan-overlay]
        overlay:
          networks:
            - {name: net1, vni: 0, subnet: 10.0.0.0/24}
        reconcile: {audit-interval: 30}
        """);
    assertEquals(List.of(2, 6, 7), errs.stream().map(ConfigError::line).distinct().toList(), text(errs));
    error(errs, 6, "overlay.networks[0].vni", "expected a VNI (1-16777215)");
  }

  static final String OVERLAY_HEAD = """
      overlay:
        hosts:
          - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
          - {name: host2, bridge: br-int, tunnel-ip: 10.99.0.2}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
      """;

  @Test
  void overlayHostAndNetworkErrors() {
    List<ConfigError> errs = errors(OVERLAY_HEAD + """
          - {name: net1, vni: 300, subnet: 10.0.0.0/24}
          - {name: net4, vni: 200, subnet: 10.1.0.0/24, gateway: 10.2.0.1}
          - {name: net5, vni: 16777216, subnet: 10.3.0.0}
          - {name: net6, vni: 6, subnet: 10.4.0.0/24, gateway: 10.4.0.0}
          - {name: net7, vni: 7, subnet: 10.5.0.0/33}
      """ + """
        hosts2: []
      """);
    error(errs, 8, "overlay.networks[2].name", "duplicate network name 'net1' (first defined at line 6)");
    error(errs, 9, "overlay.networks[3].vni", "VNI 200 is already used by network 'net2'");
    error(errs, 9, "overlay.networks[3].gateway", "gateway 10.2.0.1 is outside the subnet 10.1.0.0/24");
    error(errs, 10, "overlay.networks[4].vni", "expected a VNI (1-16777215), got \"16777216\"");
    error(errs, 10, "overlay.networks[4].subnet", "expected a subnet like 192.168.1.0/24", "no prefix length");
    error(errs, 11, "overlay.networks[5].gateway", "network address of 10.4.0.0/24");
    error(errs, 12, "overlay.networks[6].subnet", "prefix length must be 0-32");
    error(errs, 13, "overlay.hosts2", "did you mean 'hosts'?");

    List<ConfigError> hostErrs = errors("""
        overlay:
          hosts:
            - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
            - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
            - {name: host3, tunnel-ip: 10.99.0.300}
        """);
    error(hostErrs, 4, "overlay.hosts[1].name", "duplicate host name 'host1' (first defined at line 3)");
    error(hostErrs, 4, "overlay.hosts[1].tunnel-ip", "already used by host 'host1'");
    error(hostErrs, 5, "overlay.hosts[2].bridge", "missing");
    error(hostErrs, 5, "overlay.hosts[2].tunnel-ip", "expected an IPv4 address like 192.168.1.2, got \"10.99.0.300\"");
  }

  @Test
  void subnetHostBitsAreNormalized() {
    SwitchboardConfig c = load("overlay: {networks: [{name: n, vni: 1, subnet: 192.168.1.77/24, gateway: 192.168.1.1}]}");
    assertEquals("192.168.1.0/24", OverlaySection.of(c).network("n").orElseThrow().subnet().toString());
  }

  @Test
  void routerErrors() {
    List<ConfigError> errs = errors(OVERLAY_HEAD + """
          - {name: net3, vni: 300, subnet: 192.168.1.128/25, gateway: 192.168.1.129}
          - {name: net4, vni: 400, subnet: 10.0.0.0/24}
        routers:
          - {name: r1, networks: [net1, net2]}
          - {name: r1, networks: [net3, net4]}
          - {name: r3, networks: [net1, net9]}
          - {name: r4, networks: [net2]}
          - {name: r5, networks: [net3, net3]}
          - {name: r6}
      """);
    error(errs, 12, "overlay.routers[1].name", "duplicate router name 'r1' (first defined at line 11)");
    error(errs, 12, "overlay.routers[1].networks[1]", "network 'net4' has no gateway; a network joined by a router needs one");
    error(errs, 13, "overlay.routers[2].networks[0]", "network 'net1' is already joined to router 'r1'");
    error(errs, 13, "overlay.routers[2].networks[1]", "unknown network 'net9'; did you mean 'net1'?");
    error(errs, 14, "overlay.routers[3].networks", "a router joins at least 2 networks, got 1");
    error(errs, 15, "overlay.routers[4].networks[1]", "network 'net3' is listed twice");
    error(errs, 16, "overlay.routers[5].networks", "missing");

    error(OVERLAY_HEAD + """
          - {name: net3, vni: 300, subnet: 192.168.1.128/25, gateway: 192.168.1.129}
        routers:
          - {name: r1, networks: [net1, net3]}
      """, 10, "overlay.routers[0].networks[1]",
        "network 'net3' (192.168.1.128/25) overlaps network 'net1' (192.168.1.0/24); overlapping subnets cannot be routed");
  }

  @Test
  void endpointErrors() {
    List<ConfigError> errs = errors(OVERLAY_HEAD + """
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          - {name: con6, network: net1, host: host2, port: p1, mac: "02:00:00:00:01:03", ip: 192.168.1.3}
          - {name: e2, network: net1, host: host2, port: p2, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          - {name: e3, network: net3, host: host3, port: p3, mac: "02:00:00:00:01:04", ip: 192.168.1.4}
          - {name: e4, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:05", ip: 192.168.2.5}
          - {name: e5, network: net1, host: host1, port: p5, mac: "02:00:00:00:01:06", ip: 192.168.1.1}
          - {name: e6, network: net1, host: host1, port: p6, mac: "ff:ff:ff:ff:ff:ff", ip: 192.168.1.255}
          - {name: e7, network: net1, host: host1, port: p7, mac: "02:00:00:00:01:0g", ip: 192.168.1}
          - {name: e8, network: net1, host: host1, port: p8}
      """);
    error(errs, 10, "overlay.endpoints[1].name", "an endpoint named 'con6' already exists");
    error(errs, 11, "overlay.endpoints[2].mac", "MAC 02:00:00:00:01:02 is already used by endpoint 'con6' in network net1");
    error(errs, 11, "overlay.endpoints[2].ip", "192.168.1.2 is already used by endpoint 'con6' in network net1");
    error(errs, 12, "overlay.endpoints[3].network", "unknown network 'net3'; did you mean 'net1'?");
    error(errs, 12, "overlay.endpoints[3].host", "unknown host 'host3'; did you mean 'host1'?");
    error(errs, 13, "overlay.endpoints[4].ip", "192.168.2.5 is outside network net1's subnet 192.168.1.0/24");
    error(errs, 13, "overlay.endpoints[4].port", "port con6-eth on host1 is already used by endpoint 'con6'");
    error(errs, 14, "overlay.endpoints[5].ip", "192.168.1.1 is the gateway of network net1");
    error(errs, 15, "overlay.endpoints[6].mac", "expected a unicast MAC address");
    error(errs, 15, "overlay.endpoints[6].ip", "broadcast address");
    error(errs, 16, "overlay.endpoints[7].mac", "expected a MAC address like 02:00:00:00:01:02, got \"02:00:00:00:01:0g\"");
    error(errs, 16, "overlay.endpoints[7].ip", "expected an IPv4 address");
    error(errs, 17, "overlay.endpoints[8].mac", "missing");
  }

  @Test
  void sameAddressInDifferentNetworksIsFine() {
    SwitchboardConfig c = load("""
        overlay:
          hosts: [{name: h, bridge: br-int, tunnel-ip: 10.99.0.1}]
          networks:
            - {name: a, vni: 1, subnet: 10.0.0.0/24}
            - {name: b, vni: 2, subnet: 10.0.0.0/24}
          endpoints:
            - {name: a1, network: a, host: h, port: a1, mac: "02:00:00:00:00:01", ip: 10.0.0.2}
            - {name: b1, network: b, host: h, port: b1, mac: "02:00:00:00:00:01", ip: 10.0.0.2}
        """);
    assertEquals(2, OverlaySection.of(c).endpoints().size());
  }

  @Test
  void brokenDeclarationsDoNotCascade() {
    // net1 is declared (with a bad VNI): the endpoint and the rule that name it get no second error
    List<ConfigError> errs = errors("""
        overlay:
          hosts: [{name: h, bridge: br-int, tunnel-ip: 10.99.0.1}]
          networks: [{name: net1, vni: zero, subnet: 10.0.0.0/24}]
          endpoints: [{name: e, network: net1, host: h, port: p, mac: "02:00:00:00:00:01", ip: 10.0.0.2}]
        bridges:
          - bridge: ovs0
            ports: {p: {vlan: 0}}
        """);
    assertEquals(2, errs.size(), text(errs));
    error(errs, 3, "overlay.networks[0].vni");
    error(errs, 7, "bridges[0].ports.p.vlan");
  }
}
