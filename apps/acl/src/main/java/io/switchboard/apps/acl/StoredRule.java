package io.switchboard.apps.acl;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule added through REST, as kept in the shared "acl.rules" store: its definition as the REST API writes it
 * ({@link AclRule#toMap()}: plain strings, numbers and maps), which {@code AclRules.parseRule} reads back. The
 * definition, not the compiled flows, is what a cluster replicates.
 */
record StoredRule(String name, LinkedHashMap<String, Object> definition) implements Serializable {
  private static final long serialVersionUID = 1L;

  static StoredRule of(AclRule rule) {
    return new StoredRule(rule.name(), copy(rule.toMap()));
  }

  /** Any named definition (a security group's, in the "acl.groups" store). */
  static StoredRule ofMap(String name, Map<String, ?> definition) {
    return new StoredRule(name, copy(definition));
  }

  /** A deep copy into serializable collections. */
  private static LinkedHashMap<String, Object> copy(Map<String, ?> map) {
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, copyValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return copy((Map<String, ?>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(copyValue(x)));
      return out;
    }
    return v;
  }
}
