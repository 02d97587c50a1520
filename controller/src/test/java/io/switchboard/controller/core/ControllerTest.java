package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.EmbeddedSwitch;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The controller's pieces put together, against real sessions on EmbeddedChannels (each bridge's worker runs on the
 * test's thread) and a mastership that records what it is told: adoption, programming, packet-ins and their owners,
 * packet-outs, port changes, demotion, switch down, app lifecycle.
 */
class ControllerTest {
  static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);
  static final long DPID = 0x77;

  final RecordingApp a = new RecordingApp("app-a");
  final RecordingApp b = new RecordingApp("app-b");
  final RecordingMastership mastership = new RecordingMastership();
  final Controller controller = new Controller(SwitchboardConfig.defaults(), List.of(a, b),
      new InMemoryStoreFactory(), mastership);

  @AfterEach
  void close() {
    controller.close();
  }

  static SwitchboardConfig config(String apps) throws Exception {
    return ConfigLoader.parse("apps: [" + apps + "]\n", "test.yaml", Set.of("app-a", "app-b"));
  }

  /** Enables the apps (without binding any port) and connects one bridge. */
  EmbeddedSwitch connect(String apps) throws Exception {
    controller.applyConfig(config(apps));
    EmbeddedSwitch sw = new EmbeddedSwitch(controller).handshake(DPID, "br0");
    assertNotNull(sw.session());
    return sw;
  }

  void packetIn(EmbeddedSwitch sw, long cookie, int inPort, byte[] data) {
    sw.send(F.buildPacketIn().setXid(9).setBufferId(OFBufferId.NO_BUFFER).setTotalLen(data.length)
        .setReason(OFPacketInReason.NO_MATCH).setTableId(TableId.of(1)).setCookie(U64.of(cookie))
        .setMatch(F.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(inPort)).build()).setData(data).build());
  }

  @Test
  void anAdoptedBridgeIsProgrammedOnlyWhenTheMastershipSaysSo() throws Exception {
    EmbeddedSwitch sw = connect("app-a");
    SwitchSession s = sw.session();
    assertSame(s, controller.session(DPID).orElseThrow());
    assertEquals(1, mastership.ups.size());
    MastershipLink link = mastership.ups.get(0);
    assertEquals(DPID, link.dpid());
    assertNull(s.programmer(), "not master yet");
    assertEquals(0, a.computed.size());
    link.program();
    assertNotNull(s.programmer());
    assertEquals(List.of(DPID), a.computed, "the app computed its entries for the bridge");
    assertNotNull(sw.expect(OFType.STATS_REQUEST), "the initial reconciliation reads the flows");
    link.unprogram();
    assertNull(s.programmer());
    link.program();
    assertNotNull(s.programmer(), "programmed again");
    assertEquals(1, controller.metrics().counter("switchboard_mastership_changes_total", "dpid", s.dpidText(),
        "role", "master"));
  }

  @Test
  void packetInsReachTheEnabledAppsOnlyWhileMasterAndOnlyTheCookiesOwner() throws Exception {
    EmbeddedSwitch sw = connect("app-a, app-b");
    packetIn(sw, 0, 3, new byte[] {1, 2, 3});
    assertTrue(a.packetIns.isEmpty() && b.packetIns.isEmpty(), "not master: another instance handles it");
    mastership.ups.get(0).program();
    packetIn(sw, 0, 3, new byte[] {1, 2, 3});
    assertEquals(1, a.packetIns.size());
    assertEquals(1, b.packetIns.size());
    PacketIn in = a.packetIns.get(0);
    assertEquals(3, in.inPort());
    assertEquals(Stage.ACL, in.stage(), "table 1 is the acl stage");
    assertEquals(PacketIn.NO_BUFFER, in.bufferId());
    assertArrayEquals(new byte[] {1, 2, 3}, in.data());
    packetIn(sw, Cookies.cookie("app-b", 5), 4, new byte[] {4});
    assertEquals(1, a.packetIns.size(), "an entry of app-b sent it: app-a does not hear it");
    assertEquals(2, b.packetIns.size());
    packetIn(sw, Cookies.cookie(Cookies.CORE, 0), 4, new byte[] {4});
    assertEquals(2, a.packetIns.size(), "the core's entries send to every app");
    assertEquals(2, controller.metrics().counter("switchboard_packet_ins_total", "app", "app-a", "dpid",
        sw.session().dpidText()));
  }

  @Test
  void anAppSendsAPacketOutThroughItsContext() throws Exception {
    EmbeddedSwitch sw = connect("app-a");
    sw.answerEchoes();
    a.ctx.packetOut(DPID, 3, List.of(Action.output(7)), new byte[] {9, 8, 7});
    OFPacketOut po = (OFPacketOut) sw.expect(OFType.PACKET_OUT);
    assertEquals(OFPort.of(3), po.getInPort());
    assertEquals(OFBufferId.NO_BUFFER, po.getBufferId());
    assertArrayEquals(new byte[] {9, 8, 7}, po.getData());
    assertEquals(OFPort.of(7), ((OFActionOutput) po.getActions().get(0)).getPort());
    a.ctx.packetOut(DPID, new PacketIn(3, null, 0, 0, 42, new byte[] {1}), List.of(Action.output(7)));
    po = (OFPacketOut) sw.expect(OFType.PACKET_OUT);
    assertEquals(OFBufferId.of(42), po.getBufferId());
    assertEquals(0, po.getData().length, "the switch has the packet: the data is not sent back");
    a.ctx.packetOut(0x999, 3, List.of(Action.output(7)), new byte[] {1});
    assertNull(sw.read(), "an unknown bridge: nothing sent");
    a.ctx.count(DPID, "seen");
    a.ctx.count(DPID, "seen");
    assertEquals(2, controller.metrics().counter("switchboard_app_events_total", "app", "app-a", "event", "seen",
        "dpid", sw.session().dpidText()));
  }

  @Test
  void aPortChangeUpdatesTheViewTellsTheAppsAndRecomputes() throws Exception {
    EmbeddedSwitch sw = connect("app-a");
    mastership.ups.get(0).program();
    a.computed.clear();
    sw.send(F.buildPortStatus().setReason(OFPortReason.ADD).setDesc(F.buildPortDesc().setPortNo(OFPort.of(5))
        .setName("p5").setHwAddr(MacAddress.of(0x020000000005L)).build()).build());
    assertEquals(List.of("p5 added"), a.portChanges);
    assertTrue(sw.session().view().port("p5").isPresent());
    assertEquals(List.of(DPID), a.computed);
  }

  @Test
  void aSwitchRefusingAFlowChangeAsSlaveDemotesItsLink() throws Exception {
    EmbeddedSwitch sw = connect("app-a");
    sw.send(F.errorMsgs().buildBadRequestErrorMsg().setXid(77).setCode(OFBadRequestCode.IS_SLAVE)
        .setData(OFErrorCauseData.NONE).build());
    assertEquals(List.of(mastership.ups.get(0)), mastership.demoted);
  }

  @Test
  void aBridgeThatGoesIsForgottenAndItsLinkGoesDown() throws Exception {
    EmbeddedSwitch sw = connect("app-a");
    MastershipLink link = mastership.ups.get(0);
    sw.channel().close();
    sw.channel().runPendingTasks();
    assertTrue(controller.session(DPID).isEmpty());
    assertEquals(List.of(link), mastership.downs, "the same link that came up");
    assertEquals(List.of(DPID), a.downs);
  }

  @Test
  void appsStartInConfigOrderStopOnReloadAndUnknownAppsAreRefused() throws Exception {
    controller.applyConfig(config("app-b, app-a"));
    assertEquals(List.of(b, a), controller.enabledApps());
    assertEquals(1, a.starts);
    controller.applyConfig(config("app-a"));
    assertEquals(1, b.stops);
    assertEquals(2, a.starts);
    assertEquals(List.of(a), controller.enabledApps());
    assertEquals("app-a", controller.appOf(Cookies.cookie("app-a", 1)));
    assertEquals(Cookies.CORE, controller.appOf(Cookies.cookie(Cookies.CORE, 1)));
    assertNull(controller.appOf(Cookies.cookie("nobody", 1)));
    AppRegistry registry = new AppRegistry(List.of(a), app -> null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> registry.enable(new SwitchboardConfig(SwitchboardConfig.defaults().openflow(),
            SwitchboardConfig.defaults().rest(), SwitchboardConfig.defaults().cluster(), List.of("app-a", "zz"),
            List.of(), SwitchboardConfig.defaults().reconcile(), SwitchboardConfig.defaults().sections(), "x")));
    assertTrue(e.getMessage().contains("unknown app 'zz'") && e.getMessage().contains("app-a"), e.getMessage());
  }

  @Test
  void anAppThatFailsToComputeKeepsItsPreviousEntries() throws Exception {
    RecordingApp failing = new RecordingApp("bad") {
      @Override
      public void desiredFlows(SwitchView sw, FlowSink out) {
        throw new IllegalStateException("boom");
      }
    };
    assertNull(AppRegistry.compute(failing, connect("app-a").session().view()), "null: keep the previous ones");
    assertEquals(1, AppRegistry.compute(a, controller.session(DPID).orElseThrow().view()).size());
  }

  /** An app that records what it is told. */
  static class RecordingApp implements ControllerApp {
    final String name;
    final List<Long> computed = new CopyOnWriteArrayList<>();
    final List<PacketIn> packetIns = new CopyOnWriteArrayList<>();
    final List<String> portChanges = new CopyOnWriteArrayList<>();
    final List<Long> downs = new CopyOnWriteArrayList<>();
    volatile AppContext ctx;
    volatile int starts;
    volatile int stops;

    RecordingApp(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void start(AppContext ctx) {
      this.ctx = ctx;
      starts++;
    }

    @Override
    public void stop() {
      stops++;
    }

    @Override
    public void desiredFlows(SwitchView sw, FlowSink out) {
      computed.add(sw.dpid());
      out.add(FlowEntry.in(Stage.CLASSIFY).priority(10).next(Stage.ACL).build());
    }

    @Override
    public void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {
      packetIns.add(in);
    }

    @Override
    public void onPortChange(SwitchView sw, PortInfo port, boolean removed) {
      portChanges.add(port.name() + (removed ? " removed" : " added"));
    }

    @Override
    public void onSwitchDown(long dpid) {
      downs.add(dpid);
    }
  }

  /** A mastership that programs nothing by itself: the test calls the links. */
  static final class RecordingMastership implements Mastership {
    final List<MastershipLink> ups = new CopyOnWriteArrayList<>();
    final List<MastershipLink> downs = new CopyOnWriteArrayList<>();
    final List<MastershipLink> demoted = new CopyOnWriteArrayList<>();

    @Override
    public boolean isMaster(long dpid) {
      return true;
    }

    @Override
    public void switchUp(MastershipLink link) {
      ups.add(link);
    }

    @Override
    public void switchDown(MastershipLink link) {
      downs.add(link);
    }

    @Override
    public void demoted(MastershipLink link) {
      demoted.add(link);
    }
  }
}
