package io.switchboard.cluster;

import io.switchboard.controller.flow.InstalledFlow;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Failover timing against real OVS: two clustered controllers in this JVM, N bridges connected to both. Each round
 * crashes the instance that masters bridge 0 (its Hazelcast member terminated, its OpenFlow connections dropped),
 * and at that instant writes a new input to the shared store; it measures, from the crash, until the survivor
 * (1) is confirmed master of all the dead instance's bridges by the switches' role replies, (2) has reconciled
 * them, (3) has the new input's flow on all of them (the first flow change after failover, seen in flow stats).
 * Then the crashed instance is restarted and gets its share back. Run:
 * <pre>
 *   mvn -B -o install -pl cluster -Dtest=FailoverBenchmark -Dswitchboard.bench=true \
 *       [-Dswitchboard.bench.rounds=10] [-Dswitchboard.bench.bridges=4]
 * </pre>
 */
@EnabledIfSystemProperty(named = "switchboard.bench", matches = "true")
class FailoverBenchmark {

  @Test
  void failover() throws Exception {
    int rounds = Integer.getInteger("switchboard.bench.rounds", 10);
    int nBridges = Integer.getInteger("switchboard.bench.bridges", 4);
    List<long[]> results = new ArrayList<>();
    try (TestBed bed = TestBed.create("clbn"); TestCluster cluster = new TestCluster(5809, 5810)) {
      SimHost host = bed.host("h1");
      List<Bridge> bridges = new ArrayList<>();
      for (int i = 0; i < nBridges; i++) {
        bridges.add(host.addBridge("bb" + i, 0xb00L + i));
      }
      cluster.startAll();
      for (Bridge br : bridges) {
        br.setController(cluster.openflowPorts());
      }
      for (int round = 1; round <= rounds; round++) {
        for (Bridge br : bridges) {
          ControllerHarness.awaitTrue("bridge " + br + " settled", Duration.ofSeconds(30),
              () -> cluster.connectedTo(br.dpid()) == 2 && cluster.masterReconciled(br.dpid()));
        }
        Thread.sleep(Election.REBALANCE_HOLD_MS + 1500); // the returning instance takes its share back
        ClusterNode victim = cluster.mastersOf(bridges.get(0).dpid()).get(0);
        ClusterNode survivor = cluster.live().stream().filter(n -> n != victim).findFirst().orElseThrow();
        List<Long> moving = bridges.stream().map(Bridge::dpid).filter(d -> victim.mastership().isMaster(d)).toList();
        boolean oldest = victim.hazelcast().getCluster().getMembers().iterator().next().localMember();
        long mac = 0x020000000000L + round;
        String key = "round-" + round;

        long t0 = System.nanoTime();
        CompletableFuture<Void> write = CompletableFuture.runAsync(() ->
            survivor.stores().<String, Long>map(MarkerApp.STORE).put(key, mac));
        cluster.crash(victim);
        long master = awaitMs(t0, () -> moving.stream().allMatch(d -> survivor.mastership().isMaster(d)));
        long reconciled = awaitMs(t0, () -> moving.stream().allMatch(cluster::masterReconciled));
        long flow = awaitMs(t0, () -> moving.stream().allMatch(d -> hasMarker(cluster.masterSession(d), mac)));
        write.get(10, TimeUnit.SECONDS);
        results.add(new long[] {master, reconciled, flow});
        System.out.printf("round %2d: %d bridge(s) moved from the %s member; master confirmed %4d ms, reconciled "
            + "%4d ms, first flow change %4d ms%n", round, moving.size(), oldest ? "oldest" : "younger", master,
            reconciled, flow);
        cluster.restartCrashed();
      }
    }
    report("master confirmed (role reply)", results, 0);
    report("reconciled", results, 1);
    report("first flow change on the switch", results, 2);
  }

  private static boolean hasMarker(SwitchSession s, long mac) {
    if (s == null) {
      return false;
    }
    try {
      List<InstalledFlow> flows = s.readFlows().get(2, TimeUnit.SECONDS);
      FlowMatch wanted = FlowMatch.builder().ethType(MarkerApp.MARKER_ETH_TYPE).ethSrc(mac).build();
      return flows.stream().anyMatch(f -> f.key().match().equals(wanted));
    } catch (Exception e) {
      return false;
    }
  }

  private static long awaitMs(long t0, java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = t0 + TimeUnit.SECONDS.toNanos(30);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no failover within 30 s");
      }
      Thread.sleep(2);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static void report(String what, List<long[]> results, int column) {
    long[] v = results.stream().mapToLong(r -> r[column]).sorted().toArray();
    long median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    System.out.printf("%-34s median %4d ms, max %4d ms, min %4d ms (%d rounds) %s%n", what, median, v[v.length - 1],
        v[0], v.length, Arrays.toString(v));
  }
}
