package io.switchboard.controller.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/** JSON in and out of the REST API. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON object body, or an {@link io.switchboard.controller.spi.ApiException} 400 saying what is wrong. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(String body) {
    if (body == null || body.isBlank()) {
      throw new io.switchboard.controller.spi.ApiException(400, "expected a JSON object in the request body");
    }
    try {
      Object o = MAPPER.readValue(body, Object.class);
      if (!(o instanceof Map)) {
        throw new io.switchboard.controller.spi.ApiException(400, "expected a JSON object, got "
            + (o == null ? "null" : o instanceof java.util.List ? "an array" : "a " + o.getClass().getSimpleName()));
      }
      return (Map<String, Object>) o;
    } catch (JsonProcessingException e) {
      throw new io.switchboard.controller.spi.ApiException(400, "malformed JSON: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
  }
}
