package io.switchboard.cni;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The names of one attachment (a container id and an interface name), derived deterministically so that concurrent
 * ADDs never collide and DEL finds everything without state of its own: the endpoint {@code cni-<12 hex>} (also the
 * OVS interface's {@code external_ids:iface-id}) and the host end of the veth {@code sb<12 hex>} (14 characters,
 * inside Linux's 15).
 */
record Attachment(String containerId, String ifname, String endpoint, String hostVeth) {
  static final String ENDPOINT_PREFIX = "cni-";
  static final String VETH_PREFIX = "sb";

  static Attachment of(String containerId, String ifname) {
    String h = hash(containerId + "\0" + ifname);
    return new Attachment(containerId, ifname, ENDPOINT_PREFIX + h, VETH_PREFIX + h);
  }

  /** The host veth that goes with an endpoint name of this plugin's form, or null for any other name. */
  static String vethOf(String endpoint) {
    String h = endpoint.startsWith(ENDPOINT_PREFIX) ? endpoint.substring(ENDPOINT_PREFIX.length()) : "";
    return h.length() == 12 && h.chars().allMatch(c -> Character.digit(c, 16) >= 0 && !Character.isUpperCase(c))
        ? VETH_PREFIX + h : null;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        b.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
      }
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
