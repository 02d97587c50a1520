package io.switchboard.apps.acl;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which fields a match has, under which masks, and whether it names an in-port. A match of shape S covers a
 * match m exactly when m has every field of S under a mask at least as narrow, the same in-port if S has
 * one, and the same values under S's masks: so all of S's matches that cover m share one key computed from m.
 * The shapes of a rule set, each with its rules by key, are the index {@link RuleWarnings} finds shadowing in.
 */
final class MatchShape {
  final boolean inPort;
  final long bits;
  final int[] fields;
  final long[] masks;
  /** Field ordinal to its place in {@link #fields}, or -1. */
  final int[] place = new int[MatchProbe.FIELDS.length];
  final int hash;
  /** Key to the rules with a match of this shape and key, in book order. */
  final Map<Key, List<ActiveRule>> rules = new HashMap<>();

  MatchShape(MatchProbe p) {
    inPort = p.inPort != null;
    bits = p.bits;
    fields = new int[Long.bitCount(bits)];
    masks = new long[fields.length];
    Arrays.fill(place, -1);
    for (int i = 0, k = 0; i < MatchProbe.FIELDS.length; i++) {
      if ((bits & (1L << i)) != 0) {
        place[i] = k;
        fields[k] = i;
        masks[k++] = p.masks[i];
      }
    }
    hash = Boolean.hashCode(inPort) * 31 + mix(masks) * 31 + Long.hashCode(bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MatchShape s && s.inPort == inPort && s.bits == bits && Arrays.equals(s.masks, masks);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Whether matches of this shape can cover the probe's match at all (its fields are known to include ours). */
  boolean admits(MatchProbe p) {
    if (inPort && p.inPort == null) {
      return false;
    }
    for (int k = 0; k < fields.length; k++) {
      if ((masks[k] & ~p.masks[fields[k]]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether the probe's match can cover matches of this shape: the converse of {@link #admits}. */
  boolean admittedBy(MatchProbe p) {
    if ((p.bits & ~bits) != 0 || p.inPort != null && !inPort) {
      return false;
    }
    for (int f = 0; f < MatchProbe.FIELDS.length; f++) {
      if ((p.bits & (1L << f)) != 0 && (p.masks[f] & ~masks[place[f]]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether the probe's match covers the matches of this shape with key {@code k} ({@link #admittedBy} holds). */
  boolean covered(Key k, MatchProbe p) {
    if (p.inPort != null && !p.inPort.equals(k.inPort())) {
      return false;
    }
    for (int f = 0; f < MatchProbe.FIELDS.length; f++) {
      if ((p.bits & (1L << f)) != 0 && (k.values()[place[f]] & p.masks[f]) != p.values[f]) {
        return false;
      }
    }
    return true;
  }

  /** The probe's in-port (if this shape has one) and values under this shape's masks. */
  Key keyOf(MatchProbe p) {
    long[] v = new long[fields.length];
    for (int k = 0; k < fields.length; k++) {
      v[k] = p.values[fields[k]] & masks[k];
    }
    return new Key(inPort ? p.inPort : null, v, mix(v));
  }

  /**
   * A hash that spreads values differing in a few middle bits (addresses, ports): {@code Arrays.hashCode}'s
   * multiply by 31 maps many such keys of a big rule set onto the same buckets.
   */
  static int mix(long[] values) {
    long h = 0x9E3779B97F4A7C15L;
    for (long v : values) {
      h = (h ^ v) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }

  record Key(String inPort, long[] values, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Objects.equals(k.inPort, inPort)
          && Arrays.equals(k.values, values);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(inPort) * 31 + hash;
    }
  }
}
