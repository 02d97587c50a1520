package io.switchboard.cluster;

import io.switchboard.controller.core.MastershipLink;
import io.switchboard.controller.core.MastershipLink.Role;
import io.switchboard.controller.spi.Values;

/**
 * One connected bridge's role at its switch, as this member drives it: a state machine with one {@link State} and
 * the generation that state refers to. It decides; the {@link Election} does the I/O (role requests, claims) and
 * feeds the answers back. Entering and leaving {@link State#MASTER} are the only moments this member starts or
 * stops programming the bridge, through {@link Programming}.
 *
 * <p>Answers are matched to the request they answer by (state, generation): an answer to a request the machine has
 * moved on from only teaches it the switch's generation. Election thread only; no locks, no clock (callers pass
 * {@code now}).
 */
final class BridgeRole {
  /** The per-bridge role states. */
  enum State {
    /** Connected; the switch's generation is being asked and the cluster not told yet. Nothing is decided. */
    CONNECTING,
    /** Registered in the cluster; no role asked, or the last request failed or was overtaken. */
    READY,
    /** A SLAVE request at {@link #generation()} is in flight. */
    SLAVE_ASKED,
    /** The switch confirmed this connection SLAVE at {@link #generation()}. */
    SLAVE,
    /** A MASTER request at {@link #generation()} is in flight; nothing is programmed yet. */
    MASTER_ASKED,
    /** The switch confirmed this connection MASTER at {@link #generation()}: this member programs the bridge. */
    MASTER,
    /**
     * The switch refused or demoted this connection at {@link #generation()}; this member does not claim that
     * bridge again for {@link #REFUSED_HOLD_MS} unless the record moves on.
     */
    REFUSED,
    /** The connection went (or was replaced); answers still in flight are ignored. */
    GONE
  }

  /** What entering and leaving {@link State#MASTER} does. */
  interface Programming {
    void start(BridgeRole bridge, long generation);

    void stop(BridgeRole bridge, String why);
  }

  /** A role request the caller must send to the switch (and whose answer it feeds back). */
  record Request(Role role, long generation) {}

  /** After a refusal this member claims no newer generation of the bridge for this long (ms). */
  static final long REFUSED_HOLD_MS = 10_000;
  /** How often a stale refusal of a generation this member had only just claimed is answered by a new claim. */
  static final int MAX_STALE_RECLAIMS = 3;

  final MastershipLink link;
  final long dpid;
  final String dpidText;
  private final Programming programming;
  private State state = State.CONNECTING;
  private long generation = -1;
  /** The newest generation the switch has reported. */
  private long switchGeneration = -1;
  /** The last generation the switch ever confirmed this connection MASTER at. */
  private long confirmedGeneration = -1;
  private long registeredAt;
  private long refusedAt;
  private int staleReclaims;

  BridgeRole(MastershipLink link, Programming programming) {
    this.link = link;
    this.dpid = link.dpid();
    this.dpidText = Values.dpid(dpid);
    this.programming = programming;
  }

  State state() {
    return state;
  }

  /** The generation the current state refers to (-1 in CONNECTING and READY). */
  long generation() {
    return generation;
  }

  long switchGeneration() {
    return switchGeneration;
  }

  long registeredAt() {
    return registeredAt;
  }

  boolean ready() {
    return state != State.CONNECTING && state != State.GONE;
  }

  boolean isMaster() {
    return state == State.MASTER;
  }

  boolean gone() {
    return state == State.GONE;
  }

  /** The switch reported its generation (every answer carries it); it only grows. */
  void learn(long switchGen) {
    switchGeneration = Math.max(switchGeneration, switchGen);
  }

  /** This member told the cluster it is connected (again, after a merge): the machine may act. */
  void registered(long now) {
    if (state == State.CONNECTING) {
      to(State.READY, -1);
    }
    registeredAt = now;
  }

  /**
   * Whether the record names this member at the generation it was refused at, and the hold is over: the machine
   * forgets the refusal (READY) and the caller claims a newer generation before {@link #follow}ing the result.
   */
  boolean holdExpired(MasterRecord rec, String me, boolean quiet, long now) {
    if (state != State.REFUSED || quiet || rec == null || !me.equals(rec.owner()) || rec.generation() != generation
        || now - refusedAt < REFUSED_HOLD_MS) {
      return false;
    }
    to(State.READY, -1);
    return true;
  }

  /**
   * Makes this connection's role follow the cluster's record: SLAVE when another member (or no one) owns it, MASTER
   * when this member does. Returns the request to send, or null when nothing is to be asked.
   *
   * @param quiet after a pause a record naming this member may be stale: assert nothing while quiet
   */
  Request follow(MasterRecord rec, String me, boolean quiet) {
    if (!ready()) {
      return null;
    }
    if (rec == null || !me.equals(rec.owner())) {
      return toSlave(rec);
    }
    if (quiet) {
      return null;
    }
    boolean same = rec.generation() == generation;
    if (same && (state == State.MASTER || state == State.MASTER_ASKED || state == State.REFUSED)) {
      return null; // confirmed, asked already, or refused at it and holding off (see holdExpired)
    }
    leaveMaster("the record moved to generation " + rec.generation());
    to(State.MASTER_ASKED, rec.generation());
    return new Request(Role.MASTER, rec.generation());
  }

  private Request toSlave(MasterRecord rec) {
    leaveMaster(rec == null ? "no master record" : "the master is now " + rec.address()
        + " (generation " + rec.generation() + ")");
    long gen = rec != null ? rec.generation() : Math.max(0, switchGeneration);
    if ((state == State.SLAVE && generation == gen) || state == State.SLAVE_ASKED) {
      return null;
    }
    to(State.SLAVE_ASKED, gen);
    return new Request(Role.SLAVE, gen);
  }

  /**
   * The answer to a SLAVE request at {@code gen}: {@code ok} (granted, or refused as stale: the switch has a newer
   * master, whose record will reach us) makes it SLAVE; a failure leaves it READY to try again.
   */
  void slaveAnswered(long gen, boolean ok) {
    if (state == State.SLAVE_ASKED && generation == gen) {
      to(ok ? State.SLAVE : State.READY, ok ? gen : -1);
    }
  }

  /** The outcome of a MASTER request. */
  enum MasterOutcome {
    /** The switch confirmed: programming starts. */
    CONFIRMED,
    /** The record moved on while we asked: the caller evaluates again. */
    OVERTAKEN,
    /** The switch answered with another role, or the request failed: asked again at the next evaluation. */
    NOT_GRANTED,
    /** The answer belongs to a request the machine has moved on from. */
    IGNORED
  }

  /**
   * The switch answered a MASTER request at {@code gen} with {@code role}; {@code current} says whether the cluster's
   * record still names this member at that generation.
   */
  MasterOutcome masterAnswered(long gen, Role role, boolean current) {
    if (state != State.MASTER_ASKED || generation != gen) {
      return MasterOutcome.IGNORED;
    }
    if (!current) {
      to(State.READY, -1);
      return MasterOutcome.OVERTAKEN;
    }
    if (role != Role.MASTER) {
      to(State.READY, -1);
      return MasterOutcome.NOT_GRANTED;
    }
    to(State.MASTER, gen);
    confirmedGeneration = gen;
    staleReclaims = 0;
    programming.start(this, gen);
    return MasterOutcome.CONFIRMED;
  }

  /** A MASTER request at {@code gen} failed for another reason than staleness (a timeout, a closed channel). */
  void masterFailed(long gen) {
    if (state == State.MASTER_ASKED && generation == gen) {
      to(State.READY, -1);
    }
  }

  /** The generation a periodic re-assertion asks MASTER at, or -1 when this connection is not master. */
  long verifyGeneration() {
    return state == State.MASTER ? generation : -1;
  }

  /** Whether this connection still is master at {@code gen} (an answer about it still matters). */
  boolean masterAt(long gen) {
    return state == State.MASTER && generation == gen;
  }

  /** Whether this connection asked for or holds MASTER at {@code gen}: a stale refusal of it matters. */
  boolean claimsMasterAt(long gen) {
    return (state == State.MASTER || state == State.MASTER_ASKED) && generation == gen;
  }

  /**
   * The switch refused or demoted this connection at {@code gen}: stop programming, hold off. Returns whether the
   * switch had ever confirmed us MASTER at that generation (then a newer master exists; otherwise we had only just
   * claimed it and the switch may know a generation the cluster lost).
   */
  boolean refused(long gen, long now, String why) {
    boolean heldBefore = confirmedGeneration == gen;
    leaveMaster(why);
    to(State.REFUSED, gen);
    refusedAt = now;
    return heldBefore;
  }

  /**
   * After a stale refusal of {@code gen}: whether to claim a newer generation at once. Yes only when the record
   * still names this member at it, the switch never confirmed us at it, and this has not happened too often.
   */
  boolean reclaimAfterStale(long gen, boolean heldBefore, boolean stillOurs) {
    if (state != State.REFUSED || generation != gen || !stillOurs || heldBefore
        || staleReclaims >= MAX_STALE_RECLAIMS) {
      return false;
    }
    staleReclaims++;
    to(State.READY, -1);
    return true;
  }

  /** After a merge the refusals of the split are history. */
  void forgiveRefusal() {
    if (state == State.REFUSED) {
      to(State.READY, -1);
    }
  }

  /** Stops programming (a pause, this member leaving) without asking anything of the switch. */
  void stand(String why) {
    leaveMaster(why);
  }

  /**
   * The connection went or was replaced: no more requests, answers ignored. Programming is not undone through
   * {@link Programming} (there is no connection left to undo it on). Returns whether it was master.
   */
  boolean disconnected() {
    boolean was = state == State.MASTER;
    to(State.GONE, -1);
    return was;
  }

  private void leaveMaster(String why) {
    if (state == State.MASTER) {
      to(State.READY, -1);
      programming.stop(this, why);
    }
  }

  private void to(State next, long gen) {
    state = next;
    generation = gen;
  }

  @Override
  public String toString() {
    return dpidText + " " + state + (generation >= 0 ? "@" + generation : "");
  }
}
