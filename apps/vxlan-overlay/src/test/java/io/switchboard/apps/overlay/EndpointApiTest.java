package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST/GET/DELETE /overlay/endpoints against the app, with an in-memory store and a fake context. */
class EndpointApiTest {
  private final FakeContext ctx = new FakeContext();
  private final VxlanOverlayApp app = new VxlanOverlayApp();
  private RestResource api;

  @BeforeEach
  void start() {
    app.start(ctx);
    api = app.resources().get(0);
  }

  static Map<String, Object> body(String name, String network, String host, String port, String mac, String ip) {
    Map<String, Object> m = new HashMap<>();
    m.put("name", name);
    m.put("network", network);
    m.put("host", host);
    m.put("port", port);
    m.put("mac", mac);
    m.put("ip", ip);
    return m;
  }

  static Map<String, Object> con12() {
    return body("con12", "net2", "host1", "con12-eth", "02:00:00:00:02:0c", "192.168.2.12");
  }

  private ApiException refused(Map<String, Object> body) {
    return assertThrows(ApiException.class, () -> api.create(body));
  }

  @Test
  void listsConfigEndpointsWithTheirBindingState() {
    assertEquals("overlay/endpoints", api.path());
    Map<String, Object> con6 = api.get("con6").orElseThrow();
    assertEquals("config", con6.get("source"));
    assertEquals(true, con6.get("bound"));
    assertEquals(6L, con6.get("ofport"));
    Map<String, Object> con9 = api.get("con9").orElseThrow();
    assertEquals(false, con9.get("bound"), "host2's bridge is not connected");
    assertTrue(con9.get("reason").toString().contains("host2"), con9.toString());
    assertEquals(7, api.list().size());
  }

  @Test
  void anAddedEndpointGetsFlowsEverywhere() {
    app.desiredFlows(ctx.host1, e -> {}); // host1's bridge is programmed: the core asked for its entries
    int before = ctx.asked.get();
    Map<String, Object> created = api.create(con12());
    assertEquals("api", created.get("source"));
    assertEquals("unbound", created.get("state"), "con12-eth is not on host1's bridge yet");
    assertTrue(ctx.asked.get() > before);
    List<FlowEntry> flows = OverlayFlows.compute(app.topology(), ctx.host1.withPort(12, "con12-eth"));
    assertTrue(flows.stream().anyMatch(e -> e.actions().contains(Action.output(12))));
  }

  @Test
  void badEndpointsAreRefusedWithTheReason() {
    ApiException e = refused(body("x", "net9", "host1", "x-eth", "02:00:00:00:09:01", "192.168.9.2"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("unknown network 'net9'"), e.getMessage());

    e = refused(body("x", "net1", "host7", "x-eth", "02:00:00:00:09:01", "192.168.1.20"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("unknown host 'host7'"), e.getMessage());

    e = refused(body("x", "net1", "host1", "x-eth", "02:00:00:00:09:01", "192.168.2.20"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("outside network net1's subnet 192.168.1.0/24"), e.getMessage());

    e = refused(body("x", "net1", "host1", "x-eth", "02:00:00:00:09:01", "192.168.1.5"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("already used by endpoint 'con11'"), e.getMessage());

    e = refused(body("x", "net1", "host1", "x-eth", "02:00:00:00:01:02", "192.168.1.20"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("MAC 02:00:00:00:01:02 is already used by endpoint 'con6'"), e.getMessage());

    e = refused(body("con6", "net1", "host1", "x-eth", "02:00:00:00:09:01", "192.168.1.20"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("'con6' already exists"), e.getMessage());

    e = refused(body("x", "net1", "host1", "vxlan0", "02:00:00:00:09:01", "192.168.1.20"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("tunnel port"), e.getMessage());

    assertEquals(7, api.list().size(), "nothing half-applied");
    assertEquals(0, ctx.stores().<String, RuntimeEndpoint>map(VxlanOverlayApp.STORE).snapshot().size());
  }

  @Test
  void theSameAddressInAnotherTenantIsFine() {
    api.create(body("a3", "tenant-a", "host1", "a3-eth", "02:00:00:0a:00:04", "10.0.0.4"));
    Map<String, Object> b3 = api.create(body("b3", "tenant-b", "host1", "b3-eth", "02:00:00:0a:00:04", "10.0.0.4"));
    assertEquals("b3", b3.get("name"));
  }

  @Test
  void aRuntimeNameIsTakenUntilDeleted() {
    api.create(con12());
    ApiException e = refused(con12());
    assertEquals(409, e.status());
    assertTrue(api.delete("con12"));
    assertFalse(api.delete("con12"), "already gone: the REST layer answers 404");
    assertTrue(api.get("con12").isEmpty());
    api.create(con12());
  }

  @Test
  void configEndpointsCannotBeDeletedThroughTheApi() {
    ApiException e = assertThrows(ApiException.class, () -> api.delete("con6"));
    assertEquals(409, e.status());
    assertTrue(api.get("con6").isPresent());
  }

  @Test
  void anEndpointAddedOnAnotherInstanceIsSeenThroughTheStore() {
    KeyValueStore<String, RuntimeEndpoint> store = ctx.stores().map(VxlanOverlayApp.STORE);
    app.desiredFlows(ctx.host1, e -> {});
    int before = ctx.asked.get();
    store.put("con12", new RuntimeEndpoint("con12", "net2", "host1", "con12-eth", "02:00:00:00:02:0c",
        "192.168.2.12"));
    assertTrue(app.topology().endpoint("con12").isPresent());
    assertTrue(ctx.asked.get() > before);
    store.remove("con12");
    assertTrue(app.topology().endpoint("con12").isEmpty());
  }

  @Test
  void aRuntimeEndpointTheNewConfigNoLongerAcceptsIsShownAsRejected() {
    api.create(con12());
    ctx.config = Fixtures.config(Fixtures.YAML.replace("""
              - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          """, """
              - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
              - {name: web, network: net2, host: host2, port: web-eth, mac: "02:00:00:00:02:99", ip: 192.168.2.12}
          """));
    app.stop();
    app.start(ctx); // what a reload does
    Map<String, Object> con12 = api.get("con12").orElseThrow();
    assertEquals("rejected", con12.get("state"));
    assertTrue(con12.get("reason").toString().contains("already used by endpoint 'web'"), con12.toString());
    assertTrue(app.topology().endpoint("con12").isEmpty(), "no flows for it");
  }

  @Test
  void tagsNameTheirNetwork() {
    assertEquals(Optional.of("network net2 (vni 200)"), app.describeTag(200));
    assertEquals(Optional.of("overlay tunnel"), app.describeTag(0));
  }

  /** The core as the app sees it, with host1's bridge connected. */
  static final class FakeContext extends FakeAppContext {
    final FakeSwitchView host1 = Fixtures.host1();

    FakeContext() {
      super(Fixtures.config(Fixtures.YAML), new InMemoryStoreFactory());
      connect(host1);
    }
  }
}
