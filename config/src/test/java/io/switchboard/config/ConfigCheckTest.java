package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckTest {

  private static String[] run(Path file, int expectedStatus) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = ConfigCheck.run(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(expectedStatus, status, out);
    return out.split("\n");
  }

  @Test
  void goodFile() {
    Path f = Path.of("examples/scenario3-acl.yaml");
    assertEquals(f + ": OK (apps: l2-learning, acl, 1 bridge)", run(f, 0)[0]);
  }

  @Test
  void badFilePrintsEveryErrorAndACount(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "apps: [acl, l2-lerning]\nopenflow:\n  echo-interval: 300\n");
    String[] lines = run(f, 1);
    assertEquals(3, lines.length);
    assertEquals(f + ":1: apps[1]: unknown app 'l2-lerning'; did you mean 'l2-learning'? "
        + "(known apps: acl, l2-learning, vxlan-overlay)", lines[0]);
    assertEquals(f + ":3: openflow.echo-interval: expected a duration with a unit (ms, s, m, h), "
        + "e.g. 5s, 500ms, 2m or 1h, got \"300\" (a bare number has no unit)", lines[1]);
    assertEquals("2 errors", lines[2]);
  }

  @Test
  void missingFile(@TempDir Path dir) {
    Path f = dir.resolve("none.yaml");
    String[] lines = run(f, 1);
    assertEquals(f + ": no such file", lines[0]);
    assertEquals("1 error", lines[1]);
  }
}
