package io.switchboard.cluster;

import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.openflow.SwitchSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The core's {@link Mastership} for a clustered controller: each bridge connected here takes part in the
 * {@link Election}; this instance programs it only while the cluster names it master and the switch confirmed it.
 */
public final class ClusterMastership implements Mastership {
  private final Election election;
  private final Map<Long, SessionLink> links = new ConcurrentHashMap<>();
  private volatile Controller controller;

  ClusterMastership(Election election) {
    this.election = election;
  }

  @Override
  public void attach(Controller controller) {
    this.controller = controller;
  }

  @Override
  public boolean isMaster(long dpid) {
    return election.isMaster(dpid);
  }

  @Override
  public void switchUp(SwitchSession session, Runnable becameMaster) {
    SessionLink link = new SessionLink(session, becameMaster, () -> controller);
    links.put(session.dpid(), link);
    election.bridgeUp(link);
  }

  @Override
  public void switchDown(SwitchSession session) {
    SessionLink link = links.get(session.dpid());
    if (link != null && link.session() == session) {
      links.remove(session.dpid(), link);
      election.bridgeDown(link);
    }
  }

  @Override
  public void demoted(SwitchSession session) {
    SessionLink link = links.get(session.dpid());
    if (link != null && link.session() == session) {
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
