package io.switchboard.apps.overlay.config;

import static io.switchboard.apps.overlay.config.Check.error;
import static io.switchboard.apps.overlay.config.Check.errors;
import static io.switchboard.apps.overlay.config.Check.load;
import static io.switchboard.apps.overlay.config.Check.overlay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigError;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.Result;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Bridge mappings, localnet networks, a router's external side, static routes and NAT rules. */
class NatConfigTest {

  /** The seed's layout: tenant network 172.66.1.0/24 on two hosts, the physical network 192.168.66.0/23. */
  static final String GOOD = """
      overlay:
        hosts:
          - name: host1
            bridge: br-int
            tunnel-ip: 10.99.0.1
            bridge-mappings: {wanNet: br-eth}
          - {name: host2, bridge: br-int2, tunnel-ip: 10.99.0.2}
        networks:
          - {name: net1, vni: 100, subnet: 172.66.1.0/24, gateway: 172.66.1.1}
          - {name: wan, vni: 66, subnet: 192.168.66.0/23, type: localnet, physical-network: wanNet}
          - {name: prov, vni: 67, subnet: 10.7.0.0/24, type: localnet, physical-network: wanNet, vlan: 70}
        routers:
          - name: r1
            networks: [net1]
            external: {network: wan, ip: 192.168.66.45/23, gateway: 192.168.66.1, host: host1}
            routes:
              - {prefix: 10.10.0.0/16, via: 192.168.66.254}
            nat:
              - {type: snat, logical-ip: 172.66.1.0/24, external-ip: 192.168.66.45}
              - {type: dnat-and-snat, logical-ip: 172.66.1.103, external-ip: 192.168.66.46}
        endpoints:
          - {name: c1, network: net1, host: host2, port: c1-eth, mac: "02:00:00:00:01:02", ip: 172.66.1.2}
          - {name: l1, network: wan, host: host1, port: l1-eth, mac: "02:00:00:00:42:0a", ip: 192.168.66.10}
      """;

  @Test
  void theSeedsClassicNetworkAndFloatingIpParse() {
    OverlayConfig o = overlay(GOOD);
    assertEquals(Map.of("wanNet", "br-eth"), o.host("host1").orElseThrow().bridgeMappings());
    assertEquals("int-br-eth", o.host("host1").orElseThrow().patchPortFor("wanNet").orElseThrow());
    assertTrue(o.host("host2").orElseThrow().patchPortFor("wanNet").isEmpty());
    OverlayNetwork wan = o.network("wan").orElseThrow();
    assertTrue(wan.isLocalnet());
    assertEquals(new Localnet("wanNet", OptionalInt.empty()), wan.localnet().orElseThrow());
    assertEquals(OptionalInt.of(70), o.network("prov").orElseThrow().localnet().orElseThrow().vlan());
    assertFalse(o.network("net1").orElseThrow().isLocalnet());
    OverlayRouter r = o.router("r1").orElseThrow();
    RouterExternal x = r.external().orElseThrow();
    assertEquals("wan", x.network());
    assertEquals(Ipv4.parse("192.168.66.45"), x.ip());
    assertEquals(23, x.prefixLength());
    assertEquals(Ipv4.parse("192.168.66.1"), x.gateway());
    assertEquals("host1", x.host());
    assertEquals(0xE000 | 66, x.zone());
    assertEquals(List.of(new StaticRoute(Ipv4Prefix.parse("10.10.0.0/16"), Ipv4.parse("192.168.66.254"))),
        r.routes());
    assertEquals(List.of(
        new NatRule(NatRule.Type.SNAT, Ipv4Prefix.parse("172.66.1.0/24"), Ipv4.parse("192.168.66.45")),
        new NatRule(NatRule.Type.DNAT_AND_SNAT, Ipv4Prefix.parse("172.66.1.103/32"), Ipv4.parse("192.168.66.46"))),
        r.nat());
    assertEquals("dnat-and-snat:172.66.1.103", r.nat().get(1).key());
  }

  @Test
  void aLocalnetNetworkOnAHostWithoutAMappingIsRejected() {
    String yaml = GOOD.replace("host: host1, port: l1-eth", "host: host2, port: l1-eth");
    error(yaml, 23, "overlay.endpoints[1].host", "host host2 has no bridge mapping for physical network 'wanNet'",
        "localnet network wan");
  }

  @Test
  void theGatewayHostNeedsTheMapping() {
    String yaml = GOOD.replace("gateway: 192.168.66.1, host: host1", "gateway: 192.168.66.1, host: host2");
    error(yaml, 15, "overlay.routers[0].external.host", "host host2 has no bridge mapping for physical network "
        + "'wanNet'");
  }

  @Test
  void natRuleErrorsNameTheRule() {
    String outside = GOOD.replace("external-ip: 192.168.66.46}", "external-ip: 192.168.70.46}");
    error(outside, 20, "overlay.routers[0].nat[1].external-ip", "dnat-and-snat:172.66.1.103",
        "outside the external network wan (192.168.66.0/23)");
    String same = GOOD.replace("external-ip: 192.168.66.45}", "external-ip: 192.168.66.46}");
    error(same, 20, "overlay.routers[0].nat[1].external-ip", "192.168.66.46 is already used by rule "
        + "snat:172.66.1.0/24");
    String logical = GOOD.replace("logical-ip: 172.66.1.103", "logical-ip: 172.66.9.103");
    error(logical, 20, "overlay.routers[0].nat[1].logical-ip", "logical-ip 172.66.9.103 is outside router r1's "
        + "networks (net1 172.66.1.0/24)");
    String subnetFip = GOOD.replace("logical-ip: 172.66.1.103", "logical-ip: 172.66.1.96/27");
    error(subnetFip, 20, "overlay.routers[0].nat[1].logical-ip", "maps one address");
    String type = GOOD.replace("type: dnat-and-snat", "type: dnat");
    error(type, 20, "overlay.routers[0].nat[1].type", "expected snat or dnat-and-snat");
  }

  @Test
  void externalErrors() {
    error(GOOD.replace("external: {network: wan,", "external: {network: net1,"), 15,
        "overlay.routers[0].external.network", "not a localnet network");
    error(GOOD.replace("ip: 192.168.66.45/23", "ip: 192.168.80.45/23"), 15, "overlay.routers[0].external.ip",
        "outside network wan's subnet");
    error(GOOD.replace("ip: 192.168.66.45/23", "ip: 192.168.66.45/24"), 15, "overlay.routers[0].external.ip",
        "prefix length /24 differs");
    error(GOOD.replace("gateway: 192.168.66.1,", "gateway: 10.1.1.1,"), 15, "overlay.routers[0].external.gateway",
        "outside network wan's subnet");
    error(GOOD.replace("via: 192.168.66.254", "via: 10.1.1.1"), 17, "overlay.routers[0].routes[0].via",
        "not on the external network wan");
    error(GOOD.replace("networks: [net1]", "networks: [net1, wan]"), 14, "overlay.routers[0].networks[1]",
        "localnet network");
  }

  @Test
  void aLocalnetEndpointCannotTakeTheRoutersAddresses() {
    error(GOOD.replace("ip: 192.168.66.10}", "ip: 192.168.66.45}"), 23, "overlay.endpoints[1].ip",
        "192.168.66.45 is router r1's external address");
    error(GOOD.replace("ip: 192.168.66.10}", "ip: 192.168.66.46}"), 23, "overlay.endpoints[1].ip",
        "is the external address of router r1's NAT rule dnat-and-snat:172.66.1.103");
    OverlayConfig o = overlay(GOOD);
    OverlayRouter r = o.router("r1").orElseThrow();
    Result<NatRule> onEndpoint = OverlayNat.parseRule(Map.of("type", "dnat-and-snat", "logical-ip", "172.66.1.2",
        "external-ip", "192.168.66.10"), o, r, r.nat());
    assertTrue(onEndpoint.errorText().contains("is endpoint l1's address"), onEndpoint::errorText);
  }

  @Test
  void aMissingExternalAddressIsReportedOnce() {
    List<ConfigError> errors = errors(GOOD.replace("ip: 192.168.66.45/23, ", ""));
    assertEquals(1, errors.stream().filter(e -> e.path().equals("overlay.routers[0].external.ip")).count(),
        Check.text(errors));
  }

  @Test
  void natZonesStayClearOfTheAclsZonesAndOfEachOther() {
    // a network with VNI 0xE000|66 = 57410 is its own acl routing domain, whose zone the default would take
    String clash = GOOD.replace("- {name: net1, vni: 100,", "- {name: odd, vni: 57410, subnet: 10.9.0.0/24}\n"
        + "    - {name: net1, vni: 100,");
    error(clash, 16, "overlay.routers[0].external.network", "NAT conntrack zone 57410",
        "acl app's zone of network odd");
    OverlayConfig fixed = overlay(clash.replace("host: host1}", "host: host1, zone: 4000}"));
    assertEquals(4000, fixed.router("r1").orElseThrow().external().orElseThrow().zone());
    error(clash.replace("host: host1}", "host: host1, zone: 100}"), 16, "overlay.routers[0].external.zone",
        "acl app's zone of network net1");
  }

  @Test
  void localnetNetworkKeys() {
    String base = """
        overlay:
          hosts:
            - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1, bridge-mappings: {wanNet: br-eth}}
          networks:
        """;
    error(base + "    - {name: w, vni: 5, subnet: 10.0.0.0/24, type: localnet}\n", 5,
        "overlay.networks[0].physical-network", "missing");
    error(base + "    - {name: w, vni: 5, subnet: 10.0.0.0/24, physical-network: wanNet}\n", 5,
        "overlay.networks[0].physical-network", "only a localnet network");
    error(base + "    - {name: w, vni: 5, subnet: 10.0.0.0/24, type: localnet, physical-network: x, "
        + "gateway: 10.0.0.1}\n", 5, "overlay.networks[0].gateway", "no gateway of its own");
    error(base + "    - {name: w, vni: 5, subnet: 10.0.0.0/24, type: localnet, physical-network: x, vlan: 5000}\n",
        5, "overlay.networks[0].vlan", "1-4094");
    error(base.replace("br-eth}", "br-physical-x}") + "    - {name: w, vni: 5, subnet: 10.0.0.0/24}\n", 3,
        "overlay.hosts[0].bridge-mappings.wanNet", "int-br-physical-x", "15-character");
  }

  @Test
  void natRulesFromRestAreCheckedAgainstTheRouter() {
    OverlayConfig o = overlay(GOOD);
    OverlayRouter r = o.router("r1").orElseThrow();
    Result<NatRule> ok = OverlayNat.parseRule(Map.of("type", "dnat-and-snat", "logical-ip", "172.66.1.104",
        "external-ip", "192.168.66.47"), o, r, r.nat());
    assertTrue(ok.isOk(), ok::errorText);
    Result<NatRule> twice = OverlayNat.parseRule(Map.of("type", "dnat-and-snat", "logical-ip", "172.66.1.104",
        "external-ip", "192.168.66.46"), o, r, r.nat());
    assertTrue(twice.errorText().contains("external-ip: rule dnat-and-snat:172.66.1.104 -> 192.168.66.46: "
        + "external-ip 192.168.66.46 is already used by rule dnat-and-snat:172.66.1.103"), twice::errorText);
    Result<NatRule> router = OverlayNat.parseRule(Map.of("type", "dnat-and-snat", "logical-ip", "172.66.1.104",
        "external-ip", "192.168.66.45"), o, r, List.of());
    assertTrue(router.errorText().contains("the router's own address"), router::errorText);
  }

  @Test
  void aRouterWithoutExternalHasNoNat() {
    String yaml = """
        overlay:
          hosts:
            - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
          networks:
            - {name: a, vni: 1, subnet: 10.0.1.0/24, gateway: 10.0.1.1}
            - {name: b, vni: 2, subnet: 10.0.2.0/24, gateway: 10.0.2.1}
          routers:
            - name: r
              networks: [a, b]
              nat: [{type: snat, logical-ip: 10.0.1.0/24, external-ip: 192.168.66.45}]
        """;
    error(yaml, 10, "overlay.routers[0].nat[0].external-ip", "router r has no external");
    assertTrue(errors(yaml.replace("networks: [a, b]", "networks: [a]")).stream()
        .anyMatch(e -> e.message().contains("at least 2 networks, got 1 (1 is enough for a router with an external)")));
  }
}
