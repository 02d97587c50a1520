package io.switchboard.apps.overlay;

import static io.switchboard.apps.overlay.Fixtures.assertGolden;
import static io.switchboard.apps.overlay.Fixtures.diff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.testing.FakeSwitchView;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adding, moving or removing an endpoint changes only the entries that depend on it, on every host: the core
 * sends exactly these differences (and leaves every other entry untouched, so traffic never blips).
 */
class DeltaTest {
  static final RuntimeEndpoint CON13 =
      new RuntimeEndpoint("con13", "net1", "host2", "con13-eth", "02:00:00:00:01:0d", "192.168.1.13");

  private final OverlayTopology before = Fixtures.topology();
  private final OverlayTopology after = OverlayTopology.of(before.overlay(), Map.of("con13", CON13));

  private static String lines(List<String> diff) {
    return String.join("\n", diff) + "\n";
  }

  @Test
  void addingAnEndpointChangesOnlyWhatDependsOnIt() {
    FakeSwitchView host2After = Fixtures.host2().withPort(13, "con13-eth");
    List<String> onHost1 = diff(OverlayFlows.compute(before, Fixtures.host1()),
        OverlayFlows.compute(after, Fixtures.host1()));
    List<String> onHost2 = diff(OverlayFlows.compute(before, Fixtures.host2()),
        OverlayFlows.compute(after, host2After));
    for (String line : concat(onHost1, onHost2)) {
      boolean aboutIt = line.contains("02:00:00:00:01:0d") || line.contains("192.168.1.13")
          || line.contains("in_port=13") || line.contains("output:13");
      assertTrue(aboutIt, "changed, but not about con13: " + line);
    }
    // host1 learns where con13 is, and what to answer for it; its flooding was already going to host2
    assertEquals(2, onHost1.size(), lines(onHost1));
    assertGolden("add-con13.host1.diff", lines(onHost1));
    assertGolden("add-con13.host2.diff", lines(onHost2));
  }

  @Test
  void anEndpointWhosePortIsNotThereYetGetsItsPortEntriesWhenItAppears() {
    List<FlowEntry> unbound = OverlayFlows.compute(after, Fixtures.host2());
    List<FlowEntry> bound = OverlayFlows.compute(after, Fixtures.host2().withPort(13, "con13-eth"));
    List<String> d = diff(unbound, bound);
    assertTrue(d.stream().allMatch(l -> l.startsWith("+ ") && (l.contains("in_port=13") || l.contains(
        "output:13")) || l.contains("metadata=0x64 actions=")), lines(d));
    assertTrue(d.stream().anyMatch(l -> l.startsWith("+ classify priority=100 in_port=13")), lines(d));
  }

  @Test
  void removingItRestoresExactlyTheEntriesBefore() {
    OverlayTopology removed = OverlayTopology.of(before.overlay(), Map.of());
    for (FakeSwitchView sw : List.of(Fixtures.host1(), Fixtures.host2())) {
      assertEquals(new HashSet<>(OverlayFlows.compute(before, sw)), new HashSet<>(OverlayFlows.compute(removed, sw)));
    }
  }

  @Test
  void movingAnEndpointToAnotherHostChangesOnlyWhatDependsOnIt() {
    OverlayTopology placed = OverlayTopology.of(before.overlay(), Map.of("con13", CON13));
    RuntimeEndpoint moved = new RuntimeEndpoint("con13", "net1", "host1", "con13-eth", CON13.mac(), CON13.ip());
    OverlayTopology movedTopo = OverlayTopology.of(before.overlay(), Map.of("con13", moved));
    FakeSwitchView h1 = Fixtures.host1().withPort(13, "con13-eth");
    FakeSwitchView h2 = Fixtures.host2().withPort(13, "con13-eth");
    List<String> onHost1 = diff(OverlayFlows.compute(placed, Fixtures.host1()), OverlayFlows.compute(movedTopo, h1));
    List<String> onHost2 = diff(OverlayFlows.compute(placed, h2), OverlayFlows.compute(movedTopo,
        Fixtures.host2()));
    for (String line : concat(onHost1, onHost2)) {
      boolean aboutIt = line.contains("02:00:00:00:01:0d") || line.contains("in_port=13")
          || line.contains("output:13");
      assertTrue(aboutIt, "changed, but not about con13: " + line);
    }
    assertGolden("move-con13.host1.diff", lines(onHost1));
    assertGolden("move-con13.host2.diff", lines(onHost2));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
