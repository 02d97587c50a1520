package io.switchboard.cluster;

import java.io.Serializable;

/**
 * One member's OpenFlow connection to one bridge: only connected members can master a bridge.
 *
 * @param dpid    the bridge
 * @param member  the member's uuid
 * @param address the member's cluster address (host:port)
 * @param since   when the connection came up (epoch ms)
 */
record LinkRecord(long dpid, String member, String address, long since) implements Serializable {
  static String key(long dpid, String member) {
    return Long.toHexString(dpid) + "@" + member;
  }

  /** The parts of a key made by {@link #key}. */
  record Key(long dpid, String member) {}

  static Key parse(String key) {
    int at = key.indexOf('@');
    return new Key(Long.parseUnsignedLong(key.substring(0, at), 16), key.substring(at + 1));
  }
}
