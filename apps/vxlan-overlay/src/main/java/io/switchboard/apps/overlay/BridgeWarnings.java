package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connecting bridge lacks to get (all of) its overlay entries, said once per connect: several hosts name it,
 * it speaks OpenFlow 1.0 (one table) or 1.5 on a gateway host (no ct_state match), a localnet network's patch port is
 * missing.
 */
final class BridgeWarnings {
  private static final Logger log = LoggerFactory.getLogger(VxlanOverlayApp.class);

  private BridgeWarnings() {}

  static void onConnect(OverlayTopology topology, SwitchView sw) {
    var hosts = topology.hostsNaming(sw);
    if (hosts.size() > 1) {
      log.warn("switch {} ({}): overlay hosts {} all name this bridge; it gets no overlay flows until they are "
          + "told apart by dpid", Values.dpid(sw.dpid()), sw.name(),
          hosts.stream().map(h -> h.name()).collect(Collectors.joining(", ")));
    } else if (hosts.size() == 1 && sw.multiTable()) {
      HostBridge bridge = new HostBridge(topology, sw, hosts.get(0));
      if ("1.5".equals(sw.openFlowVersion()) && topology.overlay().routers().stream().anyMatch(r -> r.external()
          .map(ext -> ext.host().equals(hosts.get(0).name())).orElse(false))) {
        log.warn("switch {} ({}): gateway host {} speaks OpenFlow 1.5, where ct_state cannot be matched; its "
            + "routers' external side (NAT) is not installed: let it negotiate 1.3 or 1.4", Values.dpid(sw.dpid()),
            sw.name(), hosts.get(0).name());
      }
      for (var n : LocalnetFlows.networksOn(bridge)) {
        if (LocalnetFlows.patchPort(bridge, n).isEmpty()) {
          log.warn("switch {} ({}): localnet network {} needs the patch port {} to physical bridge {} (create the "
              + "pair: ovs-vsctl add-port {} {} -- set interface {} type=patch options:peer={}); until then it is "
              + "not bridged here", Values.dpid(sw.dpid()), sw.name(), n.name(),
              hosts.get(0).patchPortFor(n.localnet().orElseThrow().physicalNetwork()).orElse("?"),
              hosts.get(0).bridgeMappings().get(n.localnet().orElseThrow().physicalNetwork()), sw.name(),
              hosts.get(0).patchPortFor(n.localnet().orElseThrow().physicalNetwork()).orElse("?"),
              hosts.get(0).patchPortFor(n.localnet().orElseThrow().physicalNetwork()).orElse("?"),
              "phy-" + hosts.get(0).bridgeMappings().get(n.localnet().orElseThrow().physicalNetwork()));
        }
      }
    } else if (hosts.size() == 1 && !sw.multiTable()) {
      log.warn("switch {} ({}): overlay host {} needs OpenFlow 1.3 or later (metadata, several tables); "
          + "it speaks {} and gets no overlay flows", Values.dpid(sw.dpid()), sw.name(), hosts.get(0).name(),
          sw.openFlowVersion());
    }
  }
}
