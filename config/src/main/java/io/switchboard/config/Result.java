package io.switchboard.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Either a value or the errors that prevented it; used where a REST body is parsed
 * (an app's REST bodies, e.g. ACL rules and overlay endpoints; {@link PacketMatch#parse(java.util.Map)}).
 * Error paths are relative to the body, e.g. {@code match.tcp-dst}.
 */
public final class Result<T> {

  private final T value;
  private final List<ConfigError> errors;

  private Result(T value, List<ConfigError> errors) {
    this.value = value;
    this.errors = errors;
  }

  public static <T> Result<T> ok(T value) {
    return new Result<>(Objects.requireNonNull(value), List.of());
  }

  public static <T> Result<T> failed(List<ConfigError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a failed result needs at least one error");
    }
    return new Result<>(null, List.copyOf(errors));
  }

  public boolean isOk() {
    return errors.isEmpty();
  }

  /** The value; throws {@link IllegalStateException} naming the errors when there is none. */
  public T value() {
    if (!isOk()) {
      throw new IllegalStateException(errorText());
    }
    return value;
  }

  public Optional<T> toOptional() {
    return Optional.ofNullable(value);
  }

  public List<ConfigError> errors() {
    return errors;
  }

  /** The errors as one line, separated by "; " — suitable for {@code {"error": "..."}}. */
  public String errorText() {
    return errors.stream().map(ConfigError::toString).collect(Collectors.joining("; "));
  }

  public <U> Result<U> map(Function<? super T, ? extends U> f) {
    return isOk() ? Result.ok(f.apply(value)) : Result.failed(errors);
  }

  @Override
  public String toString() {
    return isOk() ? "Ok[" + value + "]" : "Failed[" + errorText() + "]";
  }
}
