package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.openflow.SwitchListener;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.openflow.Undecodable;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EmbeddedSwitch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** The same-dpid takeover policy, with real sessions on EmbeddedChannels. */
class SwitchTakeoverTest {
  static final long DPID = 0x42;
  final Map<Long, SwitchSession> sessions = new ConcurrentHashMap<>();
  final List<SwitchSession> adopted = new CopyOnWriteArrayList<>();
  final Set<SwitchSession> trusted = ConcurrentHashMap.newKeySet();
  final Metrics metrics = new Metrics();
  final SwitchTakeover takeover = new SwitchTakeover(sessions, trusted::contains, adopted::add, metrics,
      Duration.ofMillis(300));
  final SwitchListener listener = new SwitchListener() {
    public void switchUp(SwitchSession s) {
      takeover.arrived(s);
    }

    public void switchDown(SwitchSession s) {
      sessions.remove(s.dpid(), s);
    }

    public void message(SwitchSession s, OFMessage m) {}

    public void undecodable(SwitchSession s, Undecodable u) {}
  };

  EmbeddedSwitch connect() {
    EmbeddedSwitch sw = new EmbeddedSwitch(listener).handshake(DPID, "br0");
    assertNotNull(sw.session());
    return sw;
  }

  @Test
  void theFirstConnectionIsAdopted() {
    EmbeddedSwitch a = connect();
    assertSame(a.session(), sessions.get(DPID));
    assertEquals(List.of(a.session()), adopted);
  }

  @Test
  void aNewcomerIsRefusedWhileTheConnectedOneAnswersEcho() {
    EmbeddedSwitch a = connect();
    a.channel().outboundMessages().clear();
    EmbeddedSwitch b = connect();
    assertTrue(b.channel().isOpen(), "nothing is decided before the old connection had its chance");
    assertEquals(1, a.answerEchoes(), "the connected one is asked");
    assertFalse(b.channel().isOpen(), "the newcomer is closed");
    assertTrue(a.channel().isOpen());
    assertSame(a.session(), sessions.get(DPID));
    assertEquals(List.of(a.session()), adopted);
    assertEquals(1, metrics.counter("switchboard_openflow_takeovers_total", "result", "refused"));
  }

  @Test
  void aNewcomerReplacesAConnectionThatDoesNotAnswer() throws Exception {
    EmbeddedSwitch a = connect();
    a.channel().outboundMessages().clear();
    EmbeddedSwitch b = connect();
    ControllerHarness.awaitTrue("the newcomer took over", Duration.ofSeconds(3),
        () -> sessions.get(DPID) == b.session() && adopted.size() == 2);
    assertFalse(a.channel().isOpen(), "the silent old connection is closed");
    assertTrue(b.channel().isOpen());
    assertEquals(List.of(a.session(), b.session()), adopted);
    assertEquals(1, metrics.counter("switchboard_openflow_takeovers_total", "result", "replaced"));
  }

  @Test
  void anAuthenticatedNewcomerReplacesAtOnceWithoutAsking() {
    EmbeddedSwitch a = connect();
    a.channel().outboundMessages().clear();
    EmbeddedSwitch b = new EmbeddedSwitch(new SwitchListener() {
      public void switchUp(SwitchSession s) {
        trusted.add(s);
        takeover.arrived(s);
      }

      public void switchDown(SwitchSession s) {}

      public void message(SwitchSession s, OFMessage m) {}

      public void undecodable(SwitchSession s, Undecodable u) {}
    }).handshake(DPID, "br0");
    assertSame(b.session(), sessions.get(DPID));
    assertFalse(a.channel().isOpen());
    assertEquals(0, a.countEchoes(), "a pinned certificate needs no echo");
  }

  @Test
  void aClosedConnectionIsReplacedAtOnce() {
    EmbeddedSwitch a = connect();
    SwitchSession old = a.session();
    sessions.put(DPID, old); // as if its switchDown had not run yet
    a.channel().close();
    sessions.put(DPID, old);
    EmbeddedSwitch b = connect();
    assertSame(b.session(), sessions.get(DPID));
    assertTrue(b.channel().isOpen());
  }

  @Test
  void newcomersArrivingTogetherShareOneEcho() {
    EmbeddedSwitch a = connect();
    a.channel().outboundMessages().clear();
    EmbeddedSwitch b = connect();
    EmbeddedSwitch c = connect();
    EmbeddedSwitch d = connect();
    assertEquals(1, a.answerEchoes(), "one echo in flight, whatever the number of claimants");
    for (EmbeddedSwitch x : List.of(b, c, d)) {
      assertFalse(x.channel().isOpen());
    }
    assertSame(a.session(), sessions.get(DPID));
    assertEquals(3, metrics.counter("switchboard_openflow_takeovers_total", "result", "refused"));
    // and the next claimant gets a fresh echo
    connect();
    assertEquals(1, a.answerEchoes());
  }

  @Test
  void aClaimantWaitingForTheEchoIsNotHeardByTheApps() throws Exception {
    java.util.List<String> portEvents = new CopyOnWriteArrayList<>();
    io.switchboard.controller.spi.ControllerApp app = new io.switchboard.controller.spi.ControllerApp() {
      public String name() {
        return "probe";
      }

      public void desiredFlows(io.switchboard.controller.spi.SwitchView sw,
                               io.switchboard.controller.spi.FlowSink out) {}

      @Override
      public void onPortChange(io.switchboard.controller.spi.SwitchView sw,
                               io.switchboard.controller.spi.PortInfo port, boolean removed) {
        portEvents.add(port.name());
      }
    };
    var cfg = io.switchboard.config.ConfigLoader.parse("apps: [probe]", "t.yaml", Set.of("probe"));
    try (Controller c = new Controller(cfg, List.of(app), new io.switchboard.controller.store.InMemoryStoreFactory(),
        Mastership.STANDALONE)) {
      EmbeddedSwitch a = new EmbeddedSwitch(c).handshake(DPID, "br0");
      a.channel().outboundMessages().clear();
      EmbeddedSwitch b = new EmbeddedSwitch(c).handshake(DPID, "br0");
      var f = org.projectfloodlight.openflow.protocol.OFFactories.getFactory(
          org.projectfloodlight.openflow.protocol.OFVersion.OF_13);
      b.send(f.buildPortStatus().setXid(0).setReason(org.projectfloodlight.openflow.protocol.OFPortReason.ADD)
          .setDesc(f.buildPortDesc().setPortNo(org.projectfloodlight.openflow.types.OFPort.of(7)).setName("evil")
              .setHwAddr(org.projectfloodlight.openflow.types.MacAddress.of(2)).build()).build());
      ControllerHarness.awaitTrue("the port status handled", Duration.ofSeconds(2),
          () -> b.session().ports().stream().anyMatch(p -> p.name().equals("evil")));
      assertEquals(List.of(), portEvents, "an unadmitted claimant's port change reached an app");
      assertEquals(1, a.answerEchoes());
      assertFalse(b.channel().isOpen());
      assertSame(a.session(), c.session(DPID).orElseThrow());
    }
  }

  @Test
  void anotherDpidIsNotAffected() {
    EmbeddedSwitch a = connect();
    EmbeddedSwitch other = new EmbeddedSwitch(listener).handshake(DPID + 1, "br1");
    assertSame(a.session(), sessions.get(DPID));
    assertSame(other.session(), sessions.get(DPID + 1));
    assertEquals(0, a.countEchoes());
  }
}
