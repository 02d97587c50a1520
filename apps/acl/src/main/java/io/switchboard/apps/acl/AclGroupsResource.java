package io.switchboard.apps.acl;

import io.switchboard.config.Result;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.RestResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/acl/groups}: security groups. POST adds a group, PUT {@code /acl/groups/{name}} replaces one added
 * through the API (e.g. with one more member: only that member's entries are added on the switches), DELETE removes
 * one. Config groups are changed in the config file (PUT and DELETE answer 409).
 */
final class AclGroupsResource implements RestResource {
  private final AclApp app;

  AclGroupsResource(AclApp app) {
    this.app = app;
  }

  @Override
  public String path() {
    return "acl/groups";
  }

  @Override
  public List<Map<String, Object>> list() {
    SecurityGroups g = app.book().groups();
    List<Map<String, Object>> out = new ArrayList<>();
    g.groups().forEach(x -> out.add(describe(g, x)));
    Map<String, StoredRule> stored = app.groupStore().snapshot();
    g.rejected().forEach((name, why) -> out.add(rejected(stored.get(name), why)));
    return out;
  }

  @Override
  public Optional<Map<String, Object>> get(String name) {
    SecurityGroups g = app.book().groups();
    Optional<SecurityGroups.Group> group = g.group(name);
    if (group.isPresent()) {
      return Optional.of(describe(g, group.get()));
    }
    String why = g.rejected().get(name);
    StoredRule s = app.groupStore().get(name);
    return why == null || s == null ? Optional.empty() : Optional.of(rejected(s, why));
  }

  @Override
  public Map<String, Object> create(Map<String, Object> body) {
    AclGroup group = parse(body);
    String label = "group '" + group.name() + "': ";
    checkLimit(group);
    synchronized (app) {
      if (app.book().groups().group(group.name()).isPresent() || app.groupStore().get(group.name()) != null) {
        throw new ApiException(409, label + "a group of that name already exists; replace it with PUT"
            + " /api/v1/acl/groups/" + group.name() + " or choose another name");
      }
      if (app.groupStore().putIfAbsent(group.name(), StoredRule.ofMap(group.name(), group.toMap())) != null) {
        throw new ApiException(409, label + "a group of that name was just added");
      }
    }
    app.groupsChanged();
    return get(group.name()).orElseThrow(() -> new ApiException(409, label + "the group was removed again meanwhile"));
  }

  @Override
  public boolean replaceable() {
    return true;
  }

  @Override
  public Map<String, Object> replace(String name, Map<String, Object> body) {
    if (body.get("name") != null && !name.equals(body.get("name"))) {
      throw new ApiException(400, "group '" + name + "': name: the body names '" + body.get("name")
          + "'; a group cannot be renamed (add the new one, delete the old)");
    }
    Map<String, Object> named = new LinkedHashMap<>(body);
    named.put("name", name);
    AclGroup group = parse(named);
    checkLimit(group);
    KeyValueStore<String, StoredRule> store = app.groupStore();
    synchronized (app) {
      Optional<SecurityGroups.Group> existing = app.book().groups().group(name);
      if (existing.isPresent() && existing.get().source() == RuleSource.CONFIG) {
        throw new ApiException(409, configGroup(name));
      }
      if (store.get(name) == null) {
        throw new ApiException(404, "no acl/groups item named '" + name + "'; add it with POST");
      }
      store.put(name, StoredRule.ofMap(name, group.toMap()));
    }
    app.groupsChanged();
    return get(name).orElseThrow(() -> new ApiException(409, "group '" + name + "' was removed meanwhile"));
  }

  @Override
  public boolean delete(String name) {
    if (app.groupStore().remove(name) != null) {
      app.groupsChanged();
      return true;
    }
    Optional<SecurityGroups.Group> g = app.book().groups().group(name);
    if (g.isPresent() && g.get().source() == RuleSource.CONFIG) {
      throw new ApiException(409, configGroup(name));
    }
    return false;
  }

  private String configGroup(String name) {
    return "group '" + name + "' is defined in the config file (" + app.book().configSource()
        + "); change it there and reload the config";
  }

  /** Refuses a write after which the groups would want more entries than a bridge may get from them. */
  private void checkLimit(AclGroup candidate) {
    List<SecurityGroups.Group> after = new ArrayList<>();
    for (SecurityGroups.Group g : app.book().groups().groups()) {
      if (!g.group().name().equals(candidate.name())) {
        after.add(g);
      }
    }
    after.add(new SecurityGroups.Group(candidate, RuleSource.API));
    SecurityGroups compiled = SecurityGroups.compile(after, app.endpoints(), SecurityGroups.MAX_ENTRIES);
    if (compiled.truncated()) {
      throw new ApiException(400, "group '" + candidate.name() + "': the security groups would want more than "
          + SecurityGroups.MAX_ENTRIES + " entries per bridge (members x remote-group members per rule); use"
          + " fewer members or rules");
    }
  }

  private AclGroup parse(Map<String, Object> body) {
    String label = body.get("name") instanceof String n ? "group '" + n + "': " : "group: ";
    Set<String> known = new LinkedHashSet<>();
    app.book().groups().groups().forEach(g -> known.add(g.group().name()));
    known.addAll(app.groupStore().snapshot().keySet());
    Result<AclGroup> parsed = AclGroups.parseGroup(body, known);
    if (!parsed.isOk()) {
      throw new ApiException(400, label + parsed.errorText());
    }
    return parsed.value();
  }

  private static Map<String, Object> describe(SecurityGroups groups, SecurityGroups.Group g) {
    Map<String, Object> m = new LinkedHashMap<>(g.group().toMap());
    m.put("source", g.source().text());
    m.put("applied", true);
    int entries = 0;
    for (ActiveRule r : groups.rules()) {
      if (r.name().startsWith(g.group().name() + ":rules[")) {
        entries += r.matches().size();
      }
    }
    m.put("entries-per-bridge", entries);
    m.put("warnings", groups.warnings().getOrDefault(g.group().name(), List.of()));
    return m;
  }

  private static Map<String, Object> rejected(StoredRule s, String why) {
    Map<String, Object> m = new LinkedHashMap<>(s == null ? Map.of() : s.definition());
    m.put("source", RuleSource.API.text());
    m.put("applied", false);
    m.put("warnings", List.of(why));
    return m;
  }
}
