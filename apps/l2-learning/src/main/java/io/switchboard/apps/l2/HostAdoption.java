package io.switchboard.apps.l2;

import io.switchboard.apps.l2.LearningFlows.HostAt;
import io.switchboard.apps.l2.SingleTableFlows.Pair;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.SwitchView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a (re)connecting bridge's installed entries say was learned: the hosts of its learned source entries, within
 * the host caps as they are now, and (OpenFlow 1.0) the pair entries between two of those hosts. Pure: the app
 * puts the result into its tables.
 */
final class HostAdoption {
  private HostAdoption() {}

  /** The hosts adopted, by key, and how many entries were over the caps (not adopted). */
  record Hosts(Map<HostKey, LearnedHost> adopted, int overCaps) {}

  /**
   * The hosts of {@code installed}'s source entries; a host keeps its learned-at time when {@code table} already
   * has it on the same port, else it is learned {@code now}.
   */
  static Hosts hosts(SwitchView sw, PortPlan plan, LearningFlows flows, List<FlowEntry> installed, MacTable table,
                     L2Settings limits, long now) {
    Map<HostKey, LearnedHost> adopted = new HashMap<>();
    Map<Long, Integer> perPort = new HashMap<>();
    Map<Integer, Integer> perVlan = new HashMap<>();
    int overCaps = 0;
    // the total on all bridges holds too: what the other bridges have now, and this one's adopted set
    int room = Math.min(limits.maxHostsPerSwitch(), limits.maxHosts() - (table.total() - table.onBridge(sw.dpid())));
    for (FlowEntry e : installed) {
      HostAt at = flows.sourceEntryHost(plan, e);
      if (at != null && !adopted.containsKey(new HostKey(sw.dpid(), at.vlan(), at.mac()))) {
        // the caps hold for adopted hosts too (they may have been lowered since the entries were made)
        if (perPort.getOrDefault(at.port(), 0) >= limits.maxHostsPerPort()
            || perVlan.getOrDefault(at.vlan(), 0) >= limits.maxHostsPerVlan()
            || adopted.size() >= room) {
          overCaps++;
          continue;
        }
        perPort.merge(at.port(), 1, Integer::sum);
        perVlan.merge(at.vlan(), 1, Integer::sum);
        LearnedHost before = table.get(sw.dpid(), at.vlan(), at.mac());
        long since = before != null && before.port() == at.port() ? before.learnedAtMillis() : now;
        LearnedHost h = new LearnedHost(sw.dpid(), sw.name(), at.vlan(), at.mac(), at.port(),
            plan.port(at.port()).name(), since);
        adopted.put(h.key(), h);
      }
    }
    return new Hosts(adopted, overCaps);
  }

  /** OpenFlow 1.0: the installed pair entries whose two hosts were both adopted, as this app would make them. */
  static Map<Pair, FlowEntry> pairs(SwitchView sw, PortPlan plan, List<FlowEntry> installed,
                                    Map<HostKey, LearnedHost> adopted) {
    Map<Pair, FlowEntry> mine = new HashMap<>();
    if (!sw.multiTable()) {
      for (FlowEntry e : installed) {
        Pair p = SingleTableFlows.pairOf(e, plan);
        LearnedHost s = p == null ? null : adopted.get(new HostKey(sw.dpid(), p.vlan(), p.src()));
        LearnedHost d = p == null ? null : adopted.get(new HostKey(sw.dpid(), p.vlan(), p.dst()));
        if (s != null && d != null) {
          mine.put(p, SingleTableFlows.INSTANCE.pairEntry(plan, s, d));
        }
      }
    }
    return mine;
  }
}
