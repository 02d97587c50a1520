package io.switchboard.config;

import java.util.OptionalLong;

/**
 * Datapath ids as written by operators: 16 hex digits, with or without colons
 * ({@code 00:00:00:00:00:00:00:01}, {@code 0000000000000001}), or {@code 0x1}.
 */
public final class Dpid {

  private Dpid() {}

  /**
   * The dpid, or empty when the text is not written as one (then it is a bridge name). A scan of the characters,
   * no regular expression: bridge names are looked up on every flow computation.
   */
  public static OptionalLong parse(String text) {
    String t = text.trim();
    int n = t.length();
    if (n == 23) { // 00:00:00:00:00:00:00:01
      long v = 0;
      for (int i = 0; i < n; i++) {
        char c = t.charAt(i);
        if (i % 3 == 2) {
          if (c != ':') {
            return OptionalLong.empty();
          }
          continue;
        }
        int d = hexDigit(c);
        if (d < 0) {
          return OptionalLong.empty();
        }
        v = (v << 4) | d;
      }
      return OptionalLong.of(v);
    }
    if (n == 16) { // 0000000000000001
      return hex(t, 0);
    }
    if (n >= 3 && n <= 18 && t.charAt(0) == '0' && (t.charAt(1) == 'x' || t.charAt(1) == 'X')) { // 0x1
      return hex(t, 2);
    }
    return OptionalLong.empty();
  }

  /** The hex digits of {@code t} from {@code from} on (at most 16), or empty when one is not a hex digit. */
  private static OptionalLong hex(String t, int from) {
    long v = 0;
    for (int i = from; i < t.length(); i++) {
      int d = hexDigit(t.charAt(i));
      if (d < 0) {
        return OptionalLong.empty();
      }
      v = (v << 4) | d;
    }
    return OptionalLong.of(v);
  }

  /** 0-9, a-f, A-F (ASCII only), or -1. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** 00:00:00:00:00:00:00:01 */
  public static String format(long dpid) {
    return Values.colonHex(dpid, 8);
  }

  /**
   * A key that is equal for two texts exactly when {@link #sameBridge} holds: for a set or map of bridges, so
   * that a lookup is one hash instead of a comparison with each.
   */
  public static String bridgeKey(String text) {
    OptionalLong d = parse(text);
    return d.isPresent() ? "dpid " + Long.toHexString(d.getAsLong()) : "name " + text;
  }

  /** True when both texts name the same bridge: equal, or both dpids with the same value. */
  public static boolean sameBridge(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    OptionalLong da = parse(a);
    OptionalLong db = parse(b);
    return da.isPresent() && db.isPresent() && da.getAsLong() == db.getAsLong();
  }
}
