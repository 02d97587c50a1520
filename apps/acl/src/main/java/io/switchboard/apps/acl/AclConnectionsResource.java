package io.switchboard.apps.acl;

import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.RestResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/acl/connections}: answers 501 with the reason. The connections that allow-related rules
 * committed live in the switch's datapath connection table, and OpenFlow has no message that reads it: not in
 * 1.3-1.5, and not among Nicira's extensions (OVS offers it only locally, as {@code ovs-appctl dpctl/dump-conntrack}
 * on the switch's unixctl socket, and through no OpenFlow or OVSDB table). A controller that only speaks OpenFlow
 * to a switch cannot list them; see docs/apps/acl.md ("Seeing the connections").
 */
final class AclConnectionsResource implements RestResource {
  static final String REASON = "not available over OpenFlow: the connections live in the switch's datapath"
      + " connection table, which no OpenFlow message (1.3-1.5, Nicira extensions included) reads; on the switch's"
      + " host run 'ovs-appctl dpctl/dump-conntrack zone=ZONE' (the zones are in docs/apps/acl.md), and see the"
      + " allow-related rules' hits for the connections they admitted";

  @Override
  public String path() {
    return "acl/connections";
  }

  @Override
  public List<Map<String, Object>> list() {
    throw new ApiException(501, REASON);
  }

  @Override
  public Optional<Map<String, Object>> get(String name) {
    throw new ApiException(501, REASON);
  }
}
