package io.switchboard.bench;

/**
 * The flow entry an emulated switch pretends sent its packets to the controller: the one a real switch would hit
 * (on OpenFlow 1.3+, the controller's catch-all "output:CONTROLLER" entry in the lowest table, highest priority),
 * so that the packet-in carries that entry's table id and cookie, and reason "action" or "no match" as OVS sets
 * it. Without such an entry: table 0, cookie all-ones, reason "no match".
 */
public record PacketInRule(int table, int priority, long cookie, boolean tableMiss) {
  public static final PacketInRule NONE = new PacketInRule(0, -1, 0xffff_ffff_ffff_ffffL, true);

  /** True when this entry would be hit before {@code other}. */
  boolean before(PacketInRule other) {
    if (other == NONE) {
      return true;
    }
    return table != other.table ? table < other.table : priority > other.priority;
  }
}
