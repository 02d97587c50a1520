package io.switchboard.controller.spi;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An immutable, normalized OpenFlow match: field -> (value, mask). Two matches that select the same packets
 * compare equal whatever order their fields were given in, which is what reconciliation keys on.
 */
public final class FlowMatch {
  public static final FlowMatch ALL = new FlowMatch(new EnumMap<>(Field.class));

  /** A field's value under a mask; {@code mask == field.fullMask()} means an exact match. */
  public record Masked(long value, long mask) {
    public boolean exact(Field f) {
      return mask == f.fullMask();
    }

    public boolean matches(long v) {
      return (v & mask) == (value & mask);
    }
  }

  private final EnumMap<Field, Masked> fields;
  private final int hash;

  private FlowMatch(EnumMap<Field, Masked> fields) {
    this.fields = fields;
    this.hash = hashOf(fields);
  }

  /**
   * A well-mixed hash: a switch may hold hundreds of thousands of entries that differ only in a MAC or two, and
   * EnumMap's own hash (a sum of XORs) makes such keys collide by the thousand.
   */
  private static int hashOf(EnumMap<Field, Masked> fields) {
    long h = 0x5bd1e995L;
    for (Map.Entry<Field, Masked> e : fields.entrySet()) {
      h = (h + e.getKey().ordinal()) * 0x9E3779B97F4A7C15L;
      h = (h ^ e.getValue().value()) * 0x9E3779B97F4A7C15L;
      h = (h ^ e.getValue().mask()) * 0x9E3779B97F4A7C15L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) h;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.fields.putAll(fields);
    return b;
  }

  public Map<Field, Masked> fields() {
    return Collections.unmodifiableMap(fields);
  }

  public Masked get(Field f) {
    return fields.get(f);
  }

  public boolean has(Field f) {
    return fields.containsKey(f);
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  /** Whether a packet with these field values (absent = unknown/0) is selected by this match. */
  public boolean matches(Map<Field, Long> packet) {
    for (Map.Entry<Field, Masked> e : fields.entrySet()) {
      Long v = packet.get(e.getKey());
      if (v == null || !e.getValue().matches(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowMatch m && m.hash == hash && m.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** ovs-ofctl-like text: {@code in_port=3,vlan_vid=0x1064,eth_dst=02:00:00:00:01:02}. */
  @Override
  public String toString() {
    if (fields.isEmpty()) {
      return "any";
    }
    return fields.entrySet().stream()
        .map(e -> e.getKey().ovsName() + "=" + Values.format(e.getKey(), e.getValue()))
        .collect(Collectors.joining(","));
  }

  public static final class Builder {
    private final EnumMap<Field, Masked> fields = new EnumMap<>(Field.class);

    public Builder exact(Field f, long value) {
      return masked(f, value, f.fullMask());
    }

    public Builder masked(Field f, long value, long mask) {
      Objects.requireNonNull(f);
      long m = mask & f.fullMask();
      if (m == 0) {
        fields.remove(f);
        return this;
      }
      fields.put(f, new Masked(value & m, m));
      return this;
    }

    public Builder remove(Field f) {
      fields.remove(f);
      return this;
    }

    public Builder inPort(long port) {
      return exact(Field.IN_PORT, port);
    }

    /** Frames tagged with this VLAN id. */
    public Builder vlan(int vid) {
      return exact(Field.VLAN_VID, vid | Field.VID_PRESENT);
    }

    /** Frames without an 802.1Q tag. */
    public Builder untagged() {
      return exact(Field.VLAN_VID, 0);
    }

    /** Frames with any 802.1Q tag. */
    public Builder anyVlanTag() {
      return masked(Field.VLAN_VID, Field.VID_PRESENT, Field.VID_PRESENT);
    }

    public Builder ethDst(long mac) {
      return exact(Field.ETH_DST, mac);
    }

    public Builder ethSrc(long mac) {
      return exact(Field.ETH_SRC, mac);
    }

    public Builder ethType(int type) {
      return exact(Field.ETH_TYPE, type);
    }

    public Builder metadata(long value) {
      return exact(Field.METADATA, value);
    }

    public Builder ipv4Dst(int addr, int prefixLen) {
      return masked(Field.IPV4_DST, addr & 0xffffffffL, prefixMask(prefixLen));
    }

    public Builder ipv4Src(int addr, int prefixLen) {
      return masked(Field.IPV4_SRC, addr & 0xffffffffL, prefixMask(prefixLen));
    }

    public FlowMatch build() {
      return new FlowMatch(fields.clone());
    }

    private static long prefixMask(int len) {
      return len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
    }
  }
}
