package io.switchboard.config;

/**
 * An IPv4 prefix such as 10.0.0.0/8. Host bits are cleared on construction, so
 * 10.1.2.3/8 is stored as 10.0.0.0/8; a bare address is a /32.
 */
public record Ipv4Prefix(int address, int length) {

  public static final String EXPECTED = "an IPv4 address or prefix like 10.0.0.0/8";

  public Ipv4Prefix {
    if (length < 0 || length > 32) {
      throw new IllegalArgumentException("prefix length must be 0-32: " + length);
    }
    address &= mask(length);
  }

  public static Ipv4Prefix host(int address) {
    return new Ipv4Prefix(address, 32);
  }

  public static Ipv4Prefix parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    int addr;
    try {
      addr = Ipv4.parse(slash < 0 ? t : t.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw Values.expected(EXPECTED, text);
    }
    if (slash < 0) {
      return new Ipv4Prefix(addr, 32);
    }
    String len = t.substring(slash + 1);
    if (!len.matches("\\d{1,2}") || Integer.parseInt(len) > 32) {
      throw Values.expected(EXPECTED, text, "prefix length must be 0-32");
    }
    return new Ipv4Prefix(addr, Integer.parseInt(len));
  }

  public static int mask(int length) {
    return length == 0 ? 0 : -1 << (32 - length);
  }

  public int mask() {
    return mask(length);
  }

  /** The last address of the prefix (the broadcast address of a subnet). */
  public int lastAddress() {
    return address | ~mask();
  }

  public boolean contains(int addr) {
    return (addr & mask()) == address;
  }

  public boolean overlaps(Ipv4Prefix other) {
    int m = mask(Math.min(length, other.length));
    return (address & m) == (other.address & m);
  }

  /** {@code 10.0.0.0/8}; always with the length. */
  @Override
  public String toString() {
    return Ipv4.format(address) + "/" + length;
  }
}
