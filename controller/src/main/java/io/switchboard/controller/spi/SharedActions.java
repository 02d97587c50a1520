package io.switchboard.controller.spi;

import java.util.List;

/**
 * One instance for equal actions, equal action lists and equal metadata writes, as far as a fixed table reaches. An overlay repeats the same
 * few actions across most of its entries (the tunnel's VNI and a host's address on every entry that reaches that
 * host, the same register moves in every ARP answer); kept per entry, they were a fifth of the memory of a programmed
 * bridge's entries, and of what each young collection copied while endpoints churned.
 *
 * <p>Bounded by design: direct-mapped tables of {@value #SLOTS} actions, lists and metadata writes, where a newcomer takes
 * its slot from whatever held it (no growth, no eviction policy, nothing to clean up). Its reads and writes race on
 * purpose: actions and the lists {@link List#copyOf} makes are immutable, with final fields, so any thread may use
 * whichever instance it finds; a lost write only costs a duplicate.
 */
final class SharedActions {
  static final int SLOTS = 1 << 13;
  private static final Action[] ACTIONS = new Action[SLOTS];
  @SuppressWarnings("unchecked")
  private static final List<Action>[] LISTS = new List[SLOTS];
  private static final FlowEntry.Metadata[] METADATA = new FlowEntry.Metadata[SLOTS];

  private SharedActions() {}

  /** An immutable list equal to {@code actions}, shared with earlier equal ones when the table still holds one. */
  static List<Action> of(List<Action> actions) {
    int n = actions.size();
    if (n == 0) {
      return List.of();
    }
    Action[] shared = new Action[n];
    int h = n;
    for (int i = 0; i < n; i++) {
      shared[i] = of(actions.get(i));
      h = 31 * h + hash(shared[i]);
    }
    int slot = spread(h);
    List<Action> known = LISTS[slot];
    if (known != null && sameElements(known, shared)) {
      return known;
    }
    List<Action> made = List.of(shared);
    LISTS[slot] = made;
    return made;
  }

  /** An action equal to {@code a}: the table's when it holds one, else {@code a}, which then takes the slot. */
  static Action of(Action a) {
    if (a instanceof Action.DecTtl) {
      return Action.DEC_TTL;
    }
    int h = hash(a);
    if (h == 0) { // a kind not shared (rare, or with fields of its own)
      return a;
    }
    int slot = spread(h);
    Action known = ACTIONS[slot];
    if (known != null && same(known, a)) {
      return known;
    }
    ACTIONS[slot] = a;
    return a;
  }

  /** A metadata write equal to {@code m} (null stays null), shared the same way: a few values per overlay network. */
  static FlowEntry.Metadata of(FlowEntry.Metadata m) {
    if (m == null) {
      return null;
    }
    int slot = spread(31 * Long.hashCode(m.value() * 0x9E3779B97F4A7C15L) + Long.hashCode(m.mask()));
    FlowEntry.Metadata known = METADATA[slot];
    if (known != null && known.value() == m.value() && known.mask() == m.mask()) {
      return known;
    }
    METADATA[slot] = m;
    return m;
  }

  /** Written out for the common kinds (a record's generated hashCode is slow until the JIT inlines it); 0: not shared. */
  private static int hash(Action a) {
    if (a instanceof Action.SetField s) {
      return 1 + 31 * s.field().ordinal() + 961 * Long.hashCode(s.value() * 0x9E3779B97F4A7C15L);
    }
    if (a instanceof Action.Output o) {
      return 2 + 31 * Long.hashCode(o.port() * 0x9E3779B97F4A7C15L);
    }
    if (a instanceof Action.Move m) {
      return 3 + 31 * m.src().ordinal() + 961 * m.dst().ordinal();
    }
    if (a instanceof Action.DecTtl) {
      return 4;
    }
    return 0;
  }

  private static boolean same(Action known, Action a) {
    if (known == a) {
      return true;
    }
    if (a instanceof Action.SetField s) {
      return known instanceof Action.SetField k && k.field() == s.field() && k.value() == s.value();
    }
    if (a instanceof Action.Output o) {
      return known instanceof Action.Output k && k.port() == o.port();
    }
    if (a instanceof Action.Move m) {
      return known instanceof Action.Move k && k.src() == m.src() && k.dst() == m.dst();
    }
    return false;
  }

  private static boolean sameElements(List<Action> known, Action[] shared) {
    if (known.size() != shared.length) {
      return false;
    }
    for (int i = 0; i < shared.length; i++) {
      Action k = known.get(i);
      if (k != shared[i] && !(hash(k) != 0 ? same(k, shared[i]) : k.equals(shared[i]))) {
        return false;
      }
    }
    return true;
  }

  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x45d9f3b;
    h ^= h >>> 16;
    return h & (SLOTS - 1);
  }
}
