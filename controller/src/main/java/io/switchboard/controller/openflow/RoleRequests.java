package io.switchboard.controller.openflow;

import io.switchboard.controller.openflow.SwitchSession.RoleReply;
import java.util.concurrent.CompletableFuture;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFNiciraControllerRole;
import org.projectfloodlight.openflow.protocol.OFNiciraControllerRoleReply;
import org.projectfloodlight.openflow.protocol.OFRoleReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U64;

/**
 * One connection's role at its switch: OFPT_ROLE_REQUEST with a generation id (OpenFlow 1.2+), or the Nicira role
 * request on OpenFlow 1.0, which has no generation id (no fencing) and no NOCHANGE (answered here with the last
 * known role). Remembers the role the switch last confirmed, for the API.
 */
final class RoleRequests {
  private final SwitchSession session;
  private final OFFactory factory;
  private volatile String role = "equal";

  RoleRequests(SwitchSession session, OFFactory factory) {
    this.session = session;
    this.factory = factory;
  }

  String role() {
    return role;
  }

  void role(String r) {
    role = r;
  }

  CompletableFuture<RoleReply> request(OFControllerRole wanted, long generationId) {
    if (factory.getVersion() == OFVersion.OF_10) {
      if (wanted == OFControllerRole.ROLE_NOCHANGE) {
        return CompletableFuture.completedFuture(new RoleReply(roleOf(role), -1));
      }
      OFNiciraControllerRole nx = wanted == OFControllerRole.ROLE_MASTER ? OFNiciraControllerRole.ROLE_MASTER
          : wanted == OFControllerRole.ROLE_SLAVE ? OFNiciraControllerRole.ROLE_SLAVE
          : OFNiciraControllerRole.ROLE_OTHER;
      return session.request(factory.buildNiciraControllerRoleRequest().setXid(session.nextXid()).setRole(nx)
          .build())
          .thenApply(parts -> {
            if (!(parts.get(0) instanceof OFNiciraControllerRoleReply r)) {
              throw new IllegalStateException("expected a role reply, got " + parts.get(0).getType());
            }
            OFControllerRole got = r.getRole() == OFNiciraControllerRole.ROLE_MASTER ? OFControllerRole.ROLE_MASTER
                : r.getRole() == OFNiciraControllerRole.ROLE_SLAVE ? OFControllerRole.ROLE_SLAVE
                : OFControllerRole.ROLE_EQUAL;
            return replied(new RoleReply(got, -1));
          });
    }
    return session.request(factory.buildRoleRequest().setXid(session.nextXid()).setRole(wanted)
        .setGenerationId(U64.of(generationId)).build())
        .thenApply(parts -> {
          if (!(parts.get(0) instanceof OFRoleReply r)) {
            throw new IllegalStateException("expected a role reply, got " + parts.get(0).getType());
          }
          return replied(new RoleReply(r.getRole(), r.getGenerationId().getValue()));
        });
  }

  private RoleReply replied(RoleReply r) {
    role = switch (r.role()) {
      case ROLE_MASTER -> "master";
      case ROLE_SLAVE -> "slave";
      default -> "equal";
    };
    return r;
  }

  private static OFControllerRole roleOf(String text) {
    return switch (text) {
      case "master" -> OFControllerRole.ROLE_MASTER;
      case "slave" -> OFControllerRole.ROLE_SLAVE;
      default -> OFControllerRole.ROLE_EQUAL;
    };
  }
}
