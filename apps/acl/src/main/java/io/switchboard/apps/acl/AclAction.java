package io.switchboard.apps.acl;

import io.switchboard.config.Values;
import java.util.Locale;

/**
 * What an ACL rule (or the ACL default) does with a packet. Written in lower case: allow, drop, allow-related.
 * {@code allow-related} (rules only, not the default) allows the packet and commits its connection to the switch's
 * connection tracker, so that replies and related packets pass whatever later rules say.
 */
public enum AclAction {
  ALLOW,
  DROP,
  ALLOW_RELATED;

  /** What {@code acl.default} accepts. */
  public static final String EXPECTED = "allow or drop";
  /** What a rule's {@code action} accepts. */
  public static final String RULE_EXPECTED = "allow, drop or allow-related";

  /** The default action: allow or drop. */
  public static AclAction parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "allow" -> ALLOW;
      case "drop" -> DROP;
      default -> throw Values.expected(EXPECTED, text);
    };
  }

  /** A rule's action: allow, drop or allow-related. */
  public static AclAction parseRuleAction(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals("allow-related") ? ALLOW_RELATED : switch (t) {
      case "allow" -> ALLOW;
      case "drop" -> DROP;
      default -> throw Values.expected(RULE_EXPECTED, text);
    };
  }

  /** Whether the packet goes on (allow, allow-related). */
  public boolean allows() {
    return this != DROP;
  }

  /** Whether the rule needs connection tracking. */
  public boolean stateful() {
    return this == ALLOW_RELATED;
  }

  /** "allow", "drop" or "allow-related". */
  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
