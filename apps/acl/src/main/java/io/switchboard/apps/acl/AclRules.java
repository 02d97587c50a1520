package io.switchboard.apps.acl;

import io.switchboard.config.ConfigError;
import io.switchboard.config.Dpid;
import io.switchboard.config.Errors;
import io.switchboard.config.EthType;
import io.switchboard.config.KeyPath;
import io.switchboard.config.LogicalTopology;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.PacketMatch;
import io.switchboard.config.Result;
import io.switchboard.config.Suggest;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Parsing and validation of ACL rules — one implementation for the config file and for
 * {@code POST /api/v1/acl/rules}.
 */
public final class AclRules {

  static final List<String> KEYS = List.of("name", "priority", "bridge", "network", "match", "action");
  static final String PRIORITY_EXPECTED = "a priority (1-65000, higher wins)";
  static final String RULE_EXPECTED = "an ACL rule (a mapping with " + String.join(", ", KEYS) + ")";

  private AclRules() {}

  /**
   * Parses one rule from a JSON body and checks its references.
   *
   * @param knownBridges  bridge names/dpids a rule may be scoped to
   * @param knownNetworks overlay network names a rule may be scoped to
   * @return the rule (match with prerequisites filled in), or errors whose paths are relative
   *         to the body ({@code priority}, {@code match.tcp-dst})
   */
  public static Result<AclRule> parseRule(Map<String, ?> body, Set<String> knownBridges, Set<String> knownNetworks) {
    Errors errors = new Errors(null);
    Optional<AclRule> rule = parse(Node.fromJava(body), "", errors, new KnownNames(knownBridges, knownNetworks));
    return errors.isEmpty() ? Result.ok(rule.orElseThrow()) : Result.failed(errors.list());
  }

  /**
   * {@link #parseRule(Map, SwitchboardConfig)} for many rules against one config: the config's bridges and
   * networks are prepared once, not for every rule.
   */
  public static Function<Map<String, ?>, Result<AclRule>> parser(SwitchboardConfig config) {
    KnownNames known = new KnownNames(knownBridges(config), knownNetworks(config.topology()));
    return body -> {
      Errors errors = new Errors(null);
      Optional<AclRule> rule = parse(Node.fromJava(body), "", errors, known);
      return errors.isEmpty() ? Result.ok(rule.orElseThrow()) : Result.failed(errors.list());
    };
  }

  /** {@link #parseRule(Map, Set, Set)} with the bridges and networks of {@code config}. */
  public static Result<AclRule> parseRule(Map<String, ?> body, SwitchboardConfig config) {
    return parseRule(body, knownBridges(config), knownNetworks(config.topology()));
  }

  /** The bridges under {@code bridges:} and the logical topology's hosts' bridges (the overlay's). */
  public static Set<String> knownBridges(SwitchboardConfig config) {
    Set<String> out = new LinkedHashSet<>();
    config.bridges().forEach(b -> out.add(b.bridge()));
    config.topology().hosts().forEach(h -> out.add(h.bridge()));
    return Collections.unmodifiableSet(out);
  }

  /** The logical topology's networks (the overlay's). */
  public static Set<String> knownNetworks(LogicalTopology topology) {
    Set<String> out = new LinkedHashSet<>();
    topology.networks().forEach(n -> out.add(n.name()));
    return Collections.unmodifiableSet(out);
  }

  /**
   * Why {@code rule} cannot join {@code existing}: a rule of the same name exists, or one with the
   * same priority, scope and match (a switch holds only one flow per priority and match).
   * Paths are relative to the rule ({@code name}, {@code priority}).
   */
  public static List<ConfigError> conflicts(AclRule rule, Collection<AclRule> existing) {
    List<ConfigError> out = new ArrayList<>();
    for (AclRule e : existing) {
      if (e.name().equals(rule.name())) {
        out.add(ConfigError.of("name", "a rule named '" + rule.name() + "' already exists"));
      } else if (e.priority() == rule.priority() && e.bridge().equals(rule.bridge())
          && e.network().equals(rule.network()) && e.match().equals(rule.match())) {
        out.add(ConfigError.of("priority", "rule '" + e.name() + "' has the same priority, scope and match;"
            + " a switch can hold only one of them"));
      }
    }
    return out;
  }

  /**
   * The bridges and networks rules may name, prepared once for many rules: a rule's check is one lookup and an
   * error's message lists a few names, whatever the number declared.
   */
  static final class KnownNames {
    final Set<String> bridges;
    final Set<String> bridgeKeys = new HashSet<>();
    final Set<String> sortedBridges;
    final Set<String> networks;
    final Set<String> sortedNetworks;

    KnownNames(Set<String> bridges, Set<String> networks) {
      this.bridges = bridges;
      bridges.forEach(b -> bridgeKeys.add(Dpid.bridgeKey(b)));
      this.sortedBridges = new TreeSet<>(bridges);
      this.networks = networks;
      this.sortedNetworks = new TreeSet<>(networks);
    }
  }

  /**
   * Accepted rules indexed for {@link #conflicts(AclRule)}: the same answers as
   * {@link #conflicts(AclRule, Collection)} over the rules added, in the order they were added, but one lookup
   * per rule instead of a scan of all (a config of 10,000 rules is checked in linear time).
   */
  public static final class RuleIndex {
    private record Slot(int priority, Optional<String> bridge, Optional<String> network, PacketMatch match) {}

    private record Numbered(AclRule rule, int number) {}

    private final Map<String, Numbered> byName = new HashMap<>();
    private final Map<Slot, Numbered> bySlot = new HashMap<>();
    private final RuleIndex base;
    private int count;

    public RuleIndex() {
      this.base = null;
    }

    /**
     * An index of {@code base}'s rules and those added here, leaving {@code base} as it is: e.g. the config's
     * rules indexed once, and the rules from the API on top for each rebuild.
     */
    public RuleIndex(RuleIndex base) {
      this.base = base;
      this.count = base.count;
    }

    public RuleIndex(Collection<AclRule> rules) {
      this.base = null;
      rules.forEach(this::add);
    }

    private static Slot slot(AclRule r) {
      return new Slot(r.priority(), r.bridge(), r.network(), r.match());
    }

    /** Adds a rule (the first of a name or slot stays the one reported). */
    public void add(AclRule rule) {
      Numbered n = new Numbered(rule, count++);
      Slot slot = slot(rule);
      if (base == null || base.byName(rule.name()) == null) {
        byName.putIfAbsent(rule.name(), n);
      }
      if (base == null || base.bySlot(slot) == null) {
        bySlot.putIfAbsent(slot, n);
      }
    }

    private Numbered byName(String name) {
      Numbered n = base == null ? null : base.byName(name);
      return n != null ? n : byName.get(name);
    }

    private Numbered bySlot(Slot slot) {
      Numbered n = base == null ? null : base.bySlot(slot);
      return n != null ? n : bySlot.get(slot);
    }

    public List<ConfigError> conflicts(AclRule rule) {
      Numbered sameName = byName(rule.name());
      Numbered sameSlot = bySlot(slot(rule));
      List<ConfigError> out = new ArrayList<>(2);
      ConfigError name = sameName == null ? null
          : ConfigError.of("name", "a rule named '" + rule.name() + "' already exists");
      ConfigError slot = sameSlot == null || sameSlot.rule().name().equals(rule.name()) ? null
          : ConfigError.of("priority", "rule '" + sameSlot.rule().name() + "' has the same priority, scope and"
              + " match; a switch can hold only one of them");
      if (name != null && slot != null && sameSlot.number() < sameName.number()) {
        out.add(slot);
        out.add(name);
      } else {
        if (name != null) {
          out.add(name);
        }
        if (slot != null) {
          out.add(slot);
        }
      }
      return out;
    }
  }

  static Optional<AclRule> parse(Node node, String path, Errors errors, KnownNames known) {
    if (Node.isAbsent(node)) {
      errors.add(node == null ? 0 : node.line(), path, "expected " + RULE_EXPECTED + ", got nothing");
      return Optional.empty();
    }
    int before = errors.size();
    MapView m = MapView.of(node, path, errors, RULE_EXPECTED, KEYS);
    if (!m.isMapping()) {
      return Optional.empty();
    }
    Optional<String> name = m.required("name", Values.NAME, Values::name);
    Optional<Integer> priority = m.required("priority", PRIORITY_EXPECTED,
        t -> (int) Values.integer(t, AclRule.MIN_PRIORITY, AclRule.MAX_PRIORITY, PRIORITY_EXPECTED));
    Optional<String> bridge = m.optional("bridge", "a bridge name or dpid", t -> Values.token(t, "a bridge name or dpid"));
    bridge.ifPresent(b -> {
      if (!known.bridgeKeys.contains(Dpid.bridgeKey(b))) {
        Set<String> sorted = known.sortedBridges;
        m.error("bridge", "unknown bridge '" + b + "'" + Suggest.didYouMean(b, sorted)
            + (sorted.isEmpty() ? "; no bridges are declared" : " (known: " + Suggest.listing(sorted) + ")")
            + "; declare it under 'bridges:' or as an overlay host's bridge");
      }
    });
    Optional<String> network = m.optional("network", "an overlay network name", Values::name);
    network.ifPresent(n -> {
      if (!known.networks.contains(n)) {
        Set<String> sorted = known.sortedNetworks;
        m.error("network", "unknown network '" + n + "'" + Suggest.didYouMean(n, sorted)
            + (sorted.isEmpty() ? "; no overlay networks are declared"
                : " (overlay networks: " + Suggest.listing(sorted) + ")"));
      }
    });
    PacketMatch match = PacketMatch.ANY;
    Node matchNode = m.node("match");
    if (matchNode != null) {
      match = parseMatch(matchNode, m.pathOf("match"), errors).orElse(PacketMatch.ANY);
    }
    Optional<AclAction> action = m.required("action", AclAction.RULE_EXPECTED, AclAction::parseRuleAction);
    if (action.isPresent() && action.get().stateful()) {
      // connection tracking needs IP: an allow-related rule without eth-type means IPv4, and a non-IP one is an error
      if (match.ethType().isEmpty()) {
        match = match.toBuilder().ethType(EthType.IPV4).build();
      } else if (match.ethType().getAsInt() != EthType.IPV4 && match.ethType().getAsInt() != EthType.IPV6) {
        m.error("action", "allow-related tracks IP connections, but the rule matches eth-type "
            + EthType.format(match.ethType().getAsInt()) + "; use allow for non-IP traffic");
      }
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new AclRule(name.orElseThrow(), priority.orElseThrow(), bridge, network, match,
        action.orElseThrow()));
  }

  /** Parses a rule's match and completes its prerequisites; contradictions are reported on their field. */
  static Optional<PacketMatch> parseMatch(Node node, String path, Errors errors) {
    Optional<PacketMatch> parsed = PacketMatch.parse(node, path, errors);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    Node.Mapping fields = (Node.Mapping) node;
    PacketMatch m = parsed.get();
    boolean ttl = m.ttl().isPresent();
    if (ttl) {
      errors.add(lineOf(fields, PacketMatch.TTL), KeyPath.key(path, PacketMatch.TTL),
          "an ACL rule cannot match ttl (OpenFlow 1.3 has no TTL match); ttl is for trace packets");
    }
    Result<PacketMatch> full = m.withPrerequisites();
    for (ConfigError e : full.errors()) {
      errors.add(lineOf(fields, e.path()), KeyPath.key(path, e.path()), e.message());
    }
    return ttl ? Optional.empty() : full.toOptional();
  }

  private static int lineOf(Node.Mapping fields, String key) {
    Node.Entry e = fields.entries().get(key);
    return e == null ? fields.line() : e.value().line();
  }
}
