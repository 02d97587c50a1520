package io.switchboard.controller.spi;

import java.util.Arrays;
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
  private static final Field[] FIELDS = Field.values();

  static {
    if (FIELDS.length > Long.SIZE) {
      throw new IllegalStateException("a match keeps its fields as the bits of a long: at most 64");
    }
  }

  /** A field's value under a mask; {@code mask == field.fullMask()} means an exact match. */
  public record Masked(long value, long mask) {
    public boolean exact(Field f) {
      return mask == f.fullMask();
    }

    public boolean matches(long v) {
      return (v & mask) == (value & mask);
    }
  }

  /*
   * Compact, because a switch's table may hold a hundred thousand matches that live as long as their entries: the
   * fields present as bits (by ordinal), and their values and masks interleaved in ordinal order. Two objects a
   * match instead of an EnumMap, its array and a record per field.
   */
  private final long present;
  private final long[] valuesAndMasks;
  private final int hash;

  private FlowMatch(EnumMap<Field, Masked> fields) {
    long bits = 0;
    long[] vm = new long[2 * fields.size()];
    int i = 0;
    for (Map.Entry<Field, Masked> e : fields.entrySet()) {
      bits |= 1L << e.getKey().ordinal();
      vm[i++] = e.getValue().value();
      vm[i++] = e.getValue().mask();
    }
    this.present = bits;
    this.valuesAndMasks = vm;
    this.hash = hashOf(bits, vm);
  }

  /**
   * A well-mixed hash: a switch may hold hundreds of thousands of entries that differ only in a MAC or two, and a
   * sum of XORs (EnumMap's own hash) makes such keys collide by the thousand.
   */
  private static int hashOf(long bits, long[] vm) {
    long h = 0x5bd1e995L;
    int i = 0;
    for (long rest = bits; rest != 0; rest &= rest - 1) {
      h = (h + Long.numberOfTrailingZeros(rest)) * 0x9E3779B97F4A7C15L;
      h = (h ^ vm[i++]) * 0x9E3779B97F4A7C15L;
      h = (h ^ vm[i++]) * 0x9E3779B97F4A7C15L;
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
    b.fields.putAll(fields());
    return b;
  }

  /** The fields, in their declared order (a new map each call: keep it when reading many). */
  public Map<Field, Masked> fields() {
    EnumMap<Field, Masked> m = new EnumMap<>(Field.class);
    int i = 0;
    for (long rest = present; rest != 0; rest &= rest - 1) {
      m.put(FIELDS[Long.numberOfTrailingZeros(rest)], new Masked(valuesAndMasks[i], valuesAndMasks[i + 1]));
      i += 2;
    }
    return Collections.unmodifiableMap(m);
  }

  /** Each field with its value and mask, in declared order, without a map. */
  public void forEach(java.util.function.BiConsumer<Field, Masked> action) {
    int i = 0;
    for (long rest = present; rest != 0; rest &= rest - 1) {
      action.accept(FIELDS[Long.numberOfTrailingZeros(rest)], new Masked(valuesAndMasks[i], valuesAndMasks[i + 1]));
      i += 2;
    }
  }

  public Masked get(Field f) {
    int at = index(f);
    return at < 0 ? null : new Masked(valuesAndMasks[at], valuesAndMasks[at + 1]);
  }

  /** Where a field's value sits in {@link #valuesAndMasks} (its mask next), or -1 when it is not matched. */
  private int index(Field f) {
    long bit = 1L << f.ordinal();
    return (present & bit) == 0 ? -1 : 2 * Long.bitCount(present & (bit - 1));
  }

  public boolean has(Field f) {
    return (present & (1L << f.ordinal())) != 0;
  }

  /** How many fields are matched. */
  public int size() {
    return Long.bitCount(present);
  }

  public boolean isEmpty() {
    return present == 0;
  }

  /** Whether a packet with these field values (absent = unknown/0) is selected by this match. */
  public boolean matches(Map<Field, Long> packet) {
    int i = 0;
    for (long rest = present; rest != 0; rest &= rest - 1) {
      Long v = packet.get(FIELDS[Long.numberOfTrailingZeros(rest)]);
      long value = valuesAndMasks[i++];
      long mask = valuesAndMasks[i++];
      if (v == null || (v & mask) != (value & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowMatch m && m.hash == hash && m.present == present
        && Arrays.equals(m.valuesAndMasks, valuesAndMasks);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** ovs-ofctl-like text: {@code in_port=3,vlan_vid=0x1064,eth_dst=02:00:00:00:01:02}. */
  @Override
  public String toString() {
    if (isEmpty()) {
      return "any";
    }
    return fields().entrySet().stream()
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
