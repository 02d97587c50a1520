package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Test helpers: load YAML text named t.yaml and look at its errors. Shared with the apps' tests of their sections
 * through this module's test-jar; the stand-in apps of {@link TestApps} are registered only on this module's own
 * test class path (src/test/catalog, see the pom), so an app's tests find the real sections.
 */
public final class Check {

  public static final String FILE = "t.yaml";

  private Check() {}

  public static SwitchboardConfig load(String yaml) {
    try {
      return ConfigLoader.parse(yaml, FILE);
    } catch (ConfigException e) {
      return fail("expected no errors, got:\n" + e.getMessage());
    }
  }

  public static List<ConfigError> errors(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE)).errors();
  }

  /** The error at {@code path}: it must name the file and line, and its message must contain each fragment. */
  public static ConfigError error(String yaml, int line, String path, String... fragments) {
    return error(errors(yaml), line, path, fragments);
  }

  public static ConfigError error(List<ConfigError> errors, int line, String path, String... fragments) {
    ConfigError e = errors.stream().filter(x -> x.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no error at " + path + "; errors:\n" + text(errors)));
    assertEquals(FILE, e.file(), e.toString());
    assertEquals(line, e.line(), () -> "line of " + e);
    for (String f : fragments) {
      assertTrue(e.message().contains(f), () -> "'" + e + "' should contain '" + f + "'");
    }
    String prefix = FILE + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ");
    assertTrue(e.toString().startsWith(prefix), () -> e + " should start with " + prefix);
    return e;
  }

  public static String text(List<ConfigError> errors) {
    return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
  }
}
