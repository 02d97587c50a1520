package io.switchboard.config;

/** Builds key paths such as {@code acl.rules[1].match.tcp-dst}. */
final class KeyPath {

  private KeyPath() {}

  static String key(String parent, String key) {
    boolean plain = !key.isEmpty() && key.chars().noneMatch(c -> c == '.' || c == '[' || c == ']'
        || c == '"' || Character.isWhitespace(c));
    if (!plain) {
      return parent + "[" + Values.quote(key) + "]";
    }
    return parent.isEmpty() ? key : parent + "." + key;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
