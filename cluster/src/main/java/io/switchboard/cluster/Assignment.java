package io.switchboard.cluster;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who should master each bridge. Every member computes it alone from the same facts (live members, who is
 * connected to which bridge, current masters) and acts only for itself, by claiming the bridges it should master.
 * <ul>
 *   <li>sticky: a master that is alive and connected keeps its bridge;</li>
 *   <li>fair and deterministic: a bridge without one goes to the connected member with the highest hash of (bridge,
 *   member address) that does not master its fair share yet (rendezvous hashing with bounded loads), so members that
 *   see bridges connect in different orders still choose alike, and a member that comes back on the same address
 *   tends to get the same bridges back; bridges then move from the most to the least loaded member until no two
 *   candidates of a bridge differ by two or more (by a tenth of the fair share more when that is 20 or more: see
 *   {@link #slack}).</li>
 * </ul>
 */
final class Assignment {
  private Assignment() {}

  /**
   * @param members   live members: id to address
   * @param connected per bridge, the members connected to it (others are ignored)
   * @param masters   per bridge, its current master's id
   * @return per bridge with at least one live connected member, the member that should master it
   */
  static Map<Long, String> compute(Map<String, String> members, Map<Long, Set<String>> connected,
                                   Map<Long, String> masters) {
    Map<Long, List<String>> candidates = new TreeMap<>();
    connected.forEach((dpid, ids) -> {
      List<String> live = ids.stream().filter(members::containsKey).sorted().toList();
      if (!live.isEmpty()) {
        candidates.put(dpid, live);
      }
    });
    Map<String, Integer> load = new HashMap<>();
    members.keySet().forEach(m -> load.put(m, 0));
    Map<Long, String> target = new TreeMap<>();
    candidates.forEach((dpid, cands) -> {
      String master = masters.get(dpid);
      if (master != null && cands.contains(master)) {
        target.put(dpid, master);
        load.merge(master, 1, Integer::sum);
      }
    });
    int cap = cap(candidates);
    candidates.forEach((dpid, cands) -> {
      if (!target.containsKey(dpid)) {
        String best = null;
        for (String c : cands) { // the highest hash among the candidates below the cap
          if (load.get(c) < cap && prefers(dpid, c, best, members)) {
            best = c;
          }
        }
        for (String c : best == null ? cands : List.<String>of()) { // all at the cap: the least loaded
          if (best == null || load.get(c) < load.get(best)
              || (load.get(c).equals(load.get(best)) && prefers(dpid, c, best, members))) {
            best = c;
          }
        }
        target.put(dpid, best);
        load.merge(best, 1, Integer::sum);
      }
    });
    rebalance(members, candidates, target, load, slack(cap));
    return target;
  }

  /**
   * A fair share: the bridges with a candidate, divided by the members that are a candidate of any, rounded up. A
   * bridge without a master goes to the member its hash prefers unless that one has its share already, so the
   * choice depends on the bridge and the members alone (not on the order in which members saw the bridges), while
   * no member gets more than its share.
   */
  private static int cap(Map<Long, List<String>> candidates) {
    long active = candidates.values().stream().flatMap(List::stream).distinct().count();
    return active == 0 ? 0 : (int) ((candidates.size() + active - 1) / active);
  }

  /**
   * How far apart two members' loads may be before a bridge moves between them: 2 (an imbalance of one never moves
   * anything) up to a fair share of 19, then a tenth of the fair share more. With hundreds of bridges per member, a
   * few bridges that moved when their connection to the master blinked, or that two members claimed at the same
   * moment, do not make bridges move back and forth (each move is a table read by the new master); a member that
   * joins still gets its share.
   */
  static int slack(int fairShare) {
    return Math.max(2, 1 + fairShare / 10);
  }

  /**
   * Moves one bridge at a time to a candidate with at least {@code slack} bridges fewer than its current target:
   * largest gap first, then the receiver with the highest hash for the bridge. Each move lowers the sum of squared
   * loads, so this ends.
   */
  private static void rebalance(Map<String, String> members, Map<Long, List<String>> candidates,
                                Map<Long, String> target, Map<String, Integer> load, int slack) {
    while (true) {
      long moveDpid = 0;
      String moveTo = null;
      int moveGap = 0;
      long moveWeight = 0;
      for (Map.Entry<Long, List<String>> e : candidates.entrySet()) {
        long dpid = e.getKey();
        int fromLoad = load.get(target.get(dpid));
        for (String to : e.getValue()) {
          int gap = fromLoad - load.get(to);
          if (gap < slack) {
            continue;
          }
          long w = weight(dpid, members.get(to));
          if (moveTo == null || gap > moveGap || (gap == moveGap && w > moveWeight)) {
            moveDpid = dpid;
            moveTo = to;
            moveGap = gap;
            moveWeight = w;
          }
        }
      }
      if (moveTo == null) {
        return;
      }
      String from = target.put(moveDpid, moveTo);
      load.merge(from, -1, Integer::sum);
      load.merge(moveTo, 1, Integer::sum);
    }
  }

  /** Whether {@code a} ranks above {@code b} for the bridge (rendezvous hashing on the member addresses). */
  private static boolean prefers(long dpid, String a, String b, Map<String, String> members) {
    if (b == null) {
      return true;
    }
    long wa = weight(dpid, members.get(a));
    long wb = weight(dpid, members.get(b));
    return wa != wb ? wa > wb : a.compareTo(b) < 0;
  }

  static long weight(long dpid, String address) {
    long h = 0xcbf29ce484222325L; // FNV-1a over the address
    for (byte b : address.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return mix(h ^ mix(dpid));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
