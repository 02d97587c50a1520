package io.switchboard.config;

import java.util.OptionalLong;

/**
 * Datapath ids as written by operators: 16 hex digits, with or without colons
 * ({@code 00:00:00:00:00:00:00:01}, {@code 0000000000000001}), or {@code 0x1}.
 */
public final class Dpid {

  private static final java.util.regex.Pattern COLONS =
      java.util.regex.Pattern.compile("([0-9A-Fa-f]{2}:){7}[0-9A-Fa-f]{2}");
  private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[0-9A-Fa-f]{16}");
  private static final java.util.regex.Pattern PREFIXED = java.util.regex.Pattern.compile("0[xX][0-9A-Fa-f]{1,16}");

  private Dpid() {}

  /** The dpid, or empty when the text is not written as one (then it is a bridge name). */
  public static OptionalLong parse(String text) {
    String t = text.trim();
    String hex;
    if (COLONS.matcher(t).matches()) {
      hex = t.replace(":", "");
    } else if (PLAIN.matcher(t).matches()) {
      hex = t;
    } else if (PREFIXED.matcher(t).matches()) {
      hex = t.substring(2);
    } else {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseUnsignedLong(hex, 16));
  }

  /** 00:00:00:00:00:00:00:01 */
  public static String format(long dpid) {
    String hex = String.format("%016x", dpid);
    StringBuilder sb = new StringBuilder(23);
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(hex, i, i + 2);
    }
    return sb.toString();
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
