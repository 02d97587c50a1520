package io.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.switchboard.config.ClusterSettings;
import io.switchboard.controller.spi.StoreFactory;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This controller as a member of a Switchboard cluster: an embedded Hazelcast member, the shared stores and the
 * elected mastership. Wiring:
 * <pre>
 *   ClusterNode node = ClusterNode.start(config.cluster());
 *   Controller c = new Controller(config, apps, node.stores(), node.mastership());
 *   c.start();
 *   RestServer rest = new RestServer(c);
 *   rest.route(GET, "/cluster", r -> node.describe());   // GET /api/v1/cluster
 *   rest.healthExtra("cluster", node::health);           // "cluster" in /health
 *   ...
 *   rest.close(); c.close(); node.close();
 * </pre>
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  private final HazelcastInstance hz;
  private final HazelcastStoreFactory stores;
  private final Election election;
  private final ClusterMastership mastership;

  private ClusterNode(HazelcastInstance hz, ClusterSettings settings) {
    this.hz = hz;
    this.stores = new HazelcastStoreFactory(hz);
    this.election = new Election(hz, settings.members().stream().map(MemberConfig::address).toList(),
        settings.settle().toMillis(), settings.settleTimeout().toMillis());
    this.mastership = new ClusterMastership(election);
    election.start();
  }

  /** Starts the Hazelcast member and joins the members listed in the settings (returns once joined or alone). */
  public static ClusterNode start(ClusterSettings settings) {
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(MemberConfig.of(settings));
    ClusterNode node = new ClusterNode(hz, settings);
    log.info("cluster: member {} up; members {}", node.election.memberAddress(),
        node.election.liveMembers().values());
    return node;
  }

  public StoreFactory stores() {
    return stores;
  }

  public ClusterMastership mastership() {
    return mastership;
  }

  public HazelcastInstance hazelcast() {
    return hz;
  }

  Election election() {
    return election;
  }

  /** This member's cluster address (host:port). */
  public String address() {
    return election.memberAddress();
  }

  /**
   * What {@code GET /api/v1/cluster} answers: the members (address, uuid, whether it is this one, how many
   * bridges it masters) and, for every bridge the cluster knows, its master, generation and connected members.
   */
  public Map<String, Object> describe() {
    Map<Long, MasterRecord> records = election.records();
    Map<Long, List<String>> connections = election.connections();
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      String id = m.getUuid().toString();
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("address", ClusterView.address(m));
      mm.put("uuid", id);
      mm.put("local", m.localMember());
      mm.put("masters", records.entrySet().stream().filter(e -> id.equals(e.getValue().owner())
          && connections.containsKey(e.getKey())).count());
      members.add(mm);
    }
    Map<String, String> live = election.liveMembers();
    List<Map<String, Object>> bridges = new ArrayList<>();
    TreeSet<Long> all = new TreeSet<>(Long::compareUnsigned);
    all.addAll(records.keySet());
    all.addAll(connections.keySet());
    for (long dpid : all) {
      List<String> linked = connections.getOrDefault(dpid, List.of());
      if (linked.isEmpty()) {
        continue; // a bridge no live member is connected to: not a current concern
      }
      MasterRecord r = records.get(dpid);
      boolean masterLive = r != null && live.containsKey(r.owner());
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("dpid", Values.dpid(dpid));
      b.put("master", masterLive ? r.address() : null);
      b.put("master-uuid", masterLive ? r.owner() : null);
      b.put("generation", r == null ? null : r.generation());
      b.put("connected", linked);
      b.put("local-role", !linked.contains(address()) ? "not connected"
          : election.isMaster(dpid) ? "master" : "slave");
      bridges.add(b);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("enabled", true);
    out.put("name", MemberConfig.CLUSTER_NAME);
    out.put("local", address());
    out.put("settled", election.settled());
    out.put("members", members);
    out.put("bridges", bridges);
    return out;
  }

  /** The "cluster" field of {@code GET /api/v1/health}: this member's address and how many members there are. */
  public Map<String, Object> health() {
    return Map.of("local", address(), "members", hz.getCluster().getMembers().size(), "settled",
        election.settled());
  }

  /**
   * Leaves the cluster: stops programming, withdraws this member's bridges so others take over at once, then shuts
   * the Hazelcast member down gracefully (its data is handed to the others).
   */
  @Override
  public void close() {
    election.close();
    stores.close();
    try {
      hz.shutdown();
    } catch (RuntimeException e) {
      log.debug("cluster shutdown: {}", e.toString());
    }
  }
}
