package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.core.MastershipLink.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three embedded members (5804-5806) and six switches that keep roles as OVS does: one master per switch, spread
 * over the members; a member that dies loses its bridges to the others within seconds, with higher generation ids;
 * a member that comes back gets its share back; a master the switch refuses as stale steps down.
 */
class MastershipIntegrationTest {
  private static final int[] PORTS = {5804, 5805, 5806};
  private static final Duration CONVERGE = Duration.ofSeconds(10);
  private static final Duration REJOIN = Duration.ofSeconds(45);

  private final List<FakeSwitch> switches = new ArrayList<>();
  private final Map<ClusterNode, Map<Long, FakeSwitch.Link>> links = new LinkedHashMap<>();

  @AfterEach
  void stop() {
    links.keySet().forEach(ClusterNode::close);
  }

  private ClusterNode join(int port) {
    ClusterNode node = Members.start(port, PORTS);
    Map<Long, FakeSwitch.Link> mine = new HashMap<>();
    for (FakeSwitch sw : switches) {
      FakeSwitch.Link l = sw.connect(node.address(), x -> node.election().demoted(x));
      mine.put(sw.dpid, l);
      node.election().bridgeUp(l);
    }
    links.put(node, mine);
    return node;
  }

  /** Each switch: exactly one member programs it, the switch has it (and only it) as master, the cluster agrees. */
  private boolean converged() {
    for (FakeSwitch sw : switches) {
      List<ClusterNode> programming = links.keySet().stream().filter(n -> links.get(n).get(sw.dpid).programmed)
          .toList();
      List<FakeSwitch.Link> masters = sw.masters();
      if (programming.size() != 1 || masters.size() != 1 || masters.get(0) != links.get(programming.get(0))
          .get(sw.dpid) || !programming.get(0).election().isMaster(sw.dpid)) {
        return false;
      }
    }
    return true;
  }

  private Map<String, Integer> loads() {
    Map<String, Integer> n = new TreeMap<>();
    links.forEach((node, m) -> n.put(node.address(), (int) m.values().stream().filter(l -> l.programmed).count()));
    return n;
  }

  private Map<Long, Long> generations() {
    Map<Long, Long> g = new TreeMap<>();
    switches.forEach(sw -> g.put(sw.dpid, sw.electionId()));
    return g;
  }

  private Map<Long, String> masters() {
    Map<Long, String> m = new TreeMap<>();
    switches.forEach(sw -> m.put(sw.dpid, sw.masters().get(0).member));
    return m;
  }

  @Test
  void mastershipIsSpreadMovesWhenAMemberDiesAndComesBack() throws Exception {
    for (long d = 1; d <= 6; d++) {
      switches.add(new FakeSwitch(0x100 + d));
    }
    ClusterNode a = join(PORTS[0]);
    ClusterNode b = join(PORTS[1]);
    ClusterNode c = join(PORTS[2]);
    Members.await("one master per switch", CONVERGE, this::converged);
    Members.await("two switches per member", CONVERGE, () -> loads().values().stream().allMatch(n -> n == 2));
    Map<Long, Long> gen1 = generations();
    Map<Long, String> masters1 = masters();
    gen1.values().forEach(g -> assertTrue(g > 0, "masters use generation ids: " + gen1));

    // c crashes: its Hazelcast member vanishes and the switches drop its connections
    c.hazelcast().getLifecycleService().terminate();
    links.get(c).values().forEach(l -> switches.stream().filter(s -> s.dpid == l.dpid()).forEach(s -> s.disconnect(l)));
    links.remove(c).values().forEach(l -> l.unprogram());
    c.close();
    long tookMs = Members.await("the survivors master every switch", CONVERGE, this::converged);
    System.out.println("failover after a member crash: " + tookMs + " ms");
    assertTrue(tookMs < 5000, "failover took " + tookMs + " ms");
    assertEquals(Map.of(a.address(), 3, b.address(), 3), loads());
    Map<Long, Long> gen2 = generations();
    masters1.forEach((dpid, m) -> {
      if (m.equals(c.address())) {
        assertTrue(gen2.get(dpid) > gen1.get(dpid), "a new master uses a higher generation: " + gen1 + " " + gen2);
      } else {
        assertEquals(gen1.get(dpid), gen2.get(dpid), "a live master keeps its bridge and generation");
      }
    });

    // c comes back (a new member on the same address): it gets a fair share back
    ClusterNode c2 = join(PORTS[2]);
    // no time target here (the failover's is above). Once in CI the new member on the crashed one's address took one
    // bridge at once and not the second within 10 s, amid Hazelcast's partition migrations for the crash ("unknown
    // addresses in partition table"); the periodic re-read of the maps (Election.RELOAD_MS, 30 s) covers a record
    // missed then, so this waits past one of those
    Members.await("the returning member masters two switches", REJOIN,
        () -> converged() && loads().values().stream().allMatch(n -> n == 2));
    Map<Long, Long> gen3 = generations();
    Map<Long, String> masters3 = masters();
    masters3.forEach((dpid, m) -> {
      assertTrue(gen3.get(dpid) >= gen2.get(dpid), "generations never go back");
      if (m.equals(c2.address())) {
        assertTrue(gen3.get(dpid) > gen2.get(dpid), "a handed-over bridge has a higher generation");
      }
    });
    // A master re-asserts its role every 2 s (Election.VERIFY_MS): an old master whose check reaches the switch after
    // the new master's claim, and before it has seen the record move, is refused as stale and steps down, by design
    // (once in CI, on a loaded machine). What an orderly failover must not do is refuse the member that ends up master:
    // that would mean its record lagged what the switch knew.
    switches.forEach(sw -> assertFalse(sw.staleRefusedMembers().contains(masters3.get(sw.dpid)),
        "the master of " + sw.dpid + " was never refused as stale: " + sw.staleRefusedMembers()));
    assertEquals(6, c2.describe().get("bridges") instanceof List<?> l ? l.size() : -1, "GET /cluster lists them");

    // a live master loses its connection to one switch: another member takes that switch over at once
    FakeSwitch sw = switches.get(0);
    FakeSwitch.Link lost = sw.masters().get(0);
    ClusterNode owner = links.keySet().stream().filter(n -> links.get(n).get(sw.dpid) == lost).findFirst()
        .orElseThrow();
    sw.disconnect(lost);
    owner.election().bridgeDown(lost);
    lost.unprogram();
    long handoverMs = Members.await("another member masters the switch", CONVERGE, () -> sw.masters().size() == 1
        && sw.masters().get(0) != lost && sw.masters().get(0).programmed);
    System.out.println("handover after a lost connection: " + handoverMs + " ms");
    assertFalse(owner.election().isMaster(sw.dpid));
    FakeSwitch.Link back = sw.connect(owner.address(), x -> owner.election().demoted(x));
    links.get(owner).put(sw.dpid, back);
    owner.election().bridgeUp(back);
    Members.await("reconnected, every switch has one master", CONVERGE, this::converged);
  }

  @Test
  void aMasterTheSwitchRefusesAsStaleStepsDownAndLaterReclaims() throws Exception {
    FakeSwitch sw = new FakeSwitch(0x201, false);
    switches.add(sw);
    ClusterNode a = join(PORTS[0]);
    Members.await("a masters the switch", CONVERGE, this::converged);
    FakeSwitch.Link mine = links.get(a).get(sw.dpid);
    long gen = sw.electionId();

    // another controller the cluster does not know about (a partitioned peer, say) takes over with a newer
    // generation; this switch sends no role status, so only the master's periodic re-assertion can notice
    FakeSwitch.Link foreign = sw.connect("foreign", x -> { });
    foreign.requestRole(Role.MASTER, gen + 5).get();
    long tookMs = Members.await("the refused master steps down", Duration.ofSeconds(5),
        () -> !mine.programmed && !a.election().isMaster(sw.dpid));
    System.out.println("stale master stepped down after " + tookMs + " ms");
    assertTrue(sw.staleRefusals() >= 1, "the switch refused the old generation");
    assertFalse(a.election().isMaster(sw.dpid));

    // the cluster still names a; after the hold-off it claims a generation above the switch's and takes over
    Members.await("a masters it again with a newer generation", Duration.ofSeconds(BridgeRole.REFUSED_HOLD_MS / 1000
        + 5), () -> mine.programmed && sw.masters().equals(List.of(mine)));
    assertTrue(sw.electionId() > gen + 5, "generation " + sw.electionId());
  }
}
