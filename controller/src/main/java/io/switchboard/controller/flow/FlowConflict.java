package io.switchboard.controller.flow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two or more apps want an entry at the same (table, priority, match), where a switch holds only one: the first app
 * registered wins ({@link #apps()} is in that order), and the others' entries are not installed there. Reported
 * (log, {@code GET /apps}, {@code plan}) so that it is never resolved silently.
 *
 * @param sameEntry true when every app wants exactly the same entry (only the cookie, the owner, differs)
 */
public record FlowConflict(FlowKey key, List<String> apps, boolean sameEntry) {
  public FlowConflict {
    apps = List.copyOf(apps);
    if (apps.size() < 2) {
      throw new IllegalArgumentException("a conflict needs two apps: " + apps);
    }
  }

  /** The app whose entry is installed. */
  public String winner() {
    return apps.get(0);
  }

  /**
   * The conflict among the wanted entries at one key, in precedence order, if two apps (besides the core's pipeline
   * defaults, which apps may not replace) want it.
   */
  public static java.util.Optional<FlowConflict> among(FlowKey key, Collection<DesiredFlow> wanted) {
    Map<String, DesiredFlow> byApp = new LinkedHashMap<>();
    for (DesiredFlow d : wanted) {
      if (!d.app().equals(Cookies.CORE)) {
        byApp.putIfAbsent(d.app(), d);
      }
    }
    if (byApp.size() < 2) {
      return java.util.Optional.empty();
    }
    List<DesiredFlow> ds = new ArrayList<>(byApp.values());
    boolean same = ds.stream().allMatch(d -> d.entry().equals(ds.get(0).entry()));
    return java.util.Optional.of(new FlowConflict(key, List.copyOf(byApp.keySet()), same));
  }

  /** One line for logs and the CLI. */
  public String describe() {
    return "apps " + String.join(", ", apps) + " all want an entry at table " + key.table() + " priority "
        + key.priority() + " match (" + key.match() + ")" + (sameEntry ? " (the same entry)" : "") + "; "
        + winner() + "'s is installed (registration order)";
  }
}
