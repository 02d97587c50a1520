package io.switchboard.cluster;

import static io.switchboard.cluster.BridgeRole.State.CONNECTING;
import static io.switchboard.cluster.BridgeRole.State.GONE;
import static io.switchboard.cluster.BridgeRole.State.MASTER;
import static io.switchboard.cluster.BridgeRole.State.MASTER_ASKED;
import static io.switchboard.cluster.BridgeRole.State.READY;
import static io.switchboard.cluster.BridgeRole.State.REFUSED;
import static io.switchboard.cluster.BridgeRole.State.SLAVE;
import static io.switchboard.cluster.BridgeRole.State.SLAVE_ASKED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.cluster.BridgeRole.MasterOutcome;
import io.switchboard.cluster.BridgeRole.Request;
import io.switchboard.cluster.BridgeRole.State;
import io.switchboard.controller.core.MastershipLink;
import io.switchboard.controller.core.MastershipLink.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The per-bridge role machine, transition by transition: no Hazelcast, no switch, no clock. */
class BridgeRoleTest {
  private static final String ME = "me";
  private static final String OTHER = "other";

  /** What entering and leaving MASTER did, in order: "start 5", "stop: why". */
  private final List<String> effects = new ArrayList<>();
  private final BridgeRole role = new BridgeRole(new NoLink(), new BridgeRole.Programming() {
    @Override
    public void start(BridgeRole b, long generation) {
      effects.add("start " + generation);
    }

    @Override
    public void stop(BridgeRole b, String why) {
      effects.add("stop: " + why);
    }
  });

  private static MasterRecord mine(long gen) {
    return new MasterRecord(ME, "127.0.0.1:1", gen, 0);
  }

  private static MasterRecord theirs(long gen) {
    return new MasterRecord(OTHER, "127.0.0.1:2", gen, 0);
  }

  private void assertState(State state, long gen) {
    assertEquals(state, role.state(), role.toString());
    assertEquals(gen, role.generation(), role.toString());
  }

  /** Drives the machine to MASTER at {@code gen}. */
  private void master(long gen) {
    role.registered(0);
    assertEquals(new Request(Role.MASTER, gen), role.follow(mine(gen), ME, false));
    assertEquals(MasterOutcome.CONFIRMED, role.masterAnswered(gen, Role.MASTER, true));
    effects.clear();
  }

  @Test
  void aNewConnectionDecidesNothingUntilRegistered() {
    assertState(CONNECTING, -1);
    assertFalse(role.ready());
    assertNull(role.follow(mine(1), ME, false));
    role.registered(42);
    assertState(READY, -1);
    assertEquals(42, role.registeredAt());
  }

  @Test
  void readyFollowsAnotherMembersRecordAsSlave() {
    role.registered(0);
    assertEquals(new Request(Role.SLAVE, 3), role.follow(theirs(3), ME, false));
    assertState(SLAVE_ASKED, 3);
    assertNull(role.follow(theirs(4), ME, false), "one SLAVE request at a time");
    role.slaveAnswered(3, true);
    assertState(SLAVE, 3);
    assertNull(role.follow(theirs(3), ME, false), "already slave at that generation");
    assertEquals(new Request(Role.SLAVE, 4), role.follow(theirs(4), ME, false));
    assertTrue(effects.isEmpty());
  }

  @Test
  void withoutARecordSlaveUsesTheSwitchsGeneration() {
    role.registered(0);
    role.learn(7);
    role.learn(2);
    assertEquals(7, role.switchGeneration(), "the switch's generation only grows");
    assertEquals(new Request(Role.SLAVE, 7), role.follow(null, ME, false));
  }

  @Test
  void aFailedSlaveRequestIsAskedAgain() {
    role.registered(0);
    role.follow(theirs(3), ME, false);
    role.slaveAnswered(3, false);
    assertState(READY, -1);
    assertEquals(new Request(Role.SLAVE, 3), role.follow(theirs(3), ME, false));
  }

  @Test
  void ownRecordAsksMasterAndProgramsOnlyOnceConfirmed() {
    role.registered(0);
    assertEquals(new Request(Role.MASTER, 5), role.follow(mine(5), ME, false));
    assertState(MASTER_ASKED, 5);
    assertFalse(role.isMaster());
    assertNull(role.follow(mine(5), ME, false), "asked already");
    assertTrue(effects.isEmpty());
    assertEquals(MasterOutcome.CONFIRMED, role.masterAnswered(5, Role.MASTER, true));
    assertState(MASTER, 5);
    assertTrue(role.isMaster());
    assertEquals(List.of("start 5"), effects);
    assertNull(role.follow(mine(5), ME, false), "confirmed already");
    assertEquals(5, role.verifyGeneration());
  }

  @Test
  void aMasterAnswerForAnOvertakenRecordStartsNothing() {
    role.registered(0);
    role.follow(mine(5), ME, false);
    assertEquals(MasterOutcome.OVERTAKEN, role.masterAnswered(5, Role.MASTER, false));
    assertState(READY, -1);
    assertTrue(effects.isEmpty());
  }

  @Test
  void aSwitchThatAnswersAnotherRoleLeavesItReady() {
    role.registered(0);
    role.follow(mine(5), ME, false);
    assertEquals(MasterOutcome.NOT_GRANTED, role.masterAnswered(5, Role.SLAVE, true));
    assertState(READY, -1);
    assertEquals(new Request(Role.MASTER, 5), role.follow(mine(5), ME, false), "asked again");
    role.masterFailed(5);
    assertState(READY, -1);
  }

  @Test
  void answersToRequestsTheMachineMovedOnFromAreIgnored() {
    role.registered(0);
    role.follow(mine(5), ME, false);
    assertEquals(new Request(Role.SLAVE, 6), role.follow(theirs(6), ME, false), "the record moved on");
    assertEquals(MasterOutcome.IGNORED, role.masterAnswered(5, Role.MASTER, true));
    assertState(SLAVE_ASKED, 6);
    role.slaveAnswered(5, true);
    assertState(SLAVE_ASKED, 6);
    role.masterFailed(5);
    assertState(SLAVE_ASKED, 6);
    assertTrue(effects.isEmpty());
  }

  @Test
  void aMasterWhoseRecordGoesToAnotherStopsProgrammingAndAsksSlave() {
    master(5);
    assertEquals(new Request(Role.SLAVE, 6), role.follow(theirs(6), ME, false));
    assertState(SLAVE_ASKED, 6);
    assertEquals(List.of("stop: the master is now 127.0.0.1:2 (generation 6)"), effects);
    assertEquals(-1, role.verifyGeneration());
  }

  @Test
  void aMasterWhoseOwnRecordMovesStopsUntilTheSwitchConfirmsTheNewGeneration() {
    master(5);
    assertEquals(new Request(Role.MASTER, 7), role.follow(mine(7), ME, false));
    assertState(MASTER_ASKED, 7);
    assertEquals(1, effects.size());
    role.masterAnswered(7, Role.MASTER, true);
    assertEquals("start 7", effects.get(1));
  }

  @Test
  void quietAssertsNothingButStillStepsDown() {
    role.registered(0);
    assertNull(role.follow(mine(5), ME, true));
    assertState(READY, -1);
    master(5);
    assertEquals(new Request(Role.SLAVE, 6), role.follow(theirs(6), ME, true));
    assertEquals(1, effects.size());
  }

  @Test
  void aRefusedMasterStopsAndHoldsOffThenReclaims() {
    master(5);
    assertTrue(role.refused(5, 1000, "demoted"), "the switch had confirmed us at 5");
    assertState(REFUSED, 5);
    assertEquals(List.of("stop: demoted"), effects);
    assertNull(role.follow(mine(5), ME, false), "holding off");
    assertFalse(role.holdExpired(mine(5), ME, false, 1000 + BridgeRole.REFUSED_HOLD_MS - 1));
    assertFalse(role.holdExpired(mine(5), ME, true, 1000 + BridgeRole.REFUSED_HOLD_MS), "not while quiet");
    assertFalse(role.holdExpired(theirs(5), ME, false, 1000 + BridgeRole.REFUSED_HOLD_MS));
    assertTrue(role.holdExpired(mine(5), ME, false, 1000 + BridgeRole.REFUSED_HOLD_MS));
    assertState(READY, -1);
    assertEquals(new Request(Role.MASTER, 6), role.follow(mine(6), ME, false), "after the claim");
  }

  @Test
  void aRefusedMemberFollowsANewerRecord() {
    master(5);
    role.refused(5, 0, "demoted");
    assertEquals(new Request(Role.SLAVE, 6), role.follow(theirs(6), ME, false));
    role.refused(6, 0, "x");
    assertEquals(new Request(Role.MASTER, 7), role.follow(mine(7), ME, false), "a new generation of its own");
  }

  @Test
  void aStaleRefusalOfAFreshClaimIsReclaimedAFewTimesOnly() {
    role.registered(0);
    for (int i = 0; i < BridgeRole.MAX_STALE_RECLAIMS; i++) {
      long gen = 10 + i;
      role.follow(mine(gen), ME, false);
      assertTrue(role.claimsMasterAt(gen));
      boolean held = role.refused(gen, 0, "stale");
      assertFalse(held, "never confirmed at " + gen);
      assertFalse(role.reclaimAfterStale(gen, held, false), "not when the record moved on");
      assertTrue(role.reclaimAfterStale(gen, held, true));
      assertState(READY, -1);
    }
    role.follow(mine(20), ME, false);
    role.refused(20, 0, "stale");
    assertFalse(role.reclaimAfterStale(20, false, true), "too many reclaims in a row");
    assertState(REFUSED, 20);
    assertTrue(effects.isEmpty());
  }

  @Test
  void aConfirmationResetsTheReclaimCountAndAHeldGenerationIsNeverReclaimed() {
    role.registered(0);
    role.follow(mine(10), ME, false);
    role.refused(10, 0, "stale");
    assertTrue(role.reclaimAfterStale(10, false, true));
    role.follow(mine(11), ME, false);
    role.masterAnswered(11, Role.MASTER, true);
    boolean held = role.refused(11, 0, "stale");
    assertTrue(held);
    assertFalse(role.reclaimAfterStale(11, held, true), "a newer master exists");
  }

  @Test
  void verificationAndDemotionConcernOnlyTheCurrentMasterGeneration() {
    role.registered(0);
    assertEquals(-1, role.verifyGeneration());
    master(5);
    assertTrue(role.masterAt(5));
    assertFalse(role.masterAt(4));
    assertTrue(role.claimsMasterAt(5));
  }

  @Test
  void aMergeForgivesRefusals() {
    master(5);
    role.refused(5, 0, "demoted");
    role.forgiveRefusal();
    assertState(READY, -1);
    role.registered(99);
    assertState(READY, -1);
    assertEquals(99, role.registeredAt());
  }

  @Test
  void standingDownStopsProgrammingWithoutAsking() {
    master(5);
    role.stand("paused");
    assertState(READY, -1);
    assertEquals(List.of("stop: paused"), effects);
    role.stand("again");
    assertEquals(1, effects.size(), "only a master stops");
  }

  @Test
  void aDisconnectedBridgeIsGoneAndIgnoresEverything() {
    master(5);
    assertTrue(role.disconnected());
    assertState(GONE, -1);
    assertTrue(effects.isEmpty(), "nothing to undo on a closed connection");
    assertNull(role.follow(mine(6), ME, false));
    assertEquals(MasterOutcome.IGNORED, role.masterAnswered(5, Role.MASTER, true));
    assertFalse(role.ready());
    assertFalse(new BridgeRole(new NoLink(), null).disconnected());
  }

  /** A link the machine never uses: it decides, the caller talks. */
  private static final class NoLink implements MastershipLink {
    @Override
    public long dpid() {
      return 0xabL;
    }

    @Override
    public CompletableFuture<RoleAnswer> requestRole(Role role, long generation) {
      throw new AssertionError("the machine sent a request itself");
    }

    @Override
    public void program() {
      throw new AssertionError();
    }

    @Override
    public void unprogram() {
      throw new AssertionError();
    }
  }
}
