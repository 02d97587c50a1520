package io.switchboard.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scalar parsing shared by every section. Parsers throw {@link IllegalArgumentException} with a complete message. */
public final class Values {

  public static final String DURATION = "a duration with a unit (ms, s, m, h), e.g. 5s, 500ms, 2m or 1h";
  public static final String NAME = "a name (letters, digits, '.', '_', '-')";

  private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Values() {}

  private static final java.util.HexFormat COLON_HEX = java.util.HexFormat.ofDelimiter(":");

  /** The low {@code bytes} bytes of {@code value} as lower-case hex pairs joined by ':' (a MAC, a dpid). */
  static String colonHex(long value, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = bytes - 1; i >= 0; i--, value >>>= 8) {
      b[i] = (byte) value;
    }
    return COLON_HEX.formatHex(b);
  }

  /** {@code "text"}, shortened when long. */
  public static String quote(String text) {
    String t = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return '"' + t.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + '"';
  }

  public static IllegalArgumentException expected(String expected, String got) {
    return new IllegalArgumentException("expected " + expected + ", got " + quote(got));
  }

  public static IllegalArgumentException expected(String expected, String got, String why) {
    return new IllegalArgumentException("expected " + expected + ", got " + quote(got) + " (" + why + ")");
  }

  /** A decimal integer in [min, max]; {@code expected} describes it, e.g. "a VLAN id (1-4094)". */
  public static long integer(String text, long min, long max, String expected) {
    String t = text.trim();
    if (!t.matches("[+-]?\\d{1,19}")) {
      throw expected(expected, text);
    }
    long v;
    try {
      v = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw expected(expected, text);
    }
    if (v < min || v > max) {
      throw expected(expected, text, "out of range");
    }
    return v;
  }

  /** A decimal or 0x-hexadecimal unsigned integer no larger than {@code max} (unsigned compare). */
  public static long unsigned(String text, long max, String expected) {
    String t = text.trim();
    long v;
    try {
      if (t.matches("0[xX][0-9a-fA-F]{1,16}")) {
        v = Long.parseUnsignedLong(t.substring(2), 16);
      } else if (t.matches("\\d{1,20}")) {
        v = Long.parseUnsignedLong(t);
      } else {
        throw expected(expected, text);
      }
    } catch (NumberFormatException e) {
      throw expected(expected, text, "out of range");
    }
    if (Long.compareUnsigned(v, max) > 0) {
      throw expected(expected, text, "out of range");
    }
    return v;
  }

  public static Duration duration(String text) {
    String t = text.trim();
    if (t.matches("[+-]?\\d+(\\.\\d+)?")) {
      throw expected(DURATION, text, "a bare number has no unit");
    }
    if (t.isEmpty()) {
      throw expected(DURATION, text);
    }
    Matcher m = DURATION_PART.matcher(t);
    Duration d = Duration.ZERO;
    int pos = 0;
    while (pos < t.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw expected(DURATION, text);
      }
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      pos = m.end();
    }
    return d;
  }

  public static Duration duration(String text, Duration min, Duration max, boolean wholeSeconds) {
    Duration d = duration(text);
    String range = "between " + format(min) + " and " + format(max);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw expected(DURATION + ", " + range, text, "out of range");
    }
    if (wholeSeconds && d.toMillis() % 1000 != 0) {
      throw expected("a whole number of seconds, " + range, text);
    }
    return d;
  }

  /** 300s, 2m, 500ms, 1h, 90s: the shortest exact form. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  public static boolean bool(String text) {
    return switch (text.trim().toLowerCase()) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw expected("true or false", text);
    };
  }

  /** Names of rules, hosts, networks, routers and endpoints: they appear in REST paths. */
  public static String name(String text) {
    if (!NAME_PATTERN.matcher(text).matches()) {
      throw expected(NAME + ", at most 64 characters", text);
    }
    return text;
  }

  /** A port or bridge name (or a dpid): anything non-empty without whitespace. */
  public static String token(String text, String expected) {
    if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
      throw expected(expected, text);
    }
    return text;
  }
}
