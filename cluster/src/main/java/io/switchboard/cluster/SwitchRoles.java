package io.switchboard.cluster;

import io.switchboard.controller.core.MastershipLink.Role;
import io.switchboard.controller.core.MastershipLink.StaleGenerationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversation with the switches: sends the role requests a {@link BridgeRole} decided on and feeds each answer
 * back to it on the election thread. The rules of who may ask what are in {@link BridgeRole}; the loop that decides
 * when is {@link Election}.
 */
final class SwitchRoles {
  private static final Logger log = LoggerFactory.getLogger(SwitchRoles.class);

  private final Executor thread;
  private final ClusterView view;
  private final Predicate<BridgeRole> current;
  private final Runnable requestEvaluation;
  private final BiConsumer<BridgeRole, MasterRecord> apply;

  /**
   * @param thread            the election thread: every answer is handled there
   * @param current           whether a bridge is still this member's live connection (answers for others are void)
   * @param requestEvaluation queues an evaluation of every bridge
   * @param apply             makes a bridge's role follow a record (after a reclaim)
   */
  SwitchRoles(Executor thread, ClusterView view, Predicate<BridgeRole> current, Runnable requestEvaluation,
      BiConsumer<BridgeRole, MasterRecord> apply) {
    this.thread = thread;
    this.view = view;
    this.current = current;
    this.requestEvaluation = requestEvaluation;
    this.apply = apply;
  }

  /** Sends what the machine decided. */
  void send(BridgeRole b, BridgeRole.Request r) {
    if (r == null) {
      return;
    }
    if (r.role() == Role.MASTER) {
      askMaster(b, r.generation());
    } else {
      askSlave(b, r.generation());
    }
  }

  /** Asks the switch's generation (a role query that changes nothing), then runs {@code then} if still current. */
  void query(BridgeRole b, Runnable then) {
    b.link.requestRole(Role.NOCHANGE, 0).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (!current.test(b)) {
        return;
      }
      if (ans != null) {
        b.learn(ans.generation());
      } else {
        log.debug("switch {}: role query failed: {}", b.dpidText, err.toString());
      }
      then.run();
    }), thread);
  }

  /** The switch says this connection lost the master role (role status, IS_SLAVE): check, and step down. */
  void demoted(BridgeRole b) {
    long gen = b.verifyGeneration();
    if (gen < 0) {
      return;
    }
    b.link.requestRole(Role.NOCHANGE, 0).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (ans != null && ans.role() != Role.MASTER && b.masterAt(gen)) {
        b.learn(ans.generation());
        b.refused(gen, System.currentTimeMillis(), "the switch says this connection is now " + ans.role()
            + " (switch generation " + ans.generation() + ")");
      }
    }), thread);
  }

  /** A master re-asserts its role: one that was paused while another took over is refused as stale. */
  void verify(BridgeRole b) {
    long gen = b.verifyGeneration();
    if (gen < 0) {
      return;
    }
    b.link.requestRole(Role.MASTER, gen).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (!current.test(b) || !b.masterAt(gen)) {
        return;
      }
      if (err == null) {
        b.learn(ans.generation());
      } else if (isStale(err)) {
        staleRefusal(b, gen);
      } else {
        log.debug("switch {}: role check failed: {}", b.dpidText, err.toString());
      }
    }), thread);
  }

  private void askMaster(BridgeRole b, long gen) {
    long asked = System.nanoTime();
    b.link.requestRole(Role.MASTER, gen).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (!current.test(b)) {
        return;
      }
      if (err != null) {
        if (isStale(err)) {
          if (b.claimsMasterAt(gen)) {
            staleRefusal(b, gen);
          }
        } else {
          log.warn("switch {}: role request (master, generation {}) failed: {}", b.dpidText, gen, err.toString());
          b.masterFailed(gen);
        }
        return;
      }
      b.learn(ans.generation());
      MasterRecord now = view.record(b.dpid);
      boolean stillOurs = now != null && view.me().equals(now.owner()) && now.generation() == gen;
      switch (b.masterAnswered(gen, ans.role(), stillOurs)) {
        case OVERTAKEN -> requestEvaluation.run(); // the record moved on while we asked: follow it
        case NOT_GRANTED -> log.warn("switch {}: asked for master (generation {}), the switch answered {}",
            b.dpidText, gen, ans.role());
        case CONFIRMED -> log.info("switch {}: this instance is master (generation {}, switch confirmed in {} ms); "
            + "programming it", b.dpidText, gen, String.format("%.1f", (System.nanoTime() - asked) / 1_000_000.0));
        case IGNORED -> { }
      }
    }), thread);
  }

  private void askSlave(BridgeRole b, long gen) {
    b.link.requestRole(Role.SLAVE, gen).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (err == null) {
        b.learn(ans.generation());
        b.slaveAnswered(gen, true);
      } else if (isStale(err)) {
        b.slaveAnswered(gen, true); // the switch already has a newer master; its record will reach us
      } else {
        log.warn("switch {}: role request (slave, generation {}) failed: {}", b.dpidText, gen, err.toString());
        b.slaveAnswered(gen, false);
      }
    }), thread);
  }

  /**
   * The switch refused our MASTER request as stale. If we had held that generation before, a newer master exists:
   * step down. If we had just claimed it, the switch remembers a generation the cluster's records lost (every member
   * restarted, say): learn the switch's generation and claim above it.
   */
  private void staleRefusal(BridgeRole b, long gen) {
    boolean heldBefore = b.refused(gen, System.currentTimeMillis(),
        "the switch refused generation " + gen + " as stale (OFPRRFC_STALE): a newer master exists");
    b.link.requestRole(Role.NOCHANGE, 0).whenCompleteAsync((ans, err) -> guarded(() -> {
      if (ans != null) {
        b.learn(ans.generation());
      }
      if (!current.test(b)) {
        return;
      }
      MasterRecord fresh = view.refresh(b.dpid);
      boolean stillOurs = fresh != null && view.me().equals(fresh.owner()) && fresh.generation() == gen;
      if (b.reclaimAfterStale(gen, heldBefore, stillOurs)) {
        log.info("switch {}: it knows generation {}, newer than the cluster's record; claiming above it",
            b.dpidText, b.switchGeneration());
        apply.accept(b, view.claim(b.dpid, b.dpidText, fresh, b.switchGeneration()));
      } else {
        requestEvaluation.run();
      }
    }), thread);
  }

  static boolean isStale(Throwable err) {
    Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    return t instanceof StaleGenerationException;
  }

  static void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("cluster election: {}", e.toString(), e);
    }
  }
}
