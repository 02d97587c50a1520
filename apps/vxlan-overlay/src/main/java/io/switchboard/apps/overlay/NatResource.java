package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.NatRule;
import io.switchboard.controller.spi.RestResource;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/overlay/routers/{router}/nat}: a router's NAT rules in force (from the config file or REST); POST
 * adds one, validated like the config file's; {@code DELETE .../nat/{rule}} removes one added that way, the rule
 * named by its type and logical IP ({@code dnat-and-snat:172.66.1.103}). A change touches only that rule's entries.
 */
final class NatResource implements RestResource {
  static final String ROUTER = "router";
  private final VxlanOverlayApp app;

  NatResource(VxlanOverlayApp app) {
    this.app = app;
  }

  @Override
  public String path() {
    return "overlay/routers/:" + ROUTER + "/nat";
  }

  @Override
  public List<Map<String, Object>> list() {
    throw new io.switchboard.controller.spi.ApiException(400, "name the router: overlay/routers/{name}/nat");
  }

  @Override
  public List<Map<String, Object>> list(Map<String, String> params) {
    return app.externals().list(app.overlayConfig(), app.external(), params.get(ROUTER));
  }

  @Override
  public java.util.Optional<Map<String, Object>> get(Map<String, String> params, String name) {
    return list(params).stream().filter(m -> name.equals(m.get("name"))).findFirst();
  }

  @Override
  public Map<String, Object> create(Map<String, String> params, Map<String, Object> body) {
    NatRule r = app.addNatRule(params.get(ROUTER), body);
    return r.toMap();
  }

  @Override
  public boolean delete(Map<String, String> params, String name) {
    return app.removeNatRule(params.get(ROUTER), name);
  }
}
