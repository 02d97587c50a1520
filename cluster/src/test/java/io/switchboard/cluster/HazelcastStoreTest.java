package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.KeyValueStore;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three embedded members on loopback (5801-5803): what one writes, the others read and hear about. */
class HazelcastStoreTest {
  private static final int[] PORTS = {5801, 5802, 5803};
  private static final Duration SOON = Duration.ofSeconds(5);
  private static ClusterNode a;
  private static ClusterNode b;

  record Host(long dpid, int vlan, String mac) implements Serializable {}

  record Change(String key, Host value) {}

  @BeforeAll
  static void startTwo() {
    a = Members.start(PORTS[0], PORTS);
    b = Members.start(PORTS[1], PORTS);
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
  }

  private static List<Change> listen(KeyValueStore<String, Host> s) {
    List<Change> changes = new CopyOnWriteArrayList<>();
    s.addListener((k, v) -> changes.add(new Change(k, v)));
    return changes;
  }

  @Test
  void writesOnOneMemberAreReadAndHeardOnTheOthers() throws Exception {
    assertEquals(2, a.hazelcast().getCluster().getMembers().size());
    KeyValueStore<String, Host> sa = a.stores().map("hosts");
    KeyValueStore<String, Host> sb = b.stores().map("hosts");
    assertSame(sa, a.stores().map("hosts"), "one store object per name");
    List<Change> heardOnA = listen(sa);
    List<Change> heardOnB = listen(sb);

    Host h = new Host(1, 100, "02:00:00:00:00:01");
    sa.put("h1", h);
    assertEquals(h, sa.get("h1"), "a member reads its own write at once");
    assertEquals(List.of(new Change("h1", h)), heardOnA, "the writer's listener fired at once");
    Members.await("b reads a's write", SOON, () -> h.equals(sb.get("h1")));
    Members.await("b's listener heard a's write", SOON, () -> heardOnB.contains(new Change("h1", h)));

    Host moved = new Host(1, 100, "02:00:00:00:00:09");
    sb.put("h1", moved);
    Members.await("a reads b's update", SOON, () -> moved.equals(sa.get("h1")));
    Members.await("a heard b's update", SOON, () -> heardOnA.contains(new Change("h1", moved)));

    assertEquals(moved, sb.remove("h1"));
    assertNull(sb.remove("h1"), "a second remove finds nothing");
    Members.await("a heard the remove", SOON, () -> heardOnA.contains(new Change("h1", null)));
    assertNull(sa.get("h1"));
    assertEquals(1, heardOnB.stream().filter(c -> c.value() == null).count(), "one remove, one event");
  }

  @Test
  void putIfAbsentIsDecidedOnceForTheWholeCluster() throws Exception {
    KeyValueStore<String, Host> sa = a.stores().map("rules");
    KeyValueStore<String, Host> sb = b.stores().map("rules");
    Host first = new Host(2, 1, "a");
    assertNull(sa.putIfAbsent("r", first));
    assertEquals(first, sb.putIfAbsent("r", new Host(2, 1, "b")), "b sees a's entry, even before its event");
    Members.await("b's replica has a's entry", SOON, () -> first.equals(sb.get("r")));
    assertEquals(Map.of("r", first), sb.snapshot());
  }

  @Test
  void removeIfStillIsDecidedOnceForTheWholeCluster() throws Exception {
    KeyValueStore<String, Host> sa = a.stores().map("claims");
    KeyValueStore<String, Host> sb = b.stores().map("claims");
    Host mine = new Host(4, 1, "a");
    Host theirs = new Host(4, 1, "b");
    assertNull(sa.putIfAbsent("10.0.0.5", mine));
    assertTrue(!sb.remove("10.0.0.5", theirs), "b cannot give back what a holds");
    assertEquals(mine, sa.get("10.0.0.5"));
    List<Change> heardOnA = listen(sa);
    assertTrue(sb.remove("10.0.0.5", mine), "the holder's value matches: removed");
    assertNull(sb.get("10.0.0.5"), "the remover's replica follows at once");
    Members.await("a's replica and listener follow", SOON, () -> sa.get("10.0.0.5") == null
        && heardOnA.equals(List.of(new Change("10.0.0.5", null))));
    assertTrue(!sa.remove("10.0.0.5", mine), "gone: nothing to remove");
  }

  @Test
  void aJoiningMemberSeesWhatIsThereAndSharesItsWrites() throws Exception {
    KeyValueStore<String, Host> sa = a.stores().map("endpoints");
    for (int i = 0; i < 20; i++) {
      sa.put("e" + i, new Host(3, i, "m" + i));
    }
    ClusterNode c = Members.start(PORTS[2], PORTS);
    try {
      Members.await("three members", SOON, () -> a.hazelcast().getCluster().getMembers().size() == 3);
      KeyValueStore<String, Host> sc = c.stores().map("endpoints");
      assertEquals(20, sc.snapshot().size(), "the joiner's replica starts with every entry");
      List<Change> heardOnA = listen(sa);
      sc.put("e99", new Host(3, 99, "joiner"));
      Members.await("a heard the joiner's write", SOON, () -> heardOnA.size() == 1);
    } finally {
      c.close();
    }
    Members.await("two members", SOON, () -> a.hazelcast().getCluster().getMembers().size() == 2);
    assertEquals(21, b.stores().<String, Host>map("endpoints").snapshot().size(), "nothing lost with the member");
    assertTrue(b.stores().<String, Host>map("endpoints").get("e99") != null);
  }
}
