package io.switchboard.apps.acl;

import io.switchboard.config.Result;
import io.switchboard.config.SwitchboardConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The security groups in force: the config file's, then those added through REST (the store {@value
 * AclApp#GROUP_STORE}), each parsed again against the running config. A stored group that no longer parses (its
 * remote group is gone) or that a config group took the name of is not in force: {@link #rejected}.
 */
record StoredGroups(List<SecurityGroups.Group> inForce, Map<String, String> rejected) {

  static StoredGroups of(SwitchboardConfig config, Map<String, StoredRule> stored) {
    List<SecurityGroups.Group> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (AclGroup g : AclSection.of(config).groups()) {
      out.add(new SecurityGroups.Group(g, RuleSource.CONFIG));
      names.add(g.name());
    }
    Set<String> known = new LinkedHashSet<>(names);
    known.addAll(stored.keySet());
    Map<String, String> rejected = new LinkedHashMap<>();
    for (StoredRule s : new TreeMap<>(stored).values()) {
      if (names.contains(s.name())) {
        rejected.put(s.name(), "not applied: the config file defines a group of that name");
        continue;
      }
      Result<AclGroup> parsed = AclGroups.parseGroup(s.definition(), known);
      if (!parsed.isOk()) {
        rejected.put(s.name(), "not applied: " + parsed.errorText());
        continue;
      }
      out.add(new SecurityGroups.Group(parsed.value(), RuleSource.API));
    }
    return new StoredGroups(List.copyOf(out), rejected);
  }

  static List<SecurityGroups.Group> inForce(SwitchboardConfig config, Map<String, StoredRule> stored) {
    return of(config, stored).inForce();
  }
}
