package io.switchboard.apps.overlay.config;

import io.switchboard.config.ConfigError;
import io.switchboard.config.SwitchboardConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * The config module's test helpers ({@link io.switchboard.config.Check}: YAML text named t.yaml, loaded with the
 * installed apps, and its errors), plus what the overlay's tests add: its section, and where the example files are.
 */
final class Check {

  static final String FILE = io.switchboard.config.Check.FILE;
  /** The config module's example files (tests run in this module's directory). */
  static final Path EXAMPLES = Path.of("../../config/examples");

  private Check() {}

  static SwitchboardConfig load(String yaml) {
    return io.switchboard.config.Check.load(yaml);
  }

  /** The overlay section of {@code yaml}, which must load. */
  static OverlayConfig overlay(String yaml) {
    return OverlaySection.of(load(yaml));
  }

  static List<ConfigError> errors(String yaml) {
    return io.switchboard.config.Check.errors(yaml);
  }

  static ConfigError error(String yaml, int line, String path, String... fragments) {
    return io.switchboard.config.Check.error(yaml, line, path, fragments);
  }

  static ConfigError error(List<ConfigError> errors, int line, String path, String... fragments) {
    return io.switchboard.config.Check.error(errors, line, path, fragments);
  }

  static String text(List<ConfigError> errors) {
    return io.switchboard.config.Check.text(errors);
  }
}
