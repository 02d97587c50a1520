package io.switchboard.cluster;

import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.core.MastershipLink;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The core's {@link Mastership} for a clustered controller: each bridge connected here takes part in the
 * {@link Election}; this instance programs it only while the cluster names it master and the switch confirmed it.
 * It sees bridges only through the core's {@link MastershipLink}.
 */
public final class ClusterMastership implements Mastership {
  private final Election election;
  private final Map<Long, MastershipLink> links = new ConcurrentHashMap<>();

  ClusterMastership(Election election) {
    this.election = election;
  }

  @Override
  public boolean isMaster(long dpid) {
    return election.isMaster(dpid);
  }

  @Override
  public void switchUp(MastershipLink link) {
    links.put(link.dpid(), link);
    election.bridgeUp(link);
  }

  @Override
  public void switchDown(MastershipLink link) {
    if (links.remove(link.dpid(), link)) {
      election.bridgeDown(link);
    }
  }

  @Override
  public void demoted(MastershipLink link) {
    if (links.get(link.dpid()) == link) {
      election.demoted(link);
    }
  }

  /** The master's cluster address, or "none". */
  @Override
  public String masterOf(long dpid) {
    MasterRecord r = election.records().get(dpid);
    return r == null ? "none" : r.address();
  }

  /** The generation id the bridge's master uses, or -1. */
  public long generationOf(long dpid) {
    MasterRecord r = election.records().get(dpid);
    return r == null ? -1 : r.generation();
  }
}
