package io.switchboard.controller.flow;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The apps a {@link FlowProgrammer} has entries of, each with the id its cookies carry ({@link Cookies}): so that an
 * entry read back from the switch is told to its app, and an app's cookie is made without hashing its name again
 * per entry. Used on the bridge's worker only.
 */
final class AppIds {
  private final Map<String, Integer> idsByName = new LinkedHashMap<>();
  private final Map<Integer, String> namesById = new HashMap<>();

  void register(String app) {
    if (!idsByName.containsKey(app)) {
      int id = Cookies.appId(app);
      idsByName.put(app, id);
      namesById.put(id, app);
    }
  }

  /** The app whose id a cookie carries, or null when no registered app's. */
  String appOf(long cookie) {
    return namesById.get(Cookies.appIdOf(cookie));
  }

  /** The cookie of a {@linkplain #register registered} app's entry with this tag. */
  long cookie(String app, long tag) {
    return Cookies.cookie(idsByName.get(app), tag);
  }

  /** The registered apps, in registration order. */
  Set<String> names() {
    return Collections.unmodifiableSet(idsByName.keySet());
  }
}
