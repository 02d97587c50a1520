package io.switchboard.apps.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Frame;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenFlow 1.0: a packet-in that makes a new pair entry hands its packet to that entry (the core then lets the
 * flow-mod carry the switch's buffer id); every other packet-in is answered by a packet-out, as before.
 */
class BufferedForwardingTest {
  record Release(PacketIn in, FlowEntry carrier, List<Action> actions, List<FlowEntry> added) {}

  /** Records the releases, and otherwise does what the SPI's default does (packet-out, then the update). */
  static final class Context extends FakeAppContext {
    final List<Release> releases = new ArrayList<>();

    Context() {
      super(LearningTest.CONFIG);
    }

    @Override
    public void updateAndRelease(long dpid, List<FlowEntry> added, List<FlowEntry> removed, PacketIn in,
                                 FlowEntry carrier, List<Action> actions) {
      releases.add(new Release(in, carrier, actions, List.copyOf(added)));
      super.updateAndRelease(dpid, added, removed, in, carrier, actions);
    }
  }

  static final String A = LearningTest.A;
  static final String B = LearningTest.B;
  Context ctx;
  FakeSwitchView v10;

  @BeforeEach
  void setUp() {
    ctx = new Context();
    v10 = new FakeSwitchView(2, "br0", false, "a-eth", "b-eth", "c-eth", "trunk1");
  }

  static PacketIn buffered(PacketIn in, int bufferId) {
    return new PacketIn(in.inPort(), in.stage(), in.metadata(), in.tunnelId(), bufferId, in.data());
  }

  @Test
  void aNewPairsEntryCarriesThePacketThatMadeIt() {
    L2LearningApp app = new L2LearningApp(() -> 1_700_000_000_000L, () -> 1_000_000_000L);
    ctx.start(app, v10);
    app.onPacketIn(v10, buffered(Frames.fromMiss(1, A, Frames.BROADCAST, Frame.NO_VLAN), 1), ctx);
    assertTrue(ctx.releases.isEmpty(), "a flood makes no pair: a plain packet-out");
    assertEquals(1, ctx.packetOuts.size());

    PacketIn toA = buffered(Frames.fromMiss(4, B, A, 100), 2);
    app.onPacketIn(v10, toA, ctx);
    assertEquals(1, ctx.releases.size());
    Release r = ctx.releases.get(0);
    assertSame(toA, r.in());
    assertEquals(SingleTableFlows.PAIR_PRIORITY, r.carrier().priority());
    assertTrue(r.added().contains(r.carrier()), "the carrier is one of the update's entries");
    assertEquals(r.carrier().actions(), r.actions(), "the packet goes where the entry sends its successors");
    assertEquals(List.of("1 untagged"), PipelineSim.packetOut(r.actions(), 4, 100));

    app.onPacketIn(v10, buffered(Frames.fromMiss(4, B, A, 100), 3), ctx);
    assertEquals(1, ctx.releases.size(), "a known pair: no new entry, a packet-out");
    assertEquals(3, ctx.packetOuts.size(), "the default release sent one too: every packet-in went on once");
    assertEquals(FakeAppContext.dump(ctx.compute(v10).values()), ctx.dump(2), "deltas agree with a recompute");
  }
}
