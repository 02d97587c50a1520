package io.switchboard.apps.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 48-bit cookie tag of a rule's flow entries: the first 48 bits of SHA-256 of the rule's name, so every
 * controller instance and every restart agree on it, and a flow on a switch can be traced back to its rule.
 */
final class RuleTags {
  /** The tag of the {@code acl.default: drop} entry. */
  static final long DEFAULT_TAG = 1;
  /** The tag of the conntrack entries (the ct pass, invalid, established, related) of stateful rules. */
  static final long CONNTRACK_TAG = 2;
  static final long MASK = 0xffff_ffff_ffffL;

  private RuleTags() {}

  static long of(String ruleName) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(ruleName.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    long tag = 0;
    for (int i = 0; i < 6; i++) {
      tag = (tag << 8) | (digest[i] & 0xff);
    }
    // 0 is "no tag", 1 the default entry, 2 the conntrack entries; a name hashing there gets a neighbour.
    return tag <= CONNTRACK_TAG ? tag + 3 : tag;
  }
}
