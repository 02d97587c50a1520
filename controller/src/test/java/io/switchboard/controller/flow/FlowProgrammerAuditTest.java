package io.switchboard.controller.flow;

import static io.switchboard.controller.flow.FlowProgrammerTest.l2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * An audit whose flow dump is answered while changes keep going out: the dump shows the table as it was when it was
 * asked for (a switch answers in order), so what was sent after must neither be undone nor sent again.
 */
class FlowProgrammerAuditTest {
  /** A switch whose reads are answered when the test says, with the table as it was when asked. */
  static final class SlowReads extends FlowProgrammerTest.FakeSwitch {
    final List<CompletableFuture<List<InstalledFlow>>> reads = new ArrayList<>();
    final List<List<InstalledFlow>> dumps = new ArrayList<>();
    boolean slow;

    @Override
    public CompletableFuture<List<InstalledFlow>> readFlows() {
      if (!slow) {
        return super.readFlows();
      }
      dumps.add(List.copyOf(table.values()));
      CompletableFuture<List<InstalledFlow>> f = new CompletableFuture<>();
      reads.add(f);
      return f;
    }

    void answer(int i) {
      reads.get(i).complete(dumps.get(i));
    }

    int opsSince(int batch) {
      return batches.subList(batch, batches.size()).stream().mapToInt(List::size).sum();
    }
  }

  private static FlowProgrammer synced(SlowReads sw) {
    FlowProgrammer p = new FlowProgrammer("sw", Pipeline.MULTI_TABLE, sw, new FlowProgrammerTest.Events(),
        Runnable::run);
    p.setDesired("app", List.of(l2(1, 0), l2(2, 0)));
    p.reconcile();
    sw.slow = true;
    return p;
  }

  @Test
  void changesSentWhileTheDumpIsUnderWayAreNeitherUndoneNorSentAgain() {
    SlowReads sw = new SlowReads();
    FlowProgrammer p = synced(sw);
    CompletableFuture<Void> audit = p.reconcile();
    int before = sw.batches.size();
    p.update("app", List.of(l2(3, 0)), List.of(l2(1, 0))); // goes out while the switch is still answering
    assertEquals(2, sw.opsSince(before), "the change is not held back by the audit");
    int afterChange = sw.batches.size();
    sw.answer(0); // the dump shows 1 and not 3: it was taken before the change
    assertTrue(audit.isDone());
    assertEquals(0, sw.opsSince(afterChange), "nothing re-sent, nothing undone: " + sw.batches);
    assertTrue(sw.table.containsKey(p.desired().keySet().stream().filter(k -> k.match().equals(l2(3, 0).match()))
        .findFirst().orElseThrow()));
    assertEquals(p.desired().keySet(), sw.table.keySet(), "the switch holds what is desired");
  }

  @Test
  void driftOfEntriesNobodyChangedIsStillRepaired() {
    SlowReads sw = new SlowReads();
    FlowProgrammer p = synced(sw);
    FlowKey two = p.desired().keySet().stream().filter(k -> k.match().equals(l2(2, 0).match())).findFirst()
        .orElseThrow();
    sw.table.remove(two); // someone's ovs-ofctl del-flows
    p.reconcile();
    int before = sw.batches.size();
    p.update("app", List.of(l2(3, 0)), List.of());
    sw.answer(0);
    assertEquals(2, sw.opsSince(before), "the change (1 op) and the repair of entry 2 (1 op)");
    assertTrue(sw.table.containsKey(two));
    assertEquals(p.desired().keySet(), sw.table.keySet());
  }

  @Test
  void anEntryDeletedAfterTheDumpIsNotDeletedTwiceNorKeptAsInstalled() {
    SlowReads sw = new SlowReads();
    FlowProgrammer p = synced(sw);
    p.reconcile();
    p.update("app", List.of(), List.of(l2(2, 0)));
    int afterChange = sw.batches.size();
    sw.answer(0); // still shows entry 2
    assertEquals(0, sw.opsSince(afterChange), sw.batches.toString());
    sw.slow = false;
    p.reconcile(); // a later audit against the real table finds nothing to do either
    assertEquals(0, sw.opsSince(afterChange));
  }

  @Test
  void aReconcileAskedForDuringARead_readsAgainAfterIt() {
    SlowReads sw = new SlowReads();
    FlowProgrammer p = synced(sw);
    CompletableFuture<Void> first = p.reconcile();
    CompletableFuture<Void> second = p.reconcile();
    assertSame(second, p.reconcile(), "asked for twice while reading: one more read");
    assertEquals(1, sw.reads.size());
    sw.answer(0);
    assertTrue(first.isDone());
    assertFalse(second.isDone(), "the second read is under way");
    assertEquals(2, sw.reads.size());
    sw.answer(1);
    assertTrue(second.isDone());
  }

  @Test
  void entriesReadBackThatAreAsDesiredShareTheDesiredEntry() {
    SlowReads sw = new SlowReads();
    FlowProgrammer p = synced(sw);
    // the switch answers with equal but distinct copies, as parsing flow stats gives
    p.reconcile();
    List<InstalledFlow> copies = new ArrayList<>();
    for (InstalledFlow f : sw.dumps.get(0)) {
      copies.add(new InstalledFlow(f.key(), f.entry().toBuilder().build(), f.cookie(), f.idleTimeout(),
          f.hardTimeout(), 5, 500, 1, null));
    }
    sw.reads.get(0).complete(copies);
    Map<FlowKey, DesiredFlow> desired = p.desired();
    desired.forEach((k, d) -> {
      assertSame(d.entry(), p.installed(k).entry(), "one copy of " + k);
      assertSame(d.key(), p.installed(k).key(), "one copy of the key " + k);
    });
    sw.slow = false;
    int before = sw.batches.size();
    p.reconcile();
    assertEquals(0, sw.opsSince(before), "equal entries are left alone");
    assertEquals(desired.size(), sw.table.size());
  }
}
