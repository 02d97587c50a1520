package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The entries computed for every port role, as readable dumps: access ports of two VLANs, a trunk, unlisted ports,
 * a configured port that does not exist yet, and learned hosts in an access VLAN, a trunk VLAN and the native VLAN.
 */
class FlowsGoldenTest {
  static final String CONFIG = """
      bridges:
        - bridge: br0
          ports:
            a-eth: {vlan: 100}
            b-eth: {vlan: 200}
            c-eth: {vlan: 100}
            trunk1: {trunk: [300, 100]}
            later-eth: {vlan: 400}
      l2-learning:
        idle-timeout: 60s
      """;
  static final String A = "02:00:00:00:00:0a";
  static final String T = "02:00:00:00:00:0b";
  static final String U = "02:00:00:00:00:0c";

  /** Ports 1 a-eth, 2 b-eth, 3 c-eth, 4 trunk1, 5 up1 and 6 up2 (both unlisted). */
  static FakeSwitchView bridge(boolean multiTable) {
    return new FakeSwitchView(1, "br0", multiTable, "a-eth", "b-eth", "c-eth", "trunk1", "up1", "up2");
  }

  /** Learns A on a-eth (VLAN 100), T on trunk1 (VLAN 300), U on up1 (native). */
  static void learnThree(L2LearningApp app, FakeAppContext ctx, FakeSwitchView sw) {
    boolean mt = sw.multiTable();
    app.onPacketIn(sw, mt ? Frames.fromLearn(1, A, Frames.BROADCAST, 100)
        : Frames.fromMiss(1, A, Frames.BROADCAST, Frame.NO_VLAN), ctx);
    app.onPacketIn(sw, mt ? Frames.fromLearn(4, T, Frames.BROADCAST, 300)
        : Frames.fromMiss(4, T, Frames.BROADCAST, 300), ctx);
    app.onPacketIn(sw, mt ? Frames.fromLearn(5, U, Frames.BROADCAST, Frame.NO_VLAN)
        : Frames.fromMiss(5, U, Frames.BROADCAST, Frame.NO_VLAN), ctx);
  }

  @Test
  void multiTable() {
    FakeAppContext ctx = new FakeAppContext(CONFIG);
    L2LearningApp app = new L2LearningApp();
    FakeSwitchView sw = bridge(true);
    ctx.start(app, sw);
    learnThree(app, ctx, sw);
    List<String> expected = List.of(
        "classify priority=100 in_port=1,vlan_vid=0x0 actions=push_vlan:0x8100,set_field:0x1064->vlan_vid,goto:acl",
        "classify priority=100 in_port=2,vlan_vid=0x0 actions=push_vlan:0x8100,set_field:0x10c8->vlan_vid,goto:acl",
        "classify priority=100 in_port=3,vlan_vid=0x0 actions=push_vlan:0x8100,set_field:0x1064->vlan_vid,goto:acl",
        "classify priority=100 in_port=4,vlan_vid=0x1064 actions=goto:acl",
        "classify priority=100 in_port=4,vlan_vid=0x112c actions=goto:acl",
        "classify priority=100 in_port=5 actions=goto:acl",
        "classify priority=100 in_port=6 actions=goto:acl",
        "learn priority=100 in_port=1,eth_src=02:00:00:00:00:0a,vlan_vid=0x1064 idle_timeout=60 actions=goto:l2",
        "learn priority=100 in_port=4,eth_src=02:00:00:00:00:0b,vlan_vid=0x112c idle_timeout=60 actions=goto:l2",
        "learn priority=100 in_port=5,eth_src=02:00:00:00:00:0c,vlan_vid=0x0 idle_timeout=60 actions=goto:l2",
        "learn priority=1 any actions=output:CONTROLLER,goto:l2",
        "l2 priority=100 eth_dst=02:00:00:00:00:0a,vlan_vid=0x1064 actions=pop_vlan,output:1",
        "l2 priority=100 eth_dst=02:00:00:00:00:0b,vlan_vid=0x112c actions=output:4",
        "l2 priority=100 eth_dst=02:00:00:00:00:0c,vlan_vid=0x0 actions=output:5",
        "l2 priority=10 vlan_vid=0x0 actions=output:5,output:6",
        "l2 priority=10 vlan_vid=0x1064 actions=output:4,output:5,output:6,pop_vlan,output:1,output:3",
        "l2 priority=10 vlan_vid=0x10c8 actions=output:5,output:6,pop_vlan,output:2",
        "l2 priority=10 vlan_vid=0x112c actions=output:4,output:5,output:6",
        "l2 priority=5 vlan_vid=0x1000/0x1000 actions=output:5,output:6");
    assertEquals(String.join("\n", expected), String.join("\n", ctx.dump(1)));
    assertEquals(ctx.dump(1), FakeAppContext.dump(ctx.compute(sw).values()), "deltas agree with a recompute");
  }

  @Test
  void singleTable() {
    FakeAppContext ctx = new FakeAppContext(CONFIG);
    L2LearningApp app = new L2LearningApp();
    FakeSwitchView sw = bridge(false);
    ctx.start(app, sw);
    learnThree(app, ctx, sw);
    // T is also in VLAN 100 on the trunk: A and T talk, and the pair entries retag between access and trunk
    app.onPacketIn(sw, Frames.fromMiss(4, T, A, 100), ctx);
    app.onPacketIn(sw, Frames.fromMiss(1, A, T, Frame.NO_VLAN), ctx);
    List<String> expected = List.of(
        "l2 priority=200 in_port=1,eth_dst=02:00:00:00:00:0b,eth_src=02:00:00:00:00:0a,vlan_vid=0x0 "
            + "actions=set_field:0x1064->vlan_vid,output:4",
        "l2 priority=200 in_port=4,eth_dst=02:00:00:00:00:0a,eth_src=02:00:00:00:00:0b,vlan_vid=0x1064 "
            + "actions=pop_vlan,output:1",
        "l2 priority=100 in_port=1,eth_src=02:00:00:00:00:0a,vlan_vid=0x0 idle_timeout=60 actions=output:CONTROLLER",
        "l2 priority=100 in_port=4,eth_src=02:00:00:00:00:0b,vlan_vid=0x1064 idle_timeout=60 actions=output:CONTROLLER",
        "l2 priority=100 in_port=4,eth_src=02:00:00:00:00:0b,vlan_vid=0x112c idle_timeout=60 actions=output:CONTROLLER",
        "l2 priority=100 in_port=5,eth_src=02:00:00:00:00:0c,vlan_vid=0x0 idle_timeout=60 actions=output:CONTROLLER",
        "l2 priority=0 any actions=output:CONTROLLER");
    assertEquals(String.join("\n", expected), String.join("\n", ctx.dump(1)));
    assertEquals(ctx.dump(1), FakeAppContext.dump(ctx.compute(sw).values()), "deltas agree with a recompute");
  }

  @Test
  void flatBridgeWithoutConfigIsOneLearningSwitch() {
    FakeAppContext ctx = new FakeAppContext("l2-learning: {idle-timeout: 300s}\n");
    L2LearningApp app = new L2LearningApp();
    FakeSwitchView sw = new FakeSwitchView(2, "flat", true, "p1", "p2");
    ctx.start(app, sw);
    assertEquals(String.join("\n", List.of(
        "classify priority=100 in_port=1 actions=goto:acl",
        "classify priority=100 in_port=2 actions=goto:acl",
        "learn priority=1 any actions=output:CONTROLLER,goto:l2",
        "l2 priority=10 vlan_vid=0x0 actions=output:1,output:2",
        "l2 priority=5 vlan_vid=0x1000/0x1000 actions=output:1,output:2")), String.join("\n", ctx.dump(2)));
  }

  @Test
  void aConfiguredPortIsAppliedWhenItAppears() {
    FakeAppContext ctx = new FakeAppContext(CONFIG);
    L2LearningApp app = new L2LearningApp();
    FakeSwitchView sw = bridge(true);
    ctx.start(app, sw);
    sw.addPort(7, "later-eth");
    app.onPortChange(sw, sw.port(7).orElseThrow(), false);
    ctx.recompute(1);
    List<String> dump = ctx.dump(1);
    assertEquals(List.of(
        "classify priority=100 in_port=7,vlan_vid=0x0 actions=push_vlan:0x8100,set_field:0x1190->vlan_vid,goto:acl",
        "l2 priority=10 vlan_vid=0x1190 actions=output:5,output:6,pop_vlan,output:7"),
        dump.stream().filter(l -> l.contains("in_port=7") || l.contains("0x1190")).toList());
  }
}
