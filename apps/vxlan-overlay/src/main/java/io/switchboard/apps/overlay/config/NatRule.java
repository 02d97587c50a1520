package io.switchboard.apps.overlay.config;

import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.Values;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One NAT rule of a router (OVN's {@code lr-nat-add}).
 *
 * @param type       {@code snat}: connections from {@code logicalIp} (an address or a subnet) leave with
 *                   {@code externalIp}; {@code dnat-and-snat}: a floating IP, {@code externalIp} reaches the one
 *                   address {@code logicalIp} from outside, and its own connections leave with {@code externalIp}
 * @param logicalIp  inside one of the router's networks; a single address (/32) for {@code dnat-and-snat}
 * @param externalIp an address of the router's external network
 */
public record NatRule(Type type, Ipv4Prefix logicalIp, int externalIp) {

  public enum Type {
    SNAT("snat"), DNAT_AND_SNAT("dnat-and-snat");

    private final String text;

    Type(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    public static Type parse(String text) {
      for (Type t : values()) {
        if (t.text.equals(text)) {
          return t;
        }
      }
      throw Values.expected("snat or dnat-and-snat", text);
    }
  }

  public NatRule {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(logicalIp, "logicalIp");
  }

  /** The rule's name in REST paths and logs: {@code snat:172.66.1.0/24}, {@code dnat-and-snat:172.66.1.103}. */
  public String key() {
    return type.text + ":" + logicalText();
  }

  public String logicalText() {
    return logicalIp.length() == 32 ? Ipv4.format(logicalIp.address()) : logicalIp.toString();
  }

  public String externalText() {
    return Ipv4.format(externalIp);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", key());
    m.put("type", type.text);
    m.put("logical-ip", logicalText());
    m.put("external-ip", externalText());
    return Collections.unmodifiableMap(m);
  }
}
