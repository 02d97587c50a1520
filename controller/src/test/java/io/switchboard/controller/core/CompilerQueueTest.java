package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class CompilerQueueTest {
  @Test
  void countsTheOptimizingCompilersQueueFromTheCommandsText() {
    String text = """
        Current compiles:
        C2 CompilerThread0  1950       4       io.switchboard.WarmupSwitch::frame (287 bytes)

        C1 compile queue:
        Empty

        C2 compile queue:
        4269 %     4       io.switchboard.apps.l2.PairTable::removeHost @ 12 (105 bytes)
        4825       4       io.switchboard.controller.openflow.Inbox::poll (51 bytes)

        """;
    assertEquals(2, CompilerQueue.count(text));
    assertEquals(0, CompilerQueue.count("C1 compile queue:\n4 3 a::b\n\nC2 compile queue:\nEmpty\n"));
    assertEquals(-1, CompilerQueue.count("no such command"));
  }

  @Test
  void hotSpotAnswers() {
    String vm = System.getProperty("java.vm.name", "");
    assumeTrue(vm.contains("HotSpot") || vm.contains("OpenJDK"), "only HotSpot has Compiler.queue, not " + vm);
    assertTrue(CompilerQueue.optimizing() >= 0, "HotSpot's Compiler.queue is readable here");
  }
}
