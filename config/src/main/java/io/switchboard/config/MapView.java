package io.switchboard.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A mapping with a known set of keys, read field by field. Unknown keys are reported
 * (with a suggestion) when the view is made; absent or null keys read as empty.
 */
public final class MapView {

  private final Node.Mapping map;
  private final Node node;
  private final String path;
  private final Errors errors;

  private MapView(Node.Mapping map, Node node, String path, Errors errors) {
    this.map = map;
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  /**
   * @param what    describes the expected mapping, e.g. "the openflow settings"
   * @param aliases other tools' names for known keys (normalized), for suggestions
   */
  public static MapView of(Node node, String path, Errors errors, String what, Collection<String> keys,
      Map<String, String> aliases) {
    if (Node.isAbsent(node)) {
      return new MapView(null, node, path, errors);
    }
    if (!(node instanceof Node.Mapping m)) {
      errors.add(node.line(), path, "expected " + what + ", got " + Node.describe(node));
      return new MapView(null, node, path, errors);
    }
    for (Node.Entry e : m.entries().values()) {
      if (!keys.contains(e.key())) {
        String hint = Suggest.didYouMean(e.key(), keys, aliases);
        errors.add(e.keyLine(), KeyPath.key(path, e.key()),
            "unknown key" + (hint.isEmpty() ? "; expected one of: " + String.join(", ", keys) : hint));
      }
    }
    return new MapView(m, node, path, errors);
  }

  public static MapView of(Node node, String path, Errors errors, String what, Collection<String> keys) {
    return of(node, path, errors, what, keys, Map.of());
  }

  /** False when the node was not a mapping (already reported) or absent. */
  public boolean isMapping() {
    return map != null;
  }

  public String path() {
    return path;
  }

  public int line() {
    return node == null ? 0 : node.line();
  }

  public Errors errors() {
    return errors;
  }

  /** Present with a non-null value. */
  public boolean has(String key) {
    return node(key) != null;
  }

  /** The value, or null when absent or null. */
  public Node node(String key) {
    if (map == null) {
      return null;
    }
    Node.Entry e = map.entries().get(key);
    return e == null || Node.isAbsent(e.value()) ? null : e.value();
  }

  /** The line of the key's value, else of the key, else of this mapping. */
  public int lineOf(String key) {
    if (map != null) {
      Node.Entry e = map.entries().get(key);
      if (e != null) {
        return e.value().line() > 0 ? e.value().line() : e.keyLine();
      }
    }
    return line();
  }

  public String pathOf(String key) {
    return KeyPath.key(path, key);
  }

  public void error(String key, String message) {
    errors.add(lineOf(key), pathOf(key), message);
  }

  public <T> Optional<T> optional(String key, String expected, Function<String, T> parser) {
    Node v = node(key);
    return v == null ? Optional.empty() : scalar(v, pathOf(key), errors, expected, parser);
  }

  /** Reports "missing" when the key is absent or null. */
  public <T> Optional<T> required(String key, String expected, Function<String, T> parser) {
    if (map == null) {
      return Optional.empty();
    }
    if (!has(key)) {
      error(key, "missing; expected " + expected);
      return Optional.empty();
    }
    return optional(key, expected, parser);
  }

  public Optional<Boolean> bool(String key) {
    Node v = node(key);
    return v == null ? Optional.empty() : scalar(v, pathOf(key), errors, "true or false", Values::bool);
  }

  /** The items of a list; an absent or null key is an empty list; a non-list is reported. */
  public List<Node> list(String key, String expected) {
    Node v = node(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof Node.Sequence s) {
      return s.items();
    }
    error(key, "expected " + expected + ", got " + Node.describe(v));
    return List.of();
  }

  /** Parses every item of a list of scalars; bad items are reported and left out. */
  public <T> List<T> scalars(String key, String listExpected, String itemExpected, Function<String, T> parser) {
    List<T> out = new ArrayList<>();
    List<Node> items = list(key, listExpected);
    for (int i = 0; i < items.size(); i++) {
      scalar(items.get(i), KeyPath.index(pathOf(key), i), errors, itemExpected, parser).ifPresent(out::add);
    }
    return out;
  }

  /** Parses one scalar node; a mapping, list or null where a scalar is expected is reported. */
  public static <T> Optional<T> scalar(Node node, String path, Errors errors, String expected,
      Function<String, T> parser) {
    if (node instanceof Node.Scalar s && !s.isNull()) {
      try {
        return Optional.of(parser.apply(s.text()));
      } catch (IllegalArgumentException e) {
        errors.add(node.line(), path, e.getMessage());
        return Optional.empty();
      }
    }
    errors.add(node == null ? 0 : node.line(), path, "expected " + expected + ", got " + Node.describe(node));
    return Optional.empty();
  }
}
