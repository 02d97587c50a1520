package io.switchboard.controller.rest;

import java.util.Map;
import java.util.Optional;

/** A REST request as a handler sees it: path parameters, query parameters and the raw body. */
public record RestRequest(Map<String, String> params, Map<String, String> query, String body) {
  public String param(String name) {
    return params.get(name);
  }

  public Optional<String> query(String name) {
    return Optional.ofNullable(query.get(name));
  }

  public Map<String, Object> jsonBody() {
    return Json.readObject(body);
  }
}
