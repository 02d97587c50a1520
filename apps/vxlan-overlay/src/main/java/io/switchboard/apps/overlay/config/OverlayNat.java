package io.switchboard.apps.overlay.config;

import io.switchboard.config.Errors;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.Result;
import io.switchboard.config.Values;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Parsing and validation of a router's NAT rules: one implementation for the config file's {@code routers[].nat}
 * and for {@code POST /api/v1/overlay/routers/{name}/nat}.
 */
public final class OverlayNat {

  static final List<String> KEYS = List.of("type", "logical-ip", "external-ip");
  static final String RULE_EXPECTED = "a NAT rule (a mapping with " + String.join(", ", KEYS) + ")";
  static final String LOGICAL_EXPECTED = "an address or subnet like 172.66.1.0/24";

  private OverlayNat() {}

  /**
   * Parses one rule from a JSON body and checks it against the router and the rules it already has.
   *
   * @return the rule, or errors whose paths are relative to the body ({@code external-ip})
   */
  public static Result<NatRule> parseRule(Map<String, ?> body, OverlayConfig overlay, OverlayRouter router,
      Collection<NatRule> existing) {
    Errors errors = new Errors(null);
    List<OverlayNetwork> networks = router.networks().stream().map(overlay::network).flatMap(Optional::stream)
        .toList();
    Optional<NatRule> r = parse(Node.fromJava(body), "", errors, router.name(), networks, router.external(),
        existing);
    r.ifPresent(rule -> overlay.endpoints().stream().filter(e -> router.external()
        .map(x -> x.network().equals(e.network())).orElse(false) && e.ip() == rule.externalIp()).findFirst()
        .ifPresent(e -> errors.add(0, "external-ip", "rule " + rule.key() + " -> " + rule.externalText()
            + ": external-ip " + rule.externalText() + " is endpoint " + e.name() + "'s address")));
    return errors.isEmpty() ? Result.ok(r.orElseThrow()) : Result.failed(errors.list());
  }

  static Optional<NatRule> parse(Node node, String path, Errors errors, String router, List<OverlayNetwork> networks,
      Optional<RouterExternal> external, Collection<NatRule> existing) {
    if (Node.isAbsent(node)) {
      errors.add(node == null ? 0 : node.line(), path, "expected " + RULE_EXPECTED + ", got nothing");
      return Optional.empty();
    }
    int before = errors.size();
    MapView m = MapView.of(node, path, errors, RULE_EXPECTED, KEYS);
    if (!m.isMapping()) {
      return Optional.empty();
    }
    Optional<NatRule.Type> type = m.required("type", "snat or dnat-and-snat", NatRule.Type::parse);
    Optional<Ipv4Prefix> logical = m.required("logical-ip", LOGICAL_EXPECTED, t -> {
      Ipv4Prefix p = Ipv4Prefix.parse(t);
      if (t.contains("/") && p.address() != Ipv4.parse(t.substring(0, t.indexOf('/')))) {
        throw Values.expected(LOGICAL_EXPECTED, t, "host bits are set; did you mean " + p + "?");
      }
      return p;
    });
    Optional<Integer> ext = m.required("external-ip", Ipv4.EXPECTED, Ipv4::parse);
    if (type.isEmpty() || logical.isEmpty() || ext.isEmpty()) {
      return Optional.empty();
    }
    NatRule rule = new NatRule(type.get(), logical.get(), ext.get());
    String name = rule.key() + " -> " + rule.externalText();
    if (rule.type() == NatRule.Type.DNAT_AND_SNAT && logical.get().length() != 32) {
      m.error("logical-ip", "rule " + name + ": a dnat-and-snat rule (floating IP) maps one address, got "
          + logical.get());
    }
    Ipv4Prefix lp = logical.get();
    boolean inside = networks.stream().anyMatch(n -> n.subnet().contains(lp.address())
        && lp.length() >= n.subnet().length());
    if (!inside) {
      m.error("logical-ip", "rule " + name + ": logical-ip " + rule.logicalText() + " is outside router " + router
          + "'s networks (" + networks.stream().map(n -> n.name() + " " + n.subnet())
          .collect(Collectors.joining(", ")) + ")");
    }
    if (external.isEmpty()) {
      m.error("external-ip", "rule " + name + ": router " + router
          + " has no external; NAT needs one (external: {network, ip, gateway, host})");
    } else {
      RouterExternal x = external.get();
      Ipv4Prefix subnet = x.subnet();
      int e = ext.get();
      if (!subnet.contains(e)) {
        m.error("external-ip", "rule " + name + ": external-ip " + rule.externalText()
            + " is outside the external network " + x.network() + " (" + subnet + ")");
      } else if (e == x.gateway()) {
        m.error("external-ip", "rule " + name + ": external-ip " + rule.externalText() + " is the upstream gateway");
      } else if (subnet.length() <= 30 && (e == subnet.address() || e == subnet.lastAddress())) {
        m.error("external-ip", "rule " + name + ": external-ip " + rule.externalText() + " is the "
            + (e == subnet.address() ? "network" : "broadcast") + " address of " + subnet);
      } else if (e == x.ip() && rule.type() == NatRule.Type.DNAT_AND_SNAT) {
        m.error("external-ip", "rule " + name + ": external-ip " + rule.externalText() + " is the router's own "
            + "address; a floating IP needs an address of its own");
      }
    }
    for (NatRule other : existing) {
      if (other.key().equals(rule.key())) {
        m.error("logical-ip", "rule " + name + ": router " + router + " already has a " + rule.type().text()
            + " rule for " + rule.logicalText() + " (-> " + other.externalText() + ")");
      } else if (other.externalIp() == rule.externalIp() && !other.logicalIp().equals(rule.logicalIp())) {
        m.error("external-ip", "rule " + name + ": external-ip " + rule.externalText() + " is already used by rule "
            + other.key() + " of router " + router + " for another logical-ip");
      }
    }
    return errors.size() == before ? Optional.of(rule) : Optional.empty();
  }
}
