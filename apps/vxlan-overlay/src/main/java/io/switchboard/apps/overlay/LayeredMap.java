package io.switchboard.apps.overlay;

import java.util.HashMap;
import java.util.Map;

/**
 * An immutable map by name that is cheap to change one name at a time: a shared base map and the few names changed
 * since it was made, so that a change copies those few rather than every entry; once they are many
 * ({@link #limit}) they are folded into a new base. A topology snapshot keeps its endpoints, runtime inputs and
 * address assignments this way, so that one endpoint's change does not copy those of thousands.
 */
final class LayeredMap<V> {
  private final Map<String, V> base;
  /** Names changed since the base: the value now, or null when it is gone. */
  private final Map<String, V> changed;

  private LayeredMap(Map<String, V> base, Map<String, V> changed) {
    this.base = base;
    this.changed = changed;
  }

  /** A copy of {@code m} (no null values). */
  static <V> LayeredMap<V> of(Map<String, V> m) {
    return new LayeredMap<>(new HashMap<>(m), Map.of());
  }

  /** The value of {@code name}, or null. */
  V get(String name) {
    return changed.containsKey(name) ? changed.get(name) : base.get(name);
  }

  /** With {@code name} now {@code value} (null: gone). */
  LayeredMap<V> with(String name, V value) {
    if (value == null && get(name) == null) {
      return this;
    }
    Map<String, V> next = new HashMap<>(changed);
    next.put(name, value);
    if (next.size() <= limit(base.size())) {
      return new LayeredMap<>(base, next);
    }
    Map<String, V> folded = new HashMap<>(base);
    next.forEach((k, v) -> {
      if (v == null) {
        folded.remove(k);
      } else {
        folded.put(k, v);
      }
    });
    return new LayeredMap<>(folded, Map.of());
  }

  /** About the square root of the base: a change then costs about that many copies, folding included. */
  private static int limit(int base) {
    return Math.max(16, (int) Math.sqrt(base));
  }
}
