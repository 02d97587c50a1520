package io.switchboard.controller.flow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One switch's entries that two apps want at the same (table, priority, match), kept current by its
 * {@link FlowProgrammer} as keys are merged; each conflict is logged once, when it first appears.
 */
final class ConflictTracker {
  /** The programmer's category: its log is where an operator looks for what one switch's table holds. */
  private static final Logger log = LoggerFactory.getLogger(FlowProgrammer.class);
  /**
   * Conflicts already logged, so that one that comes and goes (a reactive app's entry) is logged once: the most
   * recent {@value #LOGGED_CONFLICTS} on the worker's thread only.
   */
  private static final int LOGGED_CONFLICTS = 4096;

  private final String dpidText;
  /** Keys two apps want, by key; read from any thread (REST), written on the switch's worker. */
  private final Map<FlowKey, FlowConflict> conflicts = new ConcurrentHashMap<>();
  private final Map<FlowConflict, Boolean> logged = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<FlowConflict, Boolean> eldest) {
      return size() > LOGGED_CONFLICTS;
    }
  };

  ConflictTracker(String dpidText) {
    this.dpidText = dpidText;
  }

  /** The conflicts now; the first app registered wins each. */
  List<FlowConflict> list() {
    return List.copyOf(conflicts.values());
  }

  /** What the apps want at one key now. */
  void note(FlowKey k, List<DesiredFlow> wanted) {
    if (wanted.size() < 2 && conflicts.isEmpty()) {
      return; // the usual case, without a lookup per key
    }
    Optional<FlowConflict> c = wanted.size() < 2 ? Optional.empty() : FlowConflict.among(k, wanted);
    if (c.isEmpty()) {
      conflicts.remove(k);
      return;
    }
    conflicts.put(k, c.get());
    if (logged.put(c.get(), Boolean.TRUE) == null) {
      log.warn("switch {}: {}", dpidText, c.get().describe());
    }
  }
}
