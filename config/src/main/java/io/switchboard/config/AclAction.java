package io.switchboard.config;

import java.util.Locale;

/** What an ACL rule (or the ACL default) does with a packet. Written in lower case: allow, drop. */
public enum AclAction {
  ALLOW,
  DROP;

  public static final String EXPECTED = "allow or drop";

  public static AclAction parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "allow" -> ALLOW;
      case "drop" -> DROP;
      default -> throw Values.expected(EXPECTED, text);
    };
  }

  /** "allow" or "drop". */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
