package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.NatRule;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A NAT rule added through the REST API, as kept in the shared store: the input as text, validated again by every
 * controller instance against its own config (a reload that removes the router's external leaves it without effect).
 */
public record RuntimeNatRule(String router, String type, String logicalIp, String externalIp) implements Serializable {
  private static final long serialVersionUID = 1L;

  public RuntimeNatRule {
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(logicalIp, "logicalIp");
    Objects.requireNonNull(externalIp, "externalIp");
  }

  static RuntimeNatRule of(String router, NatRule r) {
    return new RuntimeNatRule(router, r.type().text(), r.logicalText(), r.externalText());
  }

  /** The store's key: the router and the rule's name. */
  static String key(String router, String rule) {
    return router + "|" + rule;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("logical-ip", logicalIp);
    m.put("external-ip", externalIp);
    return m;
  }
}
