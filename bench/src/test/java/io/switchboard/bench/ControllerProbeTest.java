package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ControllerProbeTest {
  @Test
  void g1PrintsTheWholeHeapOnOneLine() {
    String g1 = """
        12345:
         garbage-first heap   total 262144K, used 53248K [0x00000000f0000000, 0x0000000100000000)
          region size 1024K, 13 young (13312K), 2 survivors (2048K)
         Metaspace       used 30000K, committed 30500K, reserved 1114112K
        """;
    assertArrayEquals(new long[] {262144, 53248}, ControllerProbe.parseHeap(g1));
  }

  @Test
  void theSerialCollectorsGenerationsAreAddedUp() {
    String serial = """
        12345:
         def new generation   total 9792K, used 1024K [0x00000000e0000000, 0x00000000e0aa0000, 0x00000000eaaa0000)
          eden space 8704K,   11% used [0x00000000e0000000, 0x00000000e0100000, 0x00000000e0880000)
         tenured generation   total 21888K, used 20000K [0x00000000eaaa0000, 0x00000000ec000000, 0x0000000100000000)
         Metaspace       used 30000K, committed 30500K, reserved 1114112K
          class space    used 3000K, committed 3200K, reserved 1048576K
        """;
    assertArrayEquals(new long[] {9792 + 21888, 1024 + 20000}, ControllerProbe.parseHeap(serial));
  }

  @Test
  void nothingToReadIsMinusOne() {
    assertArrayEquals(new long[] {-1, -1}, ControllerProbe.parseHeap("12345:\nno such process\n"));
  }
}
