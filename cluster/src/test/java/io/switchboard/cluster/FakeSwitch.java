package io.switchboard.cluster;

import io.switchboard.controller.core.MastershipLink;
import io.switchboard.controller.core.MastershipLink.Role;
import io.switchboard.controller.core.MastershipLink.RoleAnswer;
import io.switchboard.controller.core.MastershipLink.StaleGenerationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A switch's role bookkeeping as OVS does it (ofproto's handle_role_request and connmgr): one master election id
 * per switch; MASTER and SLAVE requests with an older id are refused as stale; a new MASTER demotes the old one,
 * which is told (like OFPT_ROLE_STATUS) unless the switch is made not to (as OVS with OpenFlow 1.3, whose role
 * status is an ONF extension the core does not read).
 */
final class FakeSwitch {
  private static final Executor WIRE = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-switch");
    t.setDaemon(true);
    return t;
  });

  final long dpid;
  private final boolean sendsRoleStatus;
  private final Map<Link, Role> roles = new LinkedHashMap<>();
  private long electionId;
  private boolean defined;
  private int staleRefusals;
  private final List<String> staleRefused = new ArrayList<>();

  FakeSwitch(long dpid) {
    this(dpid, true);
  }

  FakeSwitch(long dpid, boolean sendsRoleStatus) {
    this.dpid = dpid;
    this.sendsRoleStatus = sendsRoleStatus;
  }

  /** A connection from one member. {@code demoted} is what that member's controller does on a role status. */
  Link connect(String member, Consumer<Link> demoted) {
    Link l = new Link(member, demoted);
    synchronized (this) {
      roles.put(l, Role.EQUAL);
    }
    return l;
  }

  synchronized void disconnect(Link l) {
    roles.remove(l);
  }

  synchronized List<Link> masters() {
    List<Link> out = new ArrayList<>();
    roles.forEach((l, r) -> {
      if (r == Role.MASTER) {
        out.add(l);
      }
    });
    return out;
  }

  synchronized long electionId() {
    return electionId;
  }

  synchronized int staleRefusals() {
    return staleRefusals;
  }

  /** The members whose MASTER or SLAVE request was refused as stale, in order. */
  synchronized List<String> staleRefusedMembers() {
    return List.copyOf(staleRefused);
  }

  private RoleAnswer handle(Link from, Role role, long generation) {
    List<Link> demoted = new ArrayList<>();
    RoleAnswer answer;
    synchronized (this) {
      if (!roles.containsKey(from)) {
        throw new IllegalStateException("not connected");
      }
      if (role != Role.NOCHANGE && role != Role.EQUAL) {
        if (defined && generation - electionId < 0) {
          staleRefusals++;
          staleRefused.add(from.member);
          throw new StaleGenerationException(generation);
        }
        electionId = generation;
        defined = true;
      }
      if (role == Role.MASTER) {
        roles.forEach((l, r) -> {
          if (l != from && r == Role.MASTER) {
            demoted.add(l);
          }
        });
        demoted.forEach(l -> roles.put(l, Role.SLAVE));
      }
      if (role != Role.NOCHANGE) {
        roles.put(from, role);
      }
      answer = new RoleAnswer(roles.get(from), defined ? electionId : 0);
    }
    if (sendsRoleStatus) {
      demoted.forEach(l -> l.demoted.accept(l));
    }
    return answer;
  }

  /** One member's connection: role requests go through the switch; programming is a flag. */
  final class Link implements MastershipLink {
    final String member;
    private final Consumer<Link> demoted;
    volatile boolean programmed;
    final AtomicInteger programs = new AtomicInteger();

    Link(String member, Consumer<Link> demoted) {
      this.member = member;
      this.demoted = demoted;
    }

    @Override
    public long dpid() {
      return dpid;
    }

    @Override
    public CompletableFuture<RoleAnswer> requestRole(Role role, long generation) {
      return CompletableFuture.supplyAsync(() -> handle(this, role, generation), WIRE);
    }

    @Override
    public void program() {
      programmed = true;
      programs.incrementAndGet();
    }

    @Override
    public void unprogram() {
      programmed = false;
    }

    @Override
    public String toString() {
      return member + "->" + Long.toHexString(dpid);
    }
  }
}
