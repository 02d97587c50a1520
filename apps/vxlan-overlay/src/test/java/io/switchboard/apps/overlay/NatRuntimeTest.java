package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The app's runtime side of NAT: rules over REST, next hops asked for and learned, and read back after a restart. */
class NatRuntimeTest {
  static final long GATEWAY_MAC = 0x02_00_00_00_66_01L;
  static final long EMAC = GatewayMac.of((192 << 24) | (168 << 16) | (66 << 8) | 45);

  /** The core as the app sees it: the NAT fixture's config and host1's bridge connected. */
  static final class Ctx extends FakeAppContext {
    final FakeSwitchView host1 = NatFlowsTest.host1();

    Ctx(StoreFactory stores) {
      super(Fixtures.config(NatFlowsTest.YAML), stores);
      connect(host1);
    }
  }

  static String flows(VxlanOverlayApp app, SwitchView sw) {
    List<FlowEntry> out = new ArrayList<>();
    app.desiredFlows(sw, out::add);
    return out.stream().map(FlowEntry::toString).collect(Collectors.joining("\n"));
  }

  static RestResource nat(VxlanOverlayApp app) {
    return app.resources().stream().filter(r -> r.path().endsWith("/nat")).findFirst().orElseThrow();
  }

  @Test
  void rulesOverRest() {
    Ctx ctx = new Ctx(new InMemoryStoreFactory());
    VxlanOverlayApp app = new VxlanOverlayApp();
    app.start(ctx);
    RestResource api = nat(app);
    assertEquals("overlay/routers/:router/nat", api.path());
    Map<String, String> r1 = Map.of("router", "r1");
    assertEquals(2, api.list(r1).size());
    Map<String, Object> created = api.create(r1, Map.of("type", "dnat-and-snat", "logical-ip", "172.66.1.102",
        "external-ip", "192.168.66.47"));
    assertEquals("dnat-and-snat:172.66.1.102", created.get("name"));
    assertTrue(flows(app, ctx.host1).contains("nat(src=192.168.66.47)"));
    assertEquals("api", api.get(r1, "dnat-and-snat:172.66.1.102").orElseThrow().get("source"));

    ApiException twice = assertThrows(ApiException.class, () -> api.create(r1, Map.of("type", "dnat-and-snat",
        "logical-ip", "172.66.1.102", "external-ip", "192.168.66.48")));
    assertEquals(409, twice.status());
    ApiException bad = assertThrows(ApiException.class, () -> api.create(r1, Map.of("type", "snat",
        "logical-ip", "172.66.1.128/25", "external-ip", "10.0.0.1")));
    assertEquals(400, bad.status());
    assertTrue(bad.getMessage().contains("outside the external network wan"), bad.getMessage());
    assertEquals(404, assertThrows(ApiException.class, () -> api.list(Map.of("router", "r9"))).status());
    assertEquals(409, assertThrows(ApiException.class, () -> api.delete(r1, "dnat-and-snat:172.66.1.103"))
        .status(), "a rule of the config file");
    assertFalse(api.delete(r1, "dnat-and-snat:172.66.1.99"));
    assertTrue(api.delete(r1, "dnat-and-snat:172.66.1.102"));
    assertFalse(flows(app, ctx.host1).contains("192.168.66.47"));
  }

  @Test
  void anUnresolvedNextHopIsAskedForOnceASecondAndItsAnswerLearned() {
    Ctx ctx = new Ctx(new InMemoryStoreFactory());
    VxlanOverlayApp app = new VxlanOverlayApp();
    app.start(ctx);
    assertTrue(flows(app, ctx.host1).contains("priority=1500 metadata=0x42,eth_type=0x800,ct_state=+trk,ct_zone=57410 "
        + "actions=meter:2633,ct_clear,output:CONTROLLER"), flows(app, ctx.host1));
    byte[] toInternet = ipv4(0x02_00_00_00_01_65L, GatewayMac.of((172 << 24) | (66 << 16) | (1 << 8) | 1),
        ip("192.168.66.45"), ip("8.8.8.8"));
    PacketIn in = new PacketIn(1, Stage.L3, 0x42, 0x42, PacketIn.NO_BUFFER, toInternet);
    app.onPacketIn(ctx.host1, in, ctx);
    app.onPacketIn(ctx.host1, in, ctx);
    assertEquals(1, ctx.packetOuts.size(), "asked once, not for every packet");
    Frame ask = Frame.parse(ctx.packetOuts.get(0).data());
    assertEquals(1, ask.arpOp());
    assertEquals(ip("192.168.66.1") & 0xffffffffL, ask.ipv4Dst(), "the default route's next hop");
    assertEquals(EMAC, ask.ethSrc());
    assertEquals(List.of(Action.output(2)), ctx.packetOuts.get(0).actions(), "out of int-br-eth");

    byte[] answer = RouterExternals.arpRequest(GATEWAY_MAC, ip("192.168.66.1"), ip("192.168.66.45"),
        java.util.OptionalInt.empty());
    answer[21] = 2; // op: reply
    app.onPacketIn(ctx.host1, new PacketIn(2, Stage.L3, 0x42, 0, PacketIn.NO_BUFFER, answer), ctx);
    assertTrue(flows(app, ctx.host1).contains("priority=1500 metadata=0x42,eth_type=0x800,ct_state=+trk,ct_zone=57410 "
        + "actions=set_field:0a:58:c0:a8:42:2d->eth_src,set_field:02:00:00:00:66:01->eth_dst,dec_ttl,output:2"),
        flows(app, ctx.host1));

    // a restarted controller (new stores) reads the next hop back from what the switch holds
    List<FlowEntry> installed = new ArrayList<>();
    app.desiredFlows(ctx.host1, installed::add);
    Ctx fresh = new Ctx(new InMemoryStoreFactory());
    VxlanOverlayApp restarted = new VxlanOverlayApp();
    restarted.start(fresh);
    restarted.adoptFlows(fresh.host1, installed);
    assertEquals(flows(app, ctx.host1), flows(restarted, fresh.host1), "nothing falls back to unresolved");
  }

  @Test
  void arpFromOutsideTheExternalSubnetTeachesNothing() {
    Ctx ctx = new Ctx(new InMemoryStoreFactory());
    VxlanOverlayApp app = new VxlanOverlayApp();
    app.start(ctx);
    String before = flows(app, ctx.host1);
    byte[] stranger = RouterExternals.arpRequest(0x02_00_00_00_99_99L, ip("10.1.1.1"), ip("192.168.66.45"),
        java.util.OptionalInt.empty());
    app.onPacketIn(ctx.host1, new PacketIn(2, Stage.L3, 0x42, 0, PacketIn.NO_BUFFER, stranger), ctx);
    assertEquals(before, flows(app, ctx.host1));
  }

  static int ip(String text) {
    return io.switchboard.config.Ipv4.parse(text);
  }

  /** A minimal IPv4 frame (20-byte header, no payload). */
  static byte[] ipv4(long src, long dst, int ipSrc, int ipDst) {
    byte[] b = new byte[34];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (dst >>> (40 - 8 * i));
      b[6 + i] = (byte) (src >>> (40 - 8 * i));
    }
    b[12] = 0x08;
    b[14] = 0x45;
    b[22] = 64;
    b[23] = 1;
    for (int i = 0; i < 4; i++) {
      b[26 + i] = (byte) (ipSrc >>> (24 - 8 * i));
      b[30 + i] = (byte) (ipDst >>> (24 - 8 * i));
    }
    return b;
  }
}
