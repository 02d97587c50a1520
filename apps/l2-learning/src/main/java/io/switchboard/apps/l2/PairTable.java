package io.switchboard.apps.l2;

import io.switchboard.apps.l2.SingleTableFlows.Pair;
import io.switchboard.controller.spi.FlowEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One bridge's pairs: (VLAN, source MAC, destination MAC) to its entry, in an open-addressing table of primitive
 * keys (linear probing, deletion by shifting back, no tombstones). A bridge keeps thousands of pairs for as long as
 * its hosts talk; as a map of records each cost two more objects and some 60 bytes the collector copies. Not
 * thread-safe: {@link TalkingPairs} locks it.
 */
final class PairTable {
  private static final int MIN_CAPACITY = 16;
  /** VLAN (16 bits, as a short) over the source MAC (48 bits). */
  private long[] vlanSrc = new long[MIN_CAPACITY];
  private long[] dsts = new long[MIN_CAPACITY];
  /** Null: a free slot. */
  private FlowEntry[] entries = new FlowEntry[MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  private static long vlanSrc(int vlan, long src) {
    return ((long) (vlan & 0xffff) << 48) | (src & 0xffff_ffff_ffffL);
  }

  private static int vlanOf(long vlanSrc) {
    return (short) (vlanSrc >>> 48);
  }

  private static long srcOf(long vlanSrc) {
    return vlanSrc & 0xffff_ffff_ffffL;
  }

  private int slot(long k1, long k2) {
    long h = (k1 * 0x9E3779B97F4A7C15L) ^ (k2 * 0xC2B2AE3D27D4EB4FL);
    h ^= h >>> 29;
    return (int) h & (entries.length - 1);
  }

  /** The slot holding the key, or the free slot where it would go. */
  private int find(long k1, long k2) {
    int mask = entries.length - 1;
    int i = slot(k1, k2);
    while (entries[i] != null && (vlanSrc[i] != k1 || dsts[i] != k2)) {
      i = (i + 1) & mask;
    }
    return i;
  }

  FlowEntry get(int vlan, long src, long dst) {
    return entries[find(vlanSrc(vlan, src), dst)];
  }

  boolean contains(int vlan, long src, long dst) {
    return get(vlan, src, dst) != null;
  }

  /** Sets a pair's entry; returns the one it had, or null. */
  FlowEntry put(int vlan, long src, long dst, FlowEntry entry) {
    if (entry == null) {
      throw new IllegalArgumentException("a pair's entry is never null");
    }
    long k1 = vlanSrc(vlan, src);
    int i = find(k1, dst);
    FlowEntry old = entries[i];
    if (old == null) {
      if (2 * (size + 1) > entries.length) {
        grow();
        i = find(k1, dst);
      }
      vlanSrc[i] = k1;
      dsts[i] = dst;
      size++;
    }
    entries[i] = entry;
    return old;
  }

  /** Removes a pair; returns its entry, or null if it had none. */
  FlowEntry remove(int vlan, long src, long dst) {
    int i = find(vlanSrc(vlan, src), dst);
    FlowEntry old = entries[i];
    if (old != null) {
      deleteAt(i);
    }
    return old;
  }

  /** Removes every pair of the VLAN that {@code mac} is the source or the destination of; returns their entries. */
  List<FlowEntry> removeHost(int vlan, long mac) {
    List<FlowEntry> removed = new ArrayList<>();
    for (int i = 0; i < entries.length; ) {
      FlowEntry e = entries[i];
      if (e != null && vlanOf(vlanSrc[i]) == vlan && (srcOf(vlanSrc[i]) == mac || dsts[i] == mac)) {
        removed.add(e);
        deleteAt(i); // an entry from further on may have moved into slot i: look at it again
      } else {
        i++;
      }
    }
    return removed;
  }

  /** Every pair, as (VLAN, source, destination) with its entry, in no particular order. */
  List<Pair> pairs() {
    List<Pair> out = new ArrayList<>(size);
    for (int i = 0; i < entries.length; i++) {
      if (entries[i] != null) {
        out.add(new Pair(vlanOf(vlanSrc[i]), srcOf(vlanSrc[i]), dsts[i]));
      }
    }
    return out;
  }

  /** Backward-shift deletion: later entries of the same probe run move up, so that lookups need no tombstones. */
  private void deleteAt(int hole) {
    int mask = entries.length - 1;
    int i = hole;
    while (true) {
      i = (i + 1) & mask;
      if (entries[i] == null) {
        break;
      }
      int home = slot(vlanSrc[i], dsts[i]);
      // the entry at i may fill the hole if its home is not in (hole, i] (cyclically)
      boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!stays) {
        vlanSrc[hole] = vlanSrc[i];
        dsts[hole] = dsts[i];
        entries[hole] = entries[i];
        hole = i;
      }
    }
    entries[hole] = null;
    size--;
  }

  private void grow() {
    long[] oldKeys = vlanSrc;
    long[] oldDsts = dsts;
    FlowEntry[] oldEntries = entries;
    int capacity = oldEntries.length * 2;
    vlanSrc = new long[capacity];
    dsts = new long[capacity];
    entries = new FlowEntry[capacity];
    for (int i = 0; i < oldEntries.length; i++) {
      if (oldEntries[i] != null) {
        int j = find(oldKeys[i], oldDsts[i]);
        vlanSrc[j] = oldKeys[i];
        dsts[j] = oldDsts[i];
        entries[j] = oldEntries[i];
      }
    }
  }

  @Override
  public String toString() {
    return "PairTable" + Arrays.toString(pairs().toArray());
  }
}
