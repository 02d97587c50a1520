package io.switchboard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads YAML with Jackson's streaming parser into a {@link Node} tree that remembers lines.
 * Duplicate keys and aliases are reported (the first value of a duplicate key is kept);
 * a syntax error is reported with its line and ends the read.
 */
final class YamlTree {

  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final Pattern MARK = Pattern.compile("line (\\d+), column \\d+");

  private YamlTree() {}

  /** The root node, or empty for an empty document or after a syntax error (reported). */
  static Optional<Node> read(String text, Errors errors) {
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return Optional.empty();
      }
      Node root = value(p, "", errors);
      if (p.nextToken() != null) {
        errors.add(line(p), "", "expected a single YAML document, found a second one ('---')");
      }
      return Optional.of(root);
    } catch (JacksonException e) {
      syntaxError(e, errors);
      return Optional.empty();
    } catch (IOException e) {
      errors.add(0, "", "cannot read YAML: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Node value(JsonParser p, String path, Errors errors) throws IOException {
    int line = line(p);
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        Map<String, Node.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = line(p);
          p.nextToken();
          String childPath = KeyPath.key(path, key);
          Node child = value(p, childPath, errors);
          Node.Entry first = entries.get(key);
          if (first != null) {
            errors.add(keyLine, childPath,
                "duplicate key '" + key + "' (first defined at line " + first.keyLine() + ")");
          } else {
            entries.put(key, new Node.Entry(key, keyLine, child));
          }
        }
        return new Node.Mapping(entries, line);
      }
      case START_ARRAY: {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(value(p, KeyPath.index(path, items.size()), errors));
        }
        return new Node.Sequence(items, line);
      }
      case VALUE_NULL:
        return new Node.Scalar(null, Node.Kind.NULL, line);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Node.Scalar(p.getText(), Node.Kind.BOOLEAN, line);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new Node.Scalar(p.getText(), Node.Kind.NUMBER, line);
      default:
        if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
          errors.add(line, path, "YAML aliases (*" + p.getText() + ") are not supported; write the value out");
        }
        return new Node.Scalar(p.getText(), Node.Kind.STRING, line);
    }
  }

  private static int line(JsonParser p) {
    return Math.max(0, p.currentTokenLocation().getLineNr());
  }

  /**
   * SnakeYAML messages hold a context, a problem and source excerpts with their marks;
   * keep the sentences and report the line of the last mark (the problem).
   */
  private static void syntaxError(JacksonException e, Errors errors) {
    String original = e.getOriginalMessage() == null ? e.getMessage() : e.getOriginalMessage();
    int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
    Matcher m = MARK.matcher(original);
    while (m.find()) {
      line = Integer.parseInt(m.group(1));
    }
    List<String> sentences = new ArrayList<>();
    for (String l : original.split("\n")) {
      String s = l.strip();
      if (s.isEmpty() || s.startsWith("in 'reader'") || s.equals("^") || l.startsWith("    ")) {
        continue;
      }
      sentences.add(s.replace("\\t(TAB)", "tab"));
    }
    errors.add(line, "", "YAML syntax error: " + String.join(": ", sentences));
  }
}
