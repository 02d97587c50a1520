package io.switchboard.apps.overlay.config;

import static io.switchboard.apps.overlay.config.Check.error;
import static io.switchboard.apps.overlay.config.Check.errors;
import static io.switchboard.apps.overlay.config.Check.load;
import static io.switchboard.apps.overlay.config.Check.overlay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigError;
import io.switchboard.config.ConfigException;
import io.switchboard.config.IpRange;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.Result;
import io.switchboard.config.SwitchboardConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code networks[].exclude-ips}, {@code networks[].dhcp} and endpoints with {@code dynamic} addresses. */
class DhcpConfigTest {

  private static final String HEAD = """
      overlay:
        hosts:
          - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
        networks:
      """;

  @Test
  void dhcpAndExclusionsAreParsed() {
    SwitchboardConfig c = load(HEAD + """
          - name: net1
            vni: 100
            subnet: 192.168.1.0/24
            gateway: 192.168.1.1
            exclude-ips: [192.168.1.2, 192.168.1.10..192.168.1.20, 192.168.1.128/25]
            dhcp:
              lease-time: 2h
              dns: [192.168.1.53]
              domain: tenant.internal
              routes: [{prefix: 10.0.0.0/8, via: 192.168.1.254}]
        endpoints:
          - {name: a, network: net1, host: host1, port: a-eth, mac: dynamic, ip: dynamic}
          - {name: b, network: net1, host: host1, port: b-eth, mac: dynamic, ip: 192.168.1.30}
      """);
    OverlayNetwork n = OverlaySection.of(c).network("net1").orElseThrow();
    assertEquals(List.of(new IpRange(Ipv4.parse("192.168.1.2"), Ipv4.parse("192.168.1.2")),
        IpRange.parse("192.168.1.10..192.168.1.20"), IpRange.parse("192.168.1.128..192.168.1.255")), n.excludeIps());
    DhcpSettings d = n.dhcpEnabled().orElseThrow();
    assertEquals(Duration.ofHours(2), d.leaseTime());
    assertEquals(List.of(Ipv4.parse("192.168.1.53")), d.dns());
    assertEquals(Optional.of("tenant.internal"), d.domain());
    assertEquals(DhcpSettings.DEFAULT_MTU, d.mtu());
    assertEquals(List.of(new DhcpSettings.Route(Ipv4Prefix.parse("10.0.0.0/8"), Ipv4.parse("192.168.1.254"))),
        d.routes());
    assertFalse(n.assignable(Ipv4.parse("192.168.1.15")));
    assertFalse(n.assignable(Ipv4.parse("192.168.1.1")));
    assertFalse(n.assignable(Ipv4.parse("192.168.1.0")));
    assertFalse(n.assignable(Ipv4.parse("192.168.1.200")));
    assertTrue(n.assignable(Ipv4.parse("192.168.1.3")));

    OverlayEndpoint a = OverlaySection.of(c).endpoint("a").orElseThrow();
    assertTrue(a.dynamicIp() && a.dynamicMac() && !a.hasAddress());
    assertEquals("dynamic", a.toMap().get("ip"));
    assertEquals("dynamic", a.toMap().get("mac"));
    OverlayEndpoint b = OverlaySection.of(c).endpoint("b").orElseThrow();
    assertTrue(b.hasAddress() && b.dynamicMac() && !b.dynamicIp());
    assertEquals("0a:64:c0:a8:01:1e", b.mac().toString());
    assertEquals("0a:64:c0:a8:01:05", a.withAddress(n, Ipv4.parse("192.168.1.5")).mac().toString());
  }

  @Test
  void dhcpDefaultsAndOff() {
    SwitchboardConfig c = load(HEAD + """
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1, dhcp: {}}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, dhcp: {enabled: false}}
      """);
    DhcpSettings d = OverlaySection.of(c).network("net1").orElseThrow().dhcpEnabled().orElseThrow();
    assertEquals(DhcpSettings.defaults(), d);
    assertTrue(OverlaySection.of(c).network("net2").orElseThrow().dhcpEnabled().isEmpty());
  }

  @Test
  void badDhcpSettingsAreReportedWithTheirLines() {
    List<ConfigError> errs = errors(HEAD + """
          - name: net1
            vni: 100
            subnet: 192.168.1.0/24
            dhcp: {lease-time: 5s}
          - name: net2
            vni: 200
            subnet: 192.168.2.0/24
            gateway: 192.168.2.1
            exclude-ips: [192.168.3.4, 192.168.2.9..192.168.2.3]
            dhcp:
              lease-time: 3600
              mtu: 20000
              domain: "bad domain"
              routes:
                - {prefix: 192.168.2.0/25, via: 192.168.2.254}
                - {prefix: 10.1.2.3/8, via: 192.168.2.254}
                - {prefix: 10.0.0.0/8, via: 172.16.0.1}
                - {prefix: 172.16.0.0/12, via: 192.168.2.255}
        endpoints:
          - {name: vm1, network: net2, host: host1, port: vm1, mac: dynamic, ip: dynamic}
          - {name: vm2, network: net2, host: host1, port: vm2, mac: dynamic, ip: 192.168.2.1}
      """);
    error(errs, 8, "overlay.networks[0].dhcp", "DHCP needs the network's gateway", "192.168.1.0/24");
    error(errs, 8, "overlay.networks[0].dhcp.lease-time", "out of range");
    error(errs, 13, "overlay.networks[1].exclude-ips[0]", "192.168.3.4 is not inside the subnet 192.168.2.0/24");
    error(errs, 13, "overlay.networks[1].exclude-ips[1]", "ends before it starts");
    error(errs, 15, "overlay.networks[1].dhcp.lease-time", "bare number has no unit");
    error(errs, 16, "overlay.networks[1].dhcp.mtu", "576-9000");
    error(errs, 17, "overlay.networks[1].dhcp.domain", "a domain name");
    error(errs, 19, "overlay.networks[1].dhcp.routes[0].prefix", "inside the network's own subnet");
    error(errs, 20, "overlay.networks[1].dhcp.routes[1].prefix", "host bits are set; did you mean 10.0.0.0/8?");
    error(errs, 21, "overlay.networks[1].dhcp.routes[2].via", "not in the subnet 192.168.2.0/24");
    error(errs, 22, "overlay.networks[1].dhcp.routes[3].via", "broadcast address");
    assertTrue(errs.stream().noneMatch(e -> e.path().startsWith("overlay.endpoints")),
        "endpoints of a broken network are not reported again: " + Check.text(errs));
  }

  @Test
  void dynamicEndpointsOverRest() throws ConfigException {
    OverlayConfig o = overlay(HEAD + """
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
        endpoints:
          - {name: a, network: net1, host: host1, port: a-eth, mac: "0a:64:c0:a8:01:07", ip: 192.168.1.8}
      """);
    Result<OverlayEndpoint> ok = OverlayEndpoints.parseEndpoint(Map.of("name", "b", "network", "net1", "host",
        "host1", "port", "b-eth", "mac", "dynamic", "ip", "dynamic"), o, o.endpoints());
    assertTrue(ok.isOk(), ok::errorText);
    Result<OverlayEndpoint> clash = OverlayEndpoints.parseEndpoint(Map.of("name", "c", "network", "net1", "host",
        "host1", "port", "c-eth", "mac", "dynamic", "ip", "192.168.1.7"), o, o.endpoints());
    assertFalse(clash.isOk());
    assertTrue(clash.errorText().contains("MAC 0a:64:c0:a8:01:07 is already used by endpoint 'a'"),
        clash::errorText);
  }
}
