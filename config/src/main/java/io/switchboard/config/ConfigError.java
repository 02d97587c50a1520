package io.switchboard.config;

/**
 * One problem found in a configuration file or in a REST body.
 *
 * @param file    the file the problem is in, or {@code null} when there is no file (a REST body)
 * @param line    1-based line number, or 0 when unknown
 * @param path    key path such as {@code acl.rules[1].match.tcp-dst} (list indexes are 0-based);
 *                empty for the document as a whole
 * @param message what was expected and what was found
 */
public record ConfigError(String file, int line, String path, String message) {

  public ConfigError {
    path = path == null ? "" : path;
    message = message == null ? "" : message;
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0: " + line);
    }
  }

  /** A problem with no file and no line, as reported for a REST body. */
  public static ConfigError of(String path, String message) {
    return new ConfigError(null, 0, path, message);
  }

  /** {@code file:line: path: message}; parts that are unknown are left out. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (file != null && !file.isEmpty()) {
      sb.append(file);
      if (line > 0) {
        sb.append(':').append(line);
      }
      sb.append(": ");
    } else if (line > 0) {
      sb.append("line ").append(line).append(": ");
    }
    if (!path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }
}
