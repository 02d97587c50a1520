package io.switchboard.config;

/** Builds key paths such as {@code acl.rules[1].match.tcp-dst}. */
public final class KeyPath {

  private KeyPath() {}

  public static String key(String parent, String key) {
    boolean plain = !key.isEmpty() && key.chars().noneMatch(c -> c == '.' || c == '[' || c == ']'
        || c == '"' || Character.isWhitespace(c));
    if (!plain) {
      return parent + "[" + Values.quote(key) + "]";
    }
    return parent.isEmpty() ? key : parent + "." + key;
  }

  public static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
