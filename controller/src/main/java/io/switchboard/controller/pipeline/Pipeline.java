package io.switchboard.controller.pipeline;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * The one table layout every bridge gets. OpenFlow 1.3+: one table per stage, in stage order; each stage ends
 * in a priority-0 entry that continues to the next stage or drops. OpenFlow 1.0: a single table, no defaults.
 *
 * <pre>
 * table 0 classify  port -> VLAN / network, port security, tunnel decap    miss: drop
 * table 1 acl       priority-ordered allow / drop                          miss: next
 * table 2 l3        gateway ARP, routing between subnets                   miss: next
 * table 3 learn     source MAC learning                                    miss: next
 * table 4 l2        destination lookup, flooding                           miss: drop
 * table 5 egress    tag handling, tunnel encapsulation                     miss: drop
 * </pre>
 */
public final class Pipeline {
  public static final Pipeline MULTI_TABLE = new Pipeline(true);
  public static final Pipeline SINGLE_TABLE = new Pipeline(false);

  private final boolean multiTable;

  private Pipeline(boolean multiTable) {
    this.multiTable = multiTable;
  }

  public static Pipeline forVersion(boolean multiTable) {
    return multiTable ? MULTI_TABLE : SINGLE_TABLE;
  }

  public boolean multiTable() {
    return multiTable;
  }

  public int table(Stage stage) {
    return multiTable ? stage.ordinal() : 0;
  }

  /** The stage a table number belongs to, or null when the table is outside the pipeline. */
  public Stage stage(int table) {
    if (!multiTable) {
      return table == 0 ? Stage.L2 : null;
    }
    Stage[] all = Stage.values();
    return table >= 0 && table < all.length ? all[table] : null;
  }

  public int tableCount() {
    return multiTable ? Stage.values().length : 1;
  }

  /** What a stage does with a packet no entry matched. */
  public static boolean continuesOnMiss(Stage s) {
    return s == Stage.ACL || s == Stage.L3 || s == Stage.LEARN;
  }

  /** The core's own entries: each stage's priority-0 miss behaviour. */
  public List<FlowEntry> defaultEntries() {
    List<FlowEntry> out = new ArrayList<>();
    if (!multiTable) {
      return out;
    }
    Stage[] all = Stage.values();
    for (int i = 0; i < all.length; i++) {
      Stage s = all[i];
      FlowEntry.Builder b = FlowEntry.in(s).priority(0);
      if (continuesOnMiss(s)) {
        b.next(all[i + 1]);
      }
      out.add(b.build());
    }
    return out;
  }
}
