package io.switchboard.apps.acl;

import io.switchboard.config.AppSection;
import io.switchboard.config.ConfigError;
import io.switchboard.config.Errors;
import io.switchboard.config.KeyPath;
import io.switchboard.config.MapView;
import io.switchboard.config.Node;
import io.switchboard.config.SectionContext;
import io.switchboard.config.SwitchboardConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code acl:} section: the default action, the rules (priority-ordered) and the security groups. A rule may
 * name a bridge (declared under {@code bridges:} or by another section, such as an overlay host's) and an overlay
 * network, so this section is parsed after {@code overlay}.
 */
public final class AclSection implements AppSection<AclSettings> {
  public static final AclSection INSTANCE = new AclSection();
  static final List<String> KEYS = List.of("default", "rules", "groups");

  private AclSection() {}

  /** The running config's ACL settings. */
  public static AclSettings of(SwitchboardConfig config) {
    return config.section(INSTANCE);
  }

  @Override
  public String key() {
    return "acl";
  }

  @Override
  public AclSettings defaults() {
    return new AclSettings(AclAction.ALLOW, List.of());
  }

  @Override
  public List<String> after() {
    return List.of("overlay");
  }

  @Override
  public Optional<String> summary(AclSettings acl) {
    int n = acl.rules().size();
    return Optional.of(n + " acl rule" + (n == 1 ? "" : "s"));
  }

  @Override
  public AclSettings parse(Node node, String path, SectionContext ctx) {
    Errors errors = ctx.errors();
    MapView m = MapView.of(node, path, errors, "the acl settings (a mapping with " + String.join(", ", KEYS) + ")",
        KEYS);
    AclAction def = m.optional("default", AclAction.EXPECTED, AclAction::parse).orElse(defaults().defaultAction());
    List<AclRule> rules = new ArrayList<>();
    List<Node> items = m.list("rules", "a list of rules");
    Set<String> names = new HashSet<>();
    Set<String> namesOfBadRules = new HashSet<>();
    AclRules.RuleIndex accepted = new AclRules.RuleIndex();
    AclRules.KnownNames known = new AclRules.KnownNames(ctx.declared(SectionContext.BRIDGE),
        ctx.declared(SectionContext.NETWORK));
    for (int i = 0; i < items.size(); i++) {
      String itemPath = KeyPath.index(m.pathOf("rules"), i);
      Node item = items.get(i);
      Optional<AclRule> parsed = AclRules.parse(item, itemPath, errors, known);
      // a rule with other errors still claims its name: a duplicate is reported now, not after the first fix
      if (item instanceof Node.Mapping fm && fm.entries().get("name") != null
          && fm.entries().get("name").value() instanceof Node.Scalar n) {
        boolean dup = !names.add(n.text());
        if (dup && (parsed.isEmpty() || namesOfBadRules.contains(n.text()))) {
          errors.add(n.line(), KeyPath.key(itemPath, "name"), "a rule named '" + n.text() + "' already exists");
        }
        if (parsed.isEmpty()) {
          namesOfBadRules.add(n.text());
        }
      }
      parsed.ifPresent(rule -> {
        List<ConfigError> conflicts = accepted.conflicts(rule);
        Node.Mapping fields = (Node.Mapping) item;
        for (ConfigError c : conflicts) {
          Node.Entry at = fields.entries().get(c.path());
          errors.add(at == null ? item.line() : at.value().line(), KeyPath.key(itemPath, c.path()), c.message());
        }
        if (conflicts.isEmpty()) {
          rules.add(rule);
          accepted.add(rule);
        }
      });
    }
    return new AclSettings(def, rules, groups(m, errors));
  }

  /** acl.groups: every group's name first, so that a remote-group may name a group further down the list. */
  private static List<AclGroup> groups(MapView m, Errors errors) {
    List<Node> items = m.list("groups", "a list of security groups");
    Set<String> names = new HashSet<>();
    for (Node item : items) {
      if (item instanceof Node.Mapping fm && fm.entries().get("name") != null
          && fm.entries().get("name").value() instanceof Node.Scalar n) {
        names.add(n.text());
      }
    }
    List<AclGroup> groups = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String path = KeyPath.index(m.pathOf("groups"), i);
      Node item = items.get(i);
      AclGroups.parse(item, path, errors, names).ifPresent(g -> {
        if (!seen.add(g.name())) {
          Node.Entry at = ((Node.Mapping) item).entries().get("name");
          errors.add(at.value().line(), KeyPath.key(path, "name"), "a group named '" + g.name() + "' already exists");
        } else {
          groups.add(g);
        }
      });
    }
    return groups;
  }
}
