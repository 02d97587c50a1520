package io.switchboard.cluster;

import io.switchboard.controller.core.Controller;
import io.switchboard.controller.openflow.OpenFlowErrorException;
import io.switchboard.controller.openflow.SwitchSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFRoleRequestFailedCode;
import org.projectfloodlight.openflow.protocol.errormsg.OFRoleRequestFailedErrorMsg;

/** A {@link BridgeLink} over a real OpenFlow connection, programmed through the core's {@link Controller}. */
final class SessionLink implements BridgeLink {
  private final SwitchSession session;
  private final Runnable becameMaster;
  private final Supplier<Controller> controller;
  private boolean programmedBefore;

  SessionLink(SwitchSession session, Runnable becameMaster, Supplier<Controller> controller) {
    this.session = session;
    this.becameMaster = becameMaster;
    this.controller = controller;
  }

  SwitchSession session() {
    return session;
  }

  @Override
  public long dpid() {
    return session.dpid();
  }

  @Override
  public CompletableFuture<RoleAnswer> requestRole(Role role, long generation) {
    CompletableFuture<RoleAnswer> answer = new CompletableFuture<>();
    session.requestRole(toOpenFlow(role), generation).whenComplete((reply, err) -> {
      if (err == null) {
        answer.complete(new RoleAnswer(fromOpenFlow(reply.role()), reply.generationId()));
      } else if (isStale(err)) {
        answer.completeExceptionally(new StaleGenerationException(generation));
      } else {
        answer.completeExceptionally(err);
      }
    });
    return answer;
  }

  private static boolean isStale(Throwable err) {
    Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    return t instanceof OpenFlowErrorException e && e.error() instanceof OFRoleRequestFailedErrorMsg r
        && r.getCode() == OFRoleRequestFailedCode.STALE;
  }

  /** Runs on the election thread only. */
  @Override
  public void program() {
    if (!programmedBefore) {
      programmedBefore = true;
      becameMaster.run();
    } else {
      controller().reprogram(session);
    }
  }

  @Override
  public void unprogram() {
    controller().unprogram(session);
  }

  private Controller controller() {
    Controller c = controller.get();
    if (c == null) {
      throw new IllegalStateException("the mastership is not attached to a controller (Controller.start does it)");
    }
    return c;
  }

  private static OFControllerRole toOpenFlow(Role r) {
    return switch (r) {
      case MASTER -> OFControllerRole.ROLE_MASTER;
      case SLAVE -> OFControllerRole.ROLE_SLAVE;
      case EQUAL -> OFControllerRole.ROLE_EQUAL;
      case NOCHANGE -> OFControllerRole.ROLE_NOCHANGE;
    };
  }

  private static Role fromOpenFlow(OFControllerRole r) {
    return switch (r) {
      case ROLE_MASTER -> Role.MASTER;
      case ROLE_SLAVE -> Role.SLAVE;
      case ROLE_NOCHANGE -> Role.NOCHANGE;
      default -> Role.EQUAL;
    };
  }

  @Override
  public String toString() {
    return session.toString();
  }
}
