package io.switchboard.controller.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One page of a list answer: {@code ?offset=N&limit=M} (defaults 0 and {@value #DEFAULT_LIMIT}, at most
 * {@value #MAX_LIMIT}). The body stays a JSON array; {@code X-Total-Count} says how many there are and
 * {@code Link: <...>; rel="next"} where the next page is.
 */
public record Paging(int offset, int limit) {
  public static final int DEFAULT_LIMIT = 1000;
  public static final int MAX_LIMIT = 10_000;

  /** From the query; a bad value is a 400 naming the parameter. */
  public static Paging of(Map<String, String> query) {
    int offset = number(query, "offset", 0, Integer.MAX_VALUE, 0, "a number of items to skip, 0 or more");
    int limit = number(query, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, "a page size, 1-" + MAX_LIMIT);
    return new Paging(offset, limit);
  }

  /** A whole number query parameter in [min, max]; absent: {@code dflt}; else a 400 naming it. */
  public static int number(Map<String, String> query, String name, int min, int max, int dflt, String expected) {
    String v = query.get(name);
    if (v == null) {
      return dflt;
    }
    if (!v.matches("\\d{1,10}") || Long.parseLong(v) < min || Long.parseLong(v) > max) {
      throw new BadParameter(name, expected, v);
    }
    return Integer.parseInt(v);
  }

  public <T> List<T> page(List<T> all) {
    int from = (int) Math.min(offset, all.size());
    int to = (int) Math.min((long) from + limit, all.size());
    return all.subList(from, to);
  }

  /** The {@code Link} header's target for the next page, or null when this is the last. */
  public String next(String path, List<Map.Entry<String, String>> query, int total) {
    if ((long) offset + limit >= total) {
      return null;
    }
    StringBuilder sb = new StringBuilder(path).append('?');
    for (Map.Entry<String, String> e : query) {
      if (!e.getKey().equals("offset") && !e.getKey().equals("limit")) {
        sb.append(enc(e.getKey())).append('=').append(enc(e.getValue())).append('&');
      }
    }
    return sb.append("offset=").append(offset + limit).append("&limit=").append(limit).toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
