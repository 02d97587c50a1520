package io.switchboard.controller.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A collection an app exposes under {@code /api/v1/<path>} (e.g. {@code acl/rules}), without knowing the web
 * framework: items are plain maps, lists, strings and numbers that the REST layer writes as JSON.
 */
public interface RestResource {
  /** The path under /api/v1, e.g. "hosts" or "acl/rules". */
  String path();

  List<Map<String, Object>> list();

  default Optional<Map<String, Object>> get(String name) {
    return list().stream().filter(m -> name.equals(m.get("name"))).findFirst();
  }

  /** Adds an item from a JSON body; throws {@link ApiException} with 400 or 409 and a reason on bad input. */
  default Map<String, Object> create(Map<String, Object> body) {
    throw new ApiException(405, "this collection is read-only");
  }

  /**
   * Replaces an item in place ({@code PUT <path>/{name}}) from a JSON body; throws {@link ApiException} with 400,
   * 404 or 409 and a reason on bad input.
   */
  /** True when items can be replaced in place; only then is {@code PUT <path>/{name}} routed (and in Allow). */
  default boolean replaceable() {
    return false;
  }

  default Map<String, Object> replace(String name, Map<String, Object> body) {
    throw new ApiException(405, "items of this collection cannot be replaced; delete and add");
  }

  /**
   * Asks to be told when the collection's items change: one added, removed or changed in what {@link #list} shows
   * (ages and counters moving on do not count), here or on another instance. {@code listener} is quick and
   * thread-safe (the console's event stream marks the collection as changed); call it from any thread, as often as
   * changes happen ({@link ChangeListeners} keeps them). The default tells nothing: such a collection is shown as
   * of its last read.
   */
  default void onChange(Runnable listener) {}

  /** Removes an item; false when there was none of that name. */
  default boolean delete(String name) {
    throw new ApiException(405, "this collection is read-only");
  }

  // A path may hold parameters ("overlay/routers/:router/nat"); these get them by name, and by default ignore them.

  default List<Map<String, Object>> list(Map<String, String> pathParams) {
    return list();
  }

  default Optional<Map<String, Object>> get(Map<String, String> pathParams, String name) {
    return get(name);
  }

  default Map<String, Object> create(Map<String, String> pathParams, Map<String, Object> body) {
    return create(body);
  }

  default boolean delete(Map<String, String> pathParams, String name) {
    return delete(name);
  }
}
