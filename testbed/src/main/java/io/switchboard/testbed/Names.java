package io.switchboard.testbed;

import java.util.regex.Pattern;

/** Validation of the names and addresses callers hand in. */
final class Names {
  static final int IFNAMSIZ = 15;
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,7}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
  private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}");
  private static final Pattern IP = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");

  private Names() {}

  static void checkPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("testbed prefix must match " + PREFIX
          + " (short, no '-', so that PREFIX-* names only this testbed): " + prefix);
    }
  }

  static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches() || name.length() > IFNAMSIZ) {
      throw new IllegalArgumentException(what + " name must match " + NAME + " and be at most "
          + IFNAMSIZ + " characters: " + name);
    }
  }

  static void checkInterface(String ifname) {
    checkName("interface", ifname);
  }

  static void checkMac(String mac) {
    if (mac == null || !MAC.matcher(mac).matches()) {
      throw new IllegalArgumentException("not a MAC address: " + mac);
    }
  }

  static void checkCidr(String cidr) {
    if (cidr == null || !CIDR.matcher(cidr).matches()) {
      throw new IllegalArgumentException("expected IPv4 address/prefix length, e.g. 10.0.0.1/24: " + cidr);
    }
  }

  static void checkIp(String ip) {
    if (ip == null || !IP.matcher(ip).matches()) {
      throw new IllegalArgumentException("expected an IPv4 address: " + ip);
    }
  }
}
