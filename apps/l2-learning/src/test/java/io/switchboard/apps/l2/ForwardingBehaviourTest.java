package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where frames leave the multi-table pipeline, run through the computed entries by {@link PipelineSim}. Ports:
 * 1 a-eth and 3 c-eth access VLAN 100, 2 b-eth access VLAN 200, 4 trunk1 trunk [100, 300], 5 up1 and 6 up2
 * unlisted.
 */
class ForwardingBehaviourTest {
  static final String A = FlowsGoldenTest.A;
  static final String T = FlowsGoldenTest.T;
  static final String X = "02:00:00:00:00:99";
  static final String BCAST = Frames.BROADCAST;

  FakeAppContext ctx;
  L2LearningApp app;
  FakeSwitchView sw;

  @BeforeEach
  void setUp() {
    ctx = new FakeAppContext(FlowsGoldenTest.CONFIG);
    app = new L2LearningApp();
    sw = FlowsGoldenTest.bridge(true);
    ctx.start(app, sw);
  }

  private List<String> send(long inPort, int wireVlan, String src, String dst) {
    Collection<FlowEntry> entries = ctx.desired.get(1L).values();
    return PipelineSim.run(entries, true, inPort, wireVlan, src, dst);
  }

  @Test
  void broadcastsFloodWithinTheirVlanOnly() {
    assertEquals(List.of("CONTROLLER", "4 vlan=100", "5 vlan=100", "6 vlan=100", "3 untagged"),
        send(1, Frame.NO_VLAN, A, BCAST), "from access VLAN 100: the trunk and unlisted ports tagged, c-eth untagged");
    assertEquals(List.of("CONTROLLER", "5 vlan=200", "6 vlan=200"), send(2, Frame.NO_VLAN, X, BCAST),
        "VLAN 200 never reaches a-eth, c-eth or the trunk");
    assertEquals(List.of("CONTROLLER", "5 vlan=300", "6 vlan=300"), send(4, 300, X, BCAST));
    assertEquals(List.of("CONTROLLER", "6 untagged"), send(5, Frame.NO_VLAN, X, BCAST), "native VLAN: unlisted");
    assertEquals(List.of("CONTROLLER", "6 vlan=999"), send(5, 999, X, BCAST), "any VLAN between unlisted ports");
  }

  @Test
  void framesAPortDoesNotCarryAreDropped() {
    assertEquals(List.of(), send(1, 100, X, BCAST), "tagged frame on an access port");
    assertEquals(List.of(), send(4, 200, X, BCAST), "VLAN the trunk does not carry");
    assertEquals(List.of(), send(4, Frame.NO_VLAN, X, BCAST), "untagged frame on a trunk");
  }

  @Test
  void knownDestinationsGetUnicastAndKnownSourcesStayQuiet() {
    FlowsGoldenTest.learnThree(app, ctx, sw);
    app.onPacketIn(sw, Frames.fromLearn(4, X, A, 100), ctx); // X learned on the trunk in VLAN 100
    assertEquals(List.of("1 untagged"), send(4, 100, X, A), "trunk -> access: untagged to A only");
    assertEquals(List.of("4 vlan=100"), send(1, Frame.NO_VLAN, A, X), "access -> trunk: tagged");
    assertEquals(List.of("CONTROLLER"), send(4, 300, X, T),
        "in VLAN 300 X is a new source; T is known behind the ingress port, so nothing leaves");
    assertEquals(List.of("CONTROLLER", "5 untagged"), send(6, Frame.NO_VLAN, X, FlowsGoldenTest.U),
        "native VLAN: to U on up1");
    assertEquals(List.of("CONTROLLER", "5 vlan=100", "6 vlan=100", "1 untagged", "3 untagged"),
        send(4, 100, "02:00:00:00:00:98", "02:00:00:00:00:97"), "unknown destination: flooded in VLAN 100");
  }
}
