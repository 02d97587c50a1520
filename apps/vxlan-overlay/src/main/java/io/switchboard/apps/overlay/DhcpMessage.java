package io.switchboard.apps.overlay;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DHCP message (RFC 2131 / 2132): the BOOTP header the server uses and the options, parsed strictly — a short
 * header, a wrong magic cookie, an option that runs past the end or a missing message type is a
 * {@link DhcpException}, never a partial message.
 */
record DhcpMessage(int op, int xid, int secs, int flags, int ciaddr, int yiaddr, int giaddr, long chaddr,
    Map<Integer, byte[]> options) {

  static final int BOOTREQUEST = 1;
  static final int BOOTREPLY = 2;
  static final int MAGIC_COOKIE = 0x6382_5363;
  static final int HEADER = 236;
  static final int FLAG_BROADCAST = 0x8000;

  // message types (option 53)
  static final int DISCOVER = 1;
  static final int OFFER = 2;
  static final int REQUEST = 3;
  static final int DECLINE = 4;
  static final int ACK = 5;
  static final int NAK = 6;
  static final int RELEASE = 7;
  static final int INFORM = 8;

  // options
  static final int OPT_PAD = 0;
  static final int OPT_SUBNET_MASK = 1;
  static final int OPT_ROUTER = 3;
  static final int OPT_DNS = 6;
  static final int OPT_HOSTNAME = 12;
  static final int OPT_DOMAIN = 15;
  static final int OPT_BROADCAST = 28;
  static final int OPT_MTU = 26;
  static final int OPT_REQUESTED_IP = 50;
  static final int OPT_LEASE_TIME = 51;
  static final int OPT_MESSAGE_TYPE = 53;
  static final int OPT_SERVER_ID = 54;
  static final int OPT_PARAMETER_LIST = 55;
  static final int OPT_MESSAGE = 56;
  static final int OPT_RENEWAL_TIME = 58;
  static final int OPT_REBINDING_TIME = 59;
  static final int OPT_CLIENT_ID = 61;
  static final int OPT_CLASSLESS_ROUTES = 121;
  static final int OPT_END = 255;

  DhcpMessage {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  static String typeName(int type) {
    return switch (type) {
      case DISCOVER -> "discover";
      case OFFER -> "offer";
      case REQUEST -> "request";
      case DECLINE -> "decline";
      case ACK -> "ack";
      case NAK -> "nak";
      case RELEASE -> "release";
      case INFORM -> "inform";
      default -> "unknown";
    };
  }

  /** Parses a BOOTP payload (the UDP data). */
  static DhcpMessage parse(byte[] b) throws DhcpException {
    if (b.length < HEADER + 4) {
      throw new DhcpException("truncated", b.length + " bytes, the BOOTP header alone is " + (HEADER + 4));
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    int op = b[0] & 0xff;
    int htype = b[1] & 0xff;
    int hlen = b[2] & 0xff;
    if (htype != 1 || hlen != 6) {
      throw new DhcpException("bad-hardware-address", "hardware type " + htype + " length " + hlen
          + ", expected Ethernet (1, 6)");
    }
    int xid = buf.getInt(4);
    int secs = buf.getShort(8) & 0xffff;
    int flags = buf.getShort(10) & 0xffff;
    int ciaddr = buf.getInt(12);
    int yiaddr = buf.getInt(16);
    int giaddr = buf.getInt(24);
    long chaddr = ((long) (buf.getShort(28) & 0xffff) << 32) | (buf.getInt(30) & 0xffff_ffffL);
    if (buf.getInt(HEADER) != MAGIC_COOKIE) {
      throw new DhcpException("bad-cookie", String.format("magic cookie 0x%08x, expected 0x63825363",
          buf.getInt(HEADER)));
    }
    Map<Integer, byte[]> options = new LinkedHashMap<>();
    int i = HEADER + 4;
    boolean ended = false;
    while (i < b.length) {
      int code = b[i] & 0xff;
      if (code == OPT_PAD) {
        i++;
        continue;
      }
      if (code == OPT_END) {
        ended = true;
        break;
      }
      if (i + 1 >= b.length || i + 2 + (b[i + 1] & 0xff) > b.length) {
        throw new DhcpException("options-past-end", "option " + code + " at byte " + i + " runs past the end ("
            + b.length + " bytes)");
      }
      int len = b[i + 1] & 0xff;
      byte[] value = new byte[len];
      System.arraycopy(b, i + 2, value, 0, len);
      options.merge(code, value, DhcpMessage::concat); // RFC 3396: repeated options are concatenated
      i += 2 + len;
    }
    if (!ended) {
      throw new DhcpException("options-past-end", "the options have no end option (255)");
    }
    byte[] type = options.get(OPT_MESSAGE_TYPE);
    if (type == null || type.length != 1) {
      throw new DhcpException("no-message-type", "no DHCP message type (option 53): plain BOOTP is not served");
    }
    return new DhcpMessage(op, xid, secs, flags, ciaddr, yiaddr, giaddr, chaddr, options);
  }

  int type() {
    return options.get(OPT_MESSAGE_TYPE)[0] & 0xff;
  }

  /** An option holding one IPv4 address (requested address, server id), or 0 when absent or malformed. */
  int address(int option) {
    byte[] v = options.get(option);
    return v == null || v.length != 4 ? 0 : ByteBuffer.wrap(v).getInt();
  }

  boolean has(int option) {
    return options.containsKey(option);
  }

  /** The client's host name (option 12), for the lease list; empty when it sent none. */
  String hostname() {
    byte[] v = options.get(OPT_HOSTNAME);
    if (v == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (byte c : v) {
      if (c >= 0x20 && c < 0x7f && sb.length() < 64) {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  /** Encodes a message: the header fields of this record, then the options in order, END, padded to 300 bytes. */
  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(320);
    ByteBuffer h = ByteBuffer.allocate(HEADER + 4);
    h.put((byte) op).put((byte) 1).put((byte) 6).put((byte) 0);
    h.putInt(xid).putShort((short) secs).putShort((short) flags);
    h.putInt(ciaddr).putInt(yiaddr).putInt(0).putInt(giaddr);
    h.putShort((short) (chaddr >>> 32)).putInt((int) chaddr);
    h.position(HEADER);
    h.putInt(MAGIC_COOKIE);
    out.writeBytes(h.array());
    options.forEach((code, value) -> {
      int off = 0;
      do { // an option longer than 255 bytes is split (RFC 3396)
        int len = Math.min(255, value.length - off);
        out.write(code);
        out.write(len);
        out.write(value, off, len);
        off += len;
      } while (off < value.length);
    });
    out.write(OPT_END);
    while (out.size() < 300) {
      out.write(OPT_PAD);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
