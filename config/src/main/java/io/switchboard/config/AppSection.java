package io.switchboard.config;

import java.util.List;
import java.util.Optional;

/**
 * An app's own section of the config file ({@code acl:}, {@code overlay:}, ...), parsed and validated by the app.
 * An app returns one from {@code ControllerApp.configSection()}; the loader hands it the section's YAML tree and
 * keeps the result in {@link SwitchboardConfig#section}. Errors go to {@link SectionContext#errors()} with the line
 * and key path, exactly as the core's sections report theirs ({@code file:line: key.path: message}): use
 * {@link MapView}, {@link Values} and {@link Suggest} for the same wording and "did you mean" hints.
 *
 * @param <T> the parsed settings: an immutable value (a record), compared with {@code equals} on reload
 */
public interface AppSection<T> {

  /** The top-level key of the section, e.g. {@code acl}. */
  String key();

  /** The settings when the file has no such section (or no file is given). */
  T defaults();

  /**
   * Parses the section. Report every problem to {@code ctx.errors()} and return what could be parsed: when any
   * error was reported the whole file is rejected, so the return value is then never used.
   *
   * @param node the section's value, never absent (an absent or null section gets {@link #defaults()})
   * @param path the section's key path ({@link #key()})
   */
  T parse(Node node, String path, SectionContext ctx);

  /**
   * Sections whose names this one refers to (e.g. the ACL refers to the overlay's networks): they are parsed first,
   * so that what they {@linkplain SectionContext#declare declare} is known here.
   */
  default List<String> after() {
    return List.of();
  }

  /** A few words for {@code check-config}'s summary line, e.g. "2 acl rules"; empty when nothing worth saying. */
  default Optional<String> summary(T settings) {
    return Optional.empty();
  }
}
