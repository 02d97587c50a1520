package io.switchboard.apps.overlay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.config.ConfigError;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Test helpers: load YAML text named t.yaml (with the installed apps: this one, sections of the others' stand-ins)
 * and look at its errors. */
final class Check {

  static final String FILE = "t.yaml";
  /** The config module's example files (tests run in this module's directory). */
  static final Path EXAMPLES = Path.of("../../config/examples");

  private Check() {}

  static SwitchboardConfig load(String yaml) {
    try {
      return ConfigLoader.parse(yaml, FILE);
    } catch (ConfigException e) {
      return fail("expected no errors, got:\n" + e.getMessage());
    }
  }

  /** The overlay section of {@code yaml}, which must load. */
  static OverlayConfig overlay(String yaml) {
    return OverlaySection.of(load(yaml));
  }

  static List<ConfigError> errors(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE)).errors();
  }

  /** The error at {@code path}: it must name the file and line, and its message must contain each fragment. */
  static ConfigError error(String yaml, int line, String path, String... fragments) {
    return error(errors(yaml), line, path, fragments);
  }

  static ConfigError error(List<ConfigError> errors, int line, String path, String... fragments) {
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

  static String text(List<ConfigError> errors) {
    return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
  }
}
