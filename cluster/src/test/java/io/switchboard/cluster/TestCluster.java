package io.switchboard.cluster;

import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.testing.ControllerHarness;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Clustered controllers in the test's JVM, each an embedded Hazelcast member on 127.0.0.1:PORT plus a controller
 * (OpenFlow and REST on ephemeral loopback ports) running {@link MarkerApp} with the member's stores and
 * mastership. {@link #crash} kills one as abruptly as this JVM allows; {@link #restartCrashed} brings it back on
 * the same addresses.
 */
final class TestCluster implements AutoCloseable {
  static final String CONFIG = """
      openflow: {echo-interval: 1s}
      reconcile: {audit-interval: 5s}
      apps: [marker]
      """;

  private record Instance(int clusterPort, ClusterNode node, ControllerHarness harness) {}

  private final int[] ports;
  private final Map<Integer, Instance> instances = new LinkedHashMap<>();
  private final Map<Integer, Integer> openflowPorts = new LinkedHashMap<>();
  private int crashed = -1;

  TestCluster(int... clusterPorts) {
    this.ports = clusterPorts;
  }

  void startAll() throws Exception {
    for (int p : ports) {
      start(p);
    }
  }

  private void start(int clusterPort) throws Exception {
    ClusterNode node = Members.start(clusterPort, ports);
    ControllerHarness h = ControllerHarness.start(CONFIG, openflowPorts.getOrDefault(clusterPort, 0), node.stores(),
        node.mastership(), new MarkerApp());
    h.rest().route(HttpMethod.GET, "/cluster", r -> node.describe());
    h.rest().healthExtra("cluster", node::health);
    openflowPorts.put(clusterPort, h.openflowPort());
    instances.put(clusterPort, new Instance(clusterPort, node, h));
  }

  int[] openflowPorts() {
    return openflowPorts.values().stream().mapToInt(Integer::intValue).toArray();
  }

  List<ClusterNode> live() {
    return instances.values().stream().map(Instance::node).toList();
  }

  ControllerHarness harness(ClusterNode node) {
    return instance(node).harness();
  }

  int openflowPortOf(ClusterNode node) {
    return instance(node).harness().openflowPort();
  }

  private Instance instance(ClusterNode node) {
    return instances.values().stream().filter(i -> i.node() == node).findFirst().orElseThrow();
  }

  /** The live instances that program the bridge now. */
  List<ClusterNode> mastersOf(long dpid) {
    List<ClusterNode> out = new ArrayList<>();
    instances.values().forEach(i -> {
      if (i.node().mastership().isMaster(dpid)) {
        out.add(i.node());
      }
    });
    return out;
  }

  /** How many live controllers the bridge is connected to. */
  int connectedTo(long dpid) {
    return (int) instances.values().stream().filter(i -> i.harness().controller().session(dpid).isPresent())
        .count();
  }

  /** Exactly one live instance masters the bridge and has finished reconciling it. */
  boolean masterReconciled(long dpid) {
    SwitchSession s = masterSession(dpid);
    return s != null && s.programmer() != null && s.programmer().synced();
  }

  /** The master's session with the bridge, or null unless exactly one live instance masters it. */
  SwitchSession masterSession(long dpid) {
    List<ClusterNode> masters = mastersOf(dpid);
    if (masters.size() != 1) {
      return null;
    }
    return harness(masters.get(0)).controller().session(dpid).orElse(null);
  }

  /** Kills an instance: its Hazelcast member vanishes without a goodbye and its OpenFlow connections drop. */
  void crash(ClusterNode node) {
    Instance i = instance(node);
    instances.remove(i.clusterPort());
    crashed = i.clusterPort();
    node.hazelcast().getLifecycleService().terminate();
    i.harness().close();
    node.close();
  }

  /** Starts the crashed instance again on the same cluster and OpenFlow ports. */
  ClusterNode restartCrashed() throws Exception {
    start(crashed);
    ClusterNode node = instances.get(crashed).node();
    crashed = -1;
    return node;
  }

  @Override
  public void close() {
    for (Instance i : instances.values()) {
      i.harness().close();
      i.node().close();
    }
    instances.clear();
  }
}
