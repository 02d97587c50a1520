package io.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import io.switchboard.config.ClusterSettings;
import io.switchboard.config.HostPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hazelcast member configuration for {@code cluster:} settings. Peers are found only through the listed
 * addresses over TCP (no multicast, no cloud auto-detection, no phone-home): nothing leaves the configured
 * addresses. Failure detection is tuned for seconds. Every {@code hazelcast.*} property below can be overridden
 * with a JVM system property of the same name.
 */
final class MemberConfig {
  static final String CLUSTER_NAME = "switchboard";

  /** Hazelcast properties that differ from its defaults, and why. */
  static final Map<String, String> PROPERTIES = properties();

  private MemberConfig() {}

  private static Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("hazelcast.phone.home.enabled", "false");          // no call home to hazelcast.com
    p.put("hazelcast.logging.type", "slf4j");
    p.put("hazelcast.heartbeat.interval.seconds", "1");      // default 5
    p.put("hazelcast.max.no.heartbeat.seconds", "5");        // default 60: a hung member is dropped after 5 s
    p.put("hazelcast.wait.seconds.before.join", "1");        // default 5: a restarting member joins sooner
    p.put("hazelcast.merge.first.run.delay.seconds", "10");  // default 300: heal a split brain sooner
    p.put("hazelcast.merge.next.run.delay.seconds", "10");   // default 120
    p.put("hazelcast.graceful.shutdown.max.wait", "30");     // default 600
    // default 5000: while partitions migrate to a member that just joined, a write may wait this long for a backup
    // acknowledgement that never comes (the write itself has succeeded)
    p.put("hazelcast.operation.backup.timeout.millis", "1000");
    // default 500: an operation on a partition whose owner just died retries this often until a backup is promoted
    p.put("hazelcast.invocation.retry.pause.millis", "100");
    return p;
  }

  static Config of(ClusterSettings settings) {
    Config c = new Config();
    c.setClusterName(CLUSTER_NAME);
    c.setInstanceName("switchboard-" + settings.bind().host() + "-" + settings.bind().port());
    c.setClassLoader(MemberConfig.class.getClassLoader());
    PROPERTIES.forEach((k, v) -> c.setProperty(k, System.getProperty(k, v)));
    c.getJetConfig().setEnabled(false);

    NetworkConfig net = c.getNetworkConfig();
    HostPort bind = settings.bind();
    net.setPort(bind.port()).setPortAutoIncrement(false);
    if (isWildcard(bind.host())) {
      c.setProperty("hazelcast.socket.bind.any", "true");
    } else {
      // listen on this address only, and use it as this member's address
      c.setProperty("hazelcast.socket.bind.any", "false");
      String ip = resolve(bind.host());
      net.getInterfaces().setEnabled(true).addInterface(ip);
      c.setProperty("hazelcast.local.localAddress", ip);
    }
    JoinConfig join = net.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    List<String> members = settings.members().stream().map(h -> h.host() + ":" + h.port()).toList();
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2)
        .setMembers(members.isEmpty() ? List.of(bind.host() + ":" + bind.port()) : members);

    // the election's maps never wait for a backup: a claim lost with its member is redone, and the switch's
    // generation check keeps it safe meanwhile
    MapConfig masters = new MapConfig(ClusterView.MASTERS).setBackupCount(0).setAsyncBackupCount(1);
    masters.getMergePolicyConfig().setPolicy(GenerationMergePolicy.class.getName());
    c.addMapConfig(masters);
    c.addMapConfig(new MapConfig(ClusterView.LINKS).setBackupCount(0).setAsyncBackupCount(1));
    MapConfig stores = new MapConfig(HazelcastStoreFactory.PREFIX + "*").setBackupCount(1).setPerEntryStatsEnabled(true);
    stores.getMergePolicyConfig().setPolicy(LatestUpdateMergePolicy.class.getName());
    c.addMapConfig(stores);
    return c;
  }

  /** A member's address as Hazelcast reports it (ip:port), the name looked up once; as given when that fails. */
  static String address(HostPort hp) {
    try {
      return InetAddress.getByName(hp.host()).getHostAddress() + ":" + hp.port();
    } catch (UnknownHostException e) {
      return hp.host() + ":" + hp.port();
    }
  }

  /** Hazelcast wants this member's address as an IP; {@code localhost} and other names are looked up once. */
  private static String resolve(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cluster.bind: cannot resolve '" + host + "'", e);
    }
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("*");
  }
}
