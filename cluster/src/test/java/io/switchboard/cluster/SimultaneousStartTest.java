package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ClusterSettings;
import io.switchboard.config.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A whole cluster restarting at once (three embedded members on 5831-5833, started together, 30 switches that keep
 * roles as OVS does and are connected to every member as soon as it is up): every member waits until the member list
 * settled before it takes bridges, so each switch is handed to one master once: no bridge moves, no reconciliation is
 * started and then cancelled, every switch ends at generation 1, and the split is even.
 */
class SimultaneousStartTest {
  private static final int[] PORTS = {5831, 5832, 5833};
  private static final int SWITCHES = 30;

  private final List<FakeSwitch> switches = new ArrayList<>();
  private final Map<ClusterNode, Map<Long, FakeSwitch.Link>> links = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    links.keySet().forEach(ClusterNode::close);
  }

  private ClusterNode start(int port) {
    List<HostPort> all = Arrays.stream(PORTS).mapToObj(p -> new HostPort("127.0.0.1", p)).toList();
    ClusterNode node = ClusterNode.start(new ClusterSettings(true, new HostPort("127.0.0.1", port), all,
        Duration.ofSeconds(1), Duration.ofSeconds(20)));
    Map<Long, FakeSwitch.Link> mine = new ConcurrentHashMap<>();
    links.put(node, mine);
    for (FakeSwitch sw : switches) {
      FakeSwitch.Link l = sw.connect(node.address(), x -> node.election().demoted(x));
      mine.put(sw.dpid, l);
      node.election().bridgeUp(l);
    }
    return node;
  }

  private boolean converged() {
    if (links.size() < PORTS.length) {
      return false;
    }
    for (FakeSwitch sw : switches) {
      List<FakeSwitch.Link> masters = sw.masters();
      long programming = links.values().stream().filter(m -> m.get(sw.dpid).programmed).count();
      if (masters.size() != 1 || programming != 1 || !masters.get(0).programmed) {
        return false;
      }
    }
    return true;
  }

  @Test
  void membersStartingTogetherHandEachBridgeToOneMasterOnce() throws Exception {
    for (long d = 1; d <= SWITCHES; d++) {
      switches.add(new FakeSwitch(0x300 + d));
    }
    ExecutorService starters = Executors.newFixedThreadPool(PORTS.length);
    List<Future<ClusterNode>> started = new ArrayList<>();
    for (int p : PORTS) {
      started.add(starters.submit(() -> start(p)));
    }
    for (Future<ClusterNode> f : started) {
      f.get(60, TimeUnit.SECONDS);
    }
    starters.shutdown();
    long ms = Members.await("one master per switch", Duration.ofSeconds(40), this::converged);
    System.out.println("simultaneous start: every switch mastered " + ms + " ms after the last member was up");
    Thread.sleep(3000); // a rebalancing move would come REBALANCE_HOLD_MS after the records: there must be none

    Map<String, Integer> loads = new TreeMap<>();
    links.forEach((node, m) -> {
      assertTrue(node.election().settled());
      loads.put(node.address(), (int) m.values().stream().filter(l -> l.programmed).count());
    });
    assertEquals(List.of(10, 10, 10), List.copyOf(loads.values()), "an even split: " + loads);
    for (FakeSwitch sw : switches) {
      int programs = links.values().stream().mapToInt(m -> m.get(sw.dpid).programs.get()).sum();
      assertEquals(1, programs, "switch " + Long.toHexString(sw.dpid) + " was programmed " + programs
          + " times (each move cancels a reconciliation and starts another)");
      assertEquals(1, sw.electionId(), "claimed once: generation 1");
      assertEquals(0, sw.staleRefusals());
    }
    assertTrue(converged());
    assertFalse(links.isEmpty());
  }
}
