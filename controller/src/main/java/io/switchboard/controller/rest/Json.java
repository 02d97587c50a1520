package io.switchboard.controller.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.controller.spi.ApiException;
import java.util.Map;

/**
 * JSON in and out of the REST API. Bodies are read with bounds: at most {@value #MAX_DEPTH} levels of nesting,
 * no duplicate keys (as the config file), strings and numbers of sane length; each refusal is a 400 naming why.
 */
public final class Json {
  public static final int MAX_DEPTH = 64;
  /** How much of a caller's own text an error message repeats. */
  public static final int ECHO_CHARS = 120;
  private static final int MAX_MESSAGE = 4000; // a config with many errors lists them all

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
          .maxStringLength(1 << 20).maxNumberLength(100).build())
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  private Json() {}

  /** A 400 for a body refused by one of the bounds; {@link #reason()} labels the metric. */
  public static final class BadJson extends ApiException {
    private final String reason;

    BadJson(String reason, String message) {
      super(400, message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  public static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON object body, or an {@link ApiException} 400 saying what is wrong. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(String body) {
    if (body == null || body.isBlank()) {
      throw new ApiException(400, "expected a JSON object in the request body");
    }
    try {
      Object o = READER.readValue(body, Object.class);
      if (!(o instanceof Map)) {
        throw new ApiException(400, "expected a JSON object, got "
            + (o == null ? "null" : o instanceof java.util.List ? "an array" : "a " + o.getClass().getSimpleName()));
      }
      return (Map<String, Object>) o;
    } catch (StreamConstraintsException e) {
      String what = e.getMessage() != null && e.getMessage().contains("nesting depth")
          ? "JSON nested more than " + MAX_DEPTH + " levels deep" : "JSON value too long: " + e.getOriginalMessage();
      throw new BadJson(what.startsWith("JSON nested") ? "json-depth" : "json-size", what + at(e));
    } catch (JsonProcessingException e) {
      String m = e.getOriginalMessage();
      if (m != null && m.startsWith("Duplicate field")) {
        throw new BadJson("json-duplicate-key", "duplicate key in JSON object: "
            + clip(m.substring("Duplicate field ".length())) + at(e));
      }
      throw new ApiException(400, "malformed JSON: " + clip(m) + at(e));
    }
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ")";
  }

  /** A caller's text as an error repeats it: at most {@value #ECHO_CHARS} characters, then "…". */
  public static String clip(String userText) {
    if (userText == null) {
      return "null";
    }
    return userText.length() <= ECHO_CHARS ? userText : userText.substring(0, ECHO_CHARS) + "…";
  }

  /**
   * An error message as sent: any quoted part or unbroken run longer than {@value #ECHO_CHARS} characters is cut
   * to that with "…", and the whole to {@value #MAX_MESSAGE}, so that no handler can echo a huge input back.
   */
  public static String safeMessage(String message) {
    if (message == null) {
      return "error";
    }
    StringBuilder out = new StringBuilder(Math.min(message.length(), MAX_MESSAGE + 1));
    int i = 0;
    int n = message.length();
    while (i < n && out.length() <= MAX_MESSAGE) {
      char c = message.charAt(i);
      if (c == '\'' || c == '"') {
        int close = message.indexOf(c, i + 1);
        if (close > 0 && close - i - 1 > ECHO_CHARS) {
          out.append(c).append(message, i + 1, i + 1 + ECHO_CHARS).append('…').append(c);
          i = close + 1;
          continue;
        }
      }
      if (!Character.isWhitespace(c)) {
        int end = i;
        while (end < n && isWordChar(message.charAt(end), end == i) && end - i <= ECHO_CHARS) {
          end++;
        }
        if (end - i > ECHO_CHARS) {
          out.append(message, i, i + ECHO_CHARS).append('…');
          while (end < n && isWordChar(message.charAt(end), false)) {
            end++;
          }
          i = end;
          continue;
        }
        out.append(message, i, end);
        i = end;
        continue;
      }
      out.append(c);
      i++;
    }
    if (i < n) {
      out.setLength(Math.min(out.length(), MAX_MESSAGE));
      out.append('…');
    }
    return out.toString();
  }

  private static boolean isWordChar(char c, boolean first) {
    return !Character.isWhitespace(c) && (first || c != '\'' && c != '"');
  }
}
