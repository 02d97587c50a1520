package io.switchboard.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** close() and create() leave nothing of a prefix behind: no namespace, no live daemon, no files. */
class CleanupTest {
  private static final String PREFIX = "tbc1";

  @Test
  void closeRemovesNamespacesDaemonsRelaysAndState() throws Exception {
    List<Long> pids;
    try (ServerSocket controller = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        TestBed bed = TestBed.create(PREFIX)) {
      SimHost h1 = bed.host("h1");
      SimHost h2 = bed.host("h2");
      bed.connectHosts("10.99.0.0/24", h1, h2);
      h1.addBridge("br-int").setController(controller.getLocalPort());
      bed.container(h1, "c1", "br-int", "192.168.7.1/24", null);
      bed.container(h2, "c2", "br-phy", "10.99.0.50/24", null).spawn("sleep", "600");
      pids = bed.trackedPids();
      // 2 hosts x (ovsdb-server + ovs-vswitchd), root relay, host relay, sleep
      assertEquals(7, pids.size(), pids.toString());
      assertTrue(pids.stream().allMatch(Pids::isRunning));
      assertEquals(List.of("tbc1-c1", "tbc1-c2", "tbc1-h1", "tbc1-h2", "tbc1-ul"),
          TestBed.namespaces(PREFIX).stream().sorted().toList());
      bed.close(); // the second close (try-with-resources) must be harmless
    }
    assertEquals(List.of(), TestBed.namespaces(PREFIX));
    for (long pid : pids) {
      assertFalse(Pids.isRunning(pid), "pid " + pid + " still running: " + Pids.cmdline(pid));
    }
    assertFalse(Files.exists(TestBed.STATE_ROOT.resolve(PREFIX)));
  }

  @Test
  void createRemovesLeftoversOfACrashedRun() {
    TestBed crashed = TestBed.create(PREFIX);
    crashed.keepRunningAfterExit(); // as if the JVM had been killed
    SimHost h = crashed.host("h1");
    h.addBridge("br0");
    List<Long> stale = crashed.trackedPids();
    assertEquals(2, stale.size());

    try (TestBed fresh = TestBed.create(PREFIX)) {
      for (long pid : stale) {
        assertFalse(Pids.isRunning(pid), "stale daemon " + pid + " survived");
      }
      assertEquals(List.of(), TestBed.namespaces(PREFIX));
      // the name is free again and a new host works
      SimHost again = fresh.host("h1");
      again.addBridge("br0");
      assertEquals("br0", again.vsctl("list-br").trim());
    }
  }

  @Test
  void destroyWithoutAnObjectCleansAPrefix() {
    TestBed left = TestBed.create(PREFIX);
    left.keepRunningAfterExit();
    left.host("h9");
    List<Long> pids = left.trackedPids();
    TestBed.destroy(PREFIX);
    assertEquals(List.of(), TestBed.namespaces(PREFIX));
    assertTrue(pids.stream().noneMatch(Pids::isRunning));
    assertFalse(Files.exists(TestBed.STATE_ROOT.resolve(PREFIX)));
  }
}
