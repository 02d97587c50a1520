package io.switchboard.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects problems while a document is parsed, so that all of them are reported at once.
 * Not thread-safe; one instance per parse.
 */
public final class Errors {

  private final String file;
  private final List<ConfigError> list = new ArrayList<>();

  /** @param file the file being parsed, or {@code null} for a REST body */
  public Errors(String file) {
    this.file = file;
  }

  public String file() {
    return file;
  }

  public void add(int line, String path, String message) {
    list.add(new ConfigError(file, Math.max(line, 0), path, message));
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public int size() {
    return list.size();
  }

  public List<ConfigError> list() {
    return List.copyOf(list);
  }

  public void throwIfAny() throws ConfigException {
    if (!list.isEmpty()) {
      throw new ConfigException(list);
    }
  }
}
