package io.switchboard.apps.overlay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.Ipv4;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overlay's example files in config/examples say what docs/demo.md and docs/nat.md say. */
class OverlayExamplesTest {

  private static OverlayConfig overlay(String name) throws ConfigException {
    return OverlaySection.of(ConfigLoader.load(Check.EXAMPLES.resolve(name)));
  }

  @Test
  void nat() throws ConfigException {
    OverlayRouter r1 = overlay("nat.yaml").router("r1").orElseThrow();
    assertEquals(2, r1.nat().size());
    assertEquals("host1", r1.external().orElseThrow().host());
  }

  @Test
  void scenario4() throws ConfigException {
    OverlayConfig o = overlay("scenario4-routing.yaml");
    assertEquals(List.of("net1", "net2"), o.router("r1").orElseThrow().networks());
    assertEquals(List.of("con6", "con9", "con11"), o.endpoints().stream().map(OverlayEndpoint::name).toList());
    assertEquals("host2", o.endpoint("con9").orElseThrow().host());
    assertEquals("192.168.2.1", o.network("net2").orElseThrow().gatewayText().orElseThrow());
  }

  @Test
  void scenario5() throws ConfigException {
    OverlayConfig o = overlay("scenario5-overlapping.yaml");
    assertEquals(o.network("tenant-a").orElseThrow().subnet(), o.network("tenant-b").orElseThrow().subnet());
    assertTrue(o.routers().isEmpty());
    assertEquals(o.endpoint("a1").orElseThrow().ip(), o.endpoint("b1").orElseThrow().ip());
  }

  @Test
  void theSeedsDhcpExperiments() throws ConfigException {
    OverlayConfig o = overlay("dhcp.yaml");
    OverlayNetwork vpc1 = o.network("vpc1").orElseThrow();
    assertEquals(java.time.Duration.ofHours(1), vpc1.dhcpEnabled().orElseThrow().leaseTime());
    assertEquals("172.66.1.107", o.endpoint("vpc1-vm1").orElseThrow().ipText());
    OverlayEndpoint dynamic = o.endpoint("vpc2-vm1").orElseThrow();
    assertTrue(dynamic.dynamicIp() && !dynamic.dynamicMac() && !dynamic.hasAddress());
    assertTrue(!o.network("vpc2").orElseThrow().assignable(Ipv4.parse("172.66.2.5")), "excluded");
  }
}
