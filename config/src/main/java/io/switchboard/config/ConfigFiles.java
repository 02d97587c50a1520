package io.switchboard.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** Files named in a config: where a relative path points, and a PEM read whose failure is an error at its key. */
final class ConfigFiles {
  private ConfigFiles() {}

  /** A file named in the config: a relative path is relative to the config file's directory. */
  static Path path(String source, String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw Values.expected("a file path", text);
    }
    try {
      Path p = Path.of(t);
      if (p.isAbsolute()) {
        return p.normalize();
      }
      Path dir = Path.of(source).toAbsolutePath().getParent();
      return (dir == null ? p.toAbsolutePath() : dir.resolve(p)).normalize();
    } catch (InvalidPathException e) {
      throw Values.expected("a file path", text, e.getReason());
    }
  }

  /** Runs a PEM reader; its failure becomes an error at {@code key}. */
  static <T> Optional<T> pem(MapView m, String key, Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (IllegalArgumentException e) {
      m.error(key, e.getMessage());
      return Optional.empty();
    }
  }
}
