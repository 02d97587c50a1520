package io.switchboard.controller.core;

import io.switchboard.controller.openflow.OpenFlowErrorException;
import io.switchboard.controller.openflow.SwitchSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFRoleRequestFailedCode;
import org.projectfloodlight.openflow.protocol.errormsg.OFRoleRequestFailedErrorMsg;

/**
 * The controller's {@link MastershipLink} over one OpenFlow session: role requests become OFPT_ROLE_REQUEST (the
 * Nicira one on OpenFlow 1.0), programming goes through the {@link Controller}. One per connection.
 */
final class SessionLink implements MastershipLink {
  /** What programming a session means: the controller's part. */
  interface Programmer {
    /** Becomes the bridge's programmer; {@code first}: the first time for this connection. */
    void program(SwitchSession s, boolean first);

    void unprogram(SwitchSession s);
  }

  private final SwitchSession session;
  private final Programmer programmer;
  private volatile boolean programmedBefore;

  SessionLink(SwitchSession session, Programmer programmer) {
    this.session = session;
    this.programmer = programmer;
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

  static boolean isStale(Throwable err) {
    Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    return t instanceof OpenFlowErrorException e && e.error() instanceof OFRoleRequestFailedErrorMsg r
        && r.getCode() == OFRoleRequestFailedCode.STALE;
  }

  @Override
  public void program() {
    boolean first = !programmedBefore;
    programmedBefore = true;
    programmer.program(session, first);
  }

  @Override
  public void unprogram() {
    programmer.unprogram(session);
  }

  static OFControllerRole toOpenFlow(Role r) {
    return switch (r) {
      case MASTER -> OFControllerRole.ROLE_MASTER;
      case SLAVE -> OFControllerRole.ROLE_SLAVE;
      case EQUAL -> OFControllerRole.ROLE_EQUAL;
      case NOCHANGE -> OFControllerRole.ROLE_NOCHANGE;
    };
  }

  static Role fromOpenFlow(OFControllerRole r) {
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
