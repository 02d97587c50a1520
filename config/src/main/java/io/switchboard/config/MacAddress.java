package io.switchboard.config;

/** A 48-bit Ethernet address held in the low bits of a {@code long}. */
public record MacAddress(long value) {

  public static final String EXPECTED = "a MAC address like 02:00:00:00:01:02";
  public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

  public MacAddress {
    if ((value & ~0xffff_ffff_ffffL) != 0) {
      throw new IllegalArgumentException("not a 48-bit value: " + Long.toHexString(value));
    }
  }

  /** Six groups of one or two hex digits separated by ':' (or '-'). */
  public static MacAddress parse(String text) {
    String[] parts = text.trim().split("[:-]", -1);
    if (parts.length != 6) {
      throw Values.expected(EXPECTED, text);
    }
    long v = 0;
    for (String p : parts) {
      if (!p.matches("[0-9A-Fa-f]{1,2}")) {
        throw Values.expected(EXPECTED, text);
      }
      v = (v << 8) | Integer.parseInt(p, 16);
    }
    return new MacAddress(v);
  }

  public boolean isMulticast() {
    return ((value >>> 40) & 1) == 1;
  }

  public boolean isBroadcast() {
    return value == BROADCAST.value;
  }

  public boolean isZero() {
    return value == 0;
  }

  /** Lower-case, colon-separated: 02:00:00:00:01:02. */
  @Override
  public String toString() {
    return Values.colonHex(value, 6);
  }
}
