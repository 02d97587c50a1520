package io.switchboard.apps.acl;

import io.switchboard.config.PacketMatch;
import io.switchboard.config.Errors;
import io.switchboard.config.EthType;
import io.switchboard.config.KeyPath;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.Result;
import io.switchboard.config.Suggest;
import io.switchboard.config.Values;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parsing and validation of security groups ({@code acl.groups}) — one implementation for the config file and for
 * {@code /api/v1/acl/groups}. Members are endpoint names; whether such an endpoint exists is the acl app's
 * business at run time (endpoints come and go), so an unknown member is not an error here.
 */
public final class AclGroups {
  public static final int DEFAULT_PRIORITY = 1000;
  static final List<String> KEYS = List.of("name", "members", "rules");
  static final List<String> RULE_KEYS = List.of("direction", "priority", "remote-group", "match", "action");
  static final String GROUP_EXPECTED = "a security group (a mapping with " + String.join(", ", KEYS) + ")";
  static final String RULE_EXPECTED = "a group rule (a mapping with " + String.join(", ", RULE_KEYS) + ")";
  static final String DIRECTION_EXPECTED = "ingress or egress";

  private AclGroups() {}

  /**
   * One group from a JSON body.
   *
   * @param knownGroups the names a {@code remote-group} may use (the group's own name is always allowed)
   */
  public static Result<AclGroup> parseGroup(Map<String, ?> body, Set<String> knownGroups) {
    Errors errors = new Errors(null);
    Optional<AclGroup> g = parse(Node.fromJava(body), "", errors, knownGroups);
    return errors.isEmpty() ? Result.ok(g.orElseThrow()) : Result.failed(errors.list());
  }

  static Optional<AclGroup> parse(Node node, String path, Errors errors, Set<String> knownGroups) {
    if (Node.isAbsent(node)) {
      errors.add(node == null ? 0 : node.line(), path, "expected " + GROUP_EXPECTED + ", got nothing");
      return Optional.empty();
    }
    int before = errors.size();
    MapView m = MapView.of(node, path, errors, GROUP_EXPECTED, KEYS);
    if (!m.isMapping()) {
      return Optional.empty();
    }
    Optional<String> name = m.required("name", Values.NAME, Values::name);
    List<String> members = m.scalars("members", "a list of endpoint names", Values.NAME, Values::name);
    Set<String> unique = new LinkedHashSet<>();
    for (String member : members) {
      if (!unique.add(member)) {
        m.error("members", "endpoint '" + member + "' is listed twice");
      }
    }
    Set<String> groups = new TreeSet<>(knownGroups);
    name.ifPresent(groups::add);
    List<AclGroup.Rule> rules = new ArrayList<>();
    List<Node> items = m.list("rules", "a list of group rules");
    for (int i = 0; i < items.size(); i++) {
      rule(items.get(i), KeyPath.index(m.pathOf("rules"), i), errors, groups).ifPresent(rules::add);
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new AclGroup(name.orElseThrow(), List.copyOf(unique), rules));
  }

  private static Optional<AclGroup.Rule> rule(Node node, String path, Errors errors, Set<String> groups) {
    if (Node.isAbsent(node)) {
      errors.add(node == null ? 0 : node.line(), path, "expected " + RULE_EXPECTED + ", got nothing");
      return Optional.empty();
    }
    int before = errors.size();
    MapView m = MapView.of(node, path, errors, RULE_EXPECTED, RULE_KEYS);
    if (!m.isMapping()) {
      return Optional.empty();
    }
    Optional<AclGroup.Direction> direction = m.required("direction", DIRECTION_EXPECTED, AclGroups::direction);
    int priority = m.optional("priority", AclRules.PRIORITY_EXPECTED,
        t -> (int) Values.integer(t, AclRule.MIN_PRIORITY, AclRule.MAX_PRIORITY, AclRules.PRIORITY_EXPECTED))
        .orElse(DEFAULT_PRIORITY);
    Optional<String> remote = m.optional("remote-group", "a group name", Values::name);
    remote.ifPresent(g -> {
      if (!groups.contains(g)) {
        m.error("remote-group", "unknown group '" + g + "'" + Suggest.didYouMean(g, groups)
            + (groups.isEmpty() ? "" : " (groups: " + String.join(", ", groups) + ")"));
      }
    });
    PacketMatch match = PacketMatch.ANY;
    Node matchNode = m.node("match");
    if (matchNode != null) {
      match = AclRules.parseMatch(matchNode, m.pathOf("match"), errors).orElse(PacketMatch.ANY);
    }
    Optional<AclAction> action = m.required("action", AclAction.RULE_EXPECTED, AclAction::parseRuleAction);
    if (direction.isPresent()) {
      boolean ingress = direction.get() == AclGroup.Direction.INGRESS;
      String member = ingress ? PacketMatch.IPV4_DST : PacketMatch.IPV4_SRC;
      String other = ingress ? PacketMatch.IPV4_SRC : PacketMatch.IPV4_DST;
      if ((ingress ? match.ipv4Dst() : match.ipv4Src()).isPresent()) {
        m.error("match", member + ": an " + direction.get().text() + " rule's " + member
            + " is the group's members' addresses; leave it out");
      }
      if (remote.isPresent() && (ingress ? match.ipv4Src() : match.ipv4Dst()).isPresent()) {
        m.error("match", other + ": the remote group gives " + other + "; use remote-group or " + other
            + ", not both");
      }
    }
    if (match.ethType().isPresent() && match.ethType().getAsInt() != EthType.IPV4) {
      m.error("match", "eth-type: a group rule matches IPv4 addresses, but eth-type is "
          + EthType.format(match.ethType().getAsInt()));
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    match = match.toBuilder().ethType(EthType.IPV4).build();
    return Optional.of(new AclGroup.Rule(direction.orElseThrow(), priority, remote, match, action.orElseThrow()));
  }

  private static AclGroup.Direction direction(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "ingress" -> AclGroup.Direction.INGRESS;
      case "egress" -> AclGroup.Direction.EGRESS;
      default -> throw Values.expected(DIRECTION_EXPECTED, text);
    };
  }
}
