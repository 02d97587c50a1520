package io.switchboard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testbed.TestBed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The demo is also a smoke test: every pair of containers behaves as the scenarios say, on real OVS. */
class DemoTest {
  @Test
  void theDemoRunsToAnAllExpectedMatrixAndCleansUp() throws Exception {
    TestBed.destroy(Demo.PREFIX);
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true));
      code = Demo.run(new String[0]);
    } finally {
      System.setOut(stdout);
    }
    String text = out.toString();
    stdout.println(text);
    assertEquals(0, code, text);
    assertTrue(text.contains("30 of 30 pairs as expected"), text);
    assertTrue(text.contains("through the tunnel to host1"), "the trace crosses hosts:\n" + text);
    assertTrue(TestBed.namespaces(Demo.PREFIX).isEmpty(), "the demo removed its namespaces");
  }
}
