package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.RestResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read-only {@code overlay/networks} and {@code overlay/hosts} that a CNI plugin reads. */
class TopologyResourcesTest {
  private final EndpointApiTest.FakeContext ctx = new EndpointApiTest.FakeContext();
  private final VxlanOverlayApp app = new VxlanOverlayApp();
  private RestResource networks;
  private RestResource hosts;

  @BeforeEach
  void start() {
    app.start(ctx);
    networks = app.resources().stream().filter(r -> r.path().equals("overlay/networks")).findFirst().orElseThrow();
    hosts = app.resources().stream().filter(r -> r.path().equals("overlay/hosts")).findFirst().orElseThrow();
  }

  @Test
  void aNetworkShowsSubnetGatewayAndRouter() {
    Map<String, Object> net1 = networks.get("net1").orElseThrow();
    assertEquals("192.168.1.0/24", net1.get("subnet"));
    assertEquals("192.168.1.1", net1.get("gateway"));
    assertEquals("r1", net1.get("router"));
    assertEquals(100L, net1.get("vni"));
    assertFalse(networks.get("tenant-a").orElseThrow().containsKey("router"));
    assertFalse(net1.containsKey("mtu"), "no DHCP, no DHCP MTU");
    assertEquals(4, networks.list().size());
    assertThrows(ApiException.class, () -> networks.create(Map.of("name", "x")));
  }

  @Test
  void aHostShowsTheDpidOfItsConnectedBridge() {
    Map<String, Object> h1 = hosts.get("host1").orElseThrow();
    assertEquals(true, h1.get("connected"));
    assertEquals("00:00:00:00:00:00:00:01", h1.get("bridge"));
    assertEquals("10.99.0.1", h1.get("tunnel-ip"));
    assertEquals(io.switchboard.config.Dpid.format(1), h1.get("dpid"));
    Map<String, Object> h2 = hosts.get("host2").orElseThrow();
    assertEquals(false, h2.get("connected"));
    assertFalse(h2.containsKey("dpid"));
    assertEquals(List.of("host1", "host2"), hosts.list().stream().map(m -> m.get("name")).toList());
  }
}
