package io.switchboard.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed document: YAML (with the line of every key and value) or a JSON body
 * already turned into maps and lists by Jackson (line 0). All parsing works on this tree,
 * so the config file and the REST API share one implementation.
 */
public sealed interface Node permits Node.Scalar, Node.Mapping, Node.Sequence {

  int line();

  /** A scalar as written; {@code text} is null for a YAML null (or a missing value). */
  record Scalar(String text, Kind kind, int line) implements Node {
    public boolean isNull() {
      return kind == Kind.NULL;
    }
  }

  enum Kind { STRING, NUMBER, BOOLEAN, NULL }

  record Entry(String key, int keyLine, Node value) {}

  /** Keys in document order. */
  record Mapping(Map<String, Entry> entries, int line) implements Node {
    public Mapping {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
  }

  record Sequence(List<Node> items, int line) implements Node {
    public Sequence {
      items = List.copyOf(items);
    }
  }

  static boolean isAbsent(Node node) {
    return node == null || (node instanceof Scalar s && s.isNull());
  }

  /** "a mapping", "a list", "nothing" or the quoted scalar, for "expected ..., got ..." messages. */
  static String describe(Node node) {
    if (isAbsent(node)) {
      return "nothing";
    }
    if (node instanceof Mapping) {
      return "a mapping";
    }
    if (node instanceof Sequence) {
      return "a list";
    }
    return Values.quote(((Scalar) node).text());
  }

  /** Converts what Jackson's ObjectMapper gives for JSON (maps, lists, strings, numbers, booleans, null). */
  static Node fromJava(Object value) {
    if (value == null) {
      return new Scalar(null, Kind.NULL, 0);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Entry> entries = new LinkedHashMap<>();
      map.forEach((k, v) -> {
        String key = String.valueOf(k);
        entries.put(key, new Entry(key, 0, fromJava(v)));
      });
      return new Mapping(entries, 0);
    }
    if (value instanceof Collection<?> c) {
      List<Node> items = new ArrayList<>();
      c.forEach(v -> items.add(fromJava(v)));
      return new Sequence(items, 0);
    }
    if (value instanceof Number) {
      return new Scalar(value.toString(), Kind.NUMBER, 0);
    }
    if (value instanceof Boolean) {
      return new Scalar(value.toString(), Kind.BOOLEAN, 0);
    }
    return new Scalar(value.toString(), Kind.STRING, 0);
  }
}
