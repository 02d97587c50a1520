package io.switchboard;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.event.KeyValuePair;

/**
 * Log events as JSON lines, one object per event, for log shippers (Loki, Elasticsearch, journald's JSON export):
 *
 * <pre>{"time":"2026-12-01T09:30:00.123Z","level":"INFO","logger":"io.switchboard...FlowProgrammer",
 *  "thread":"...","message":"switch 00:00:00:00:00:00:d0:01: audit reconciliation sent 2 change(s)",
 *  "dpid":"00:00:00:00:00:00:d0:01"}</pre>
 *
 * Fields beyond time, level, logger, thread and message come from, in this order: the words before the message's
 * placeholders ({@code "switch {}"} gives {@code dpid} when its argument is a dpid, {@code "app {}"} gives
 * {@code app}, {@code "bridge {}"} gives {@code bridge}: the house style puts the dpid first in every line about
 * a switch), SLF4J's MDC, and SLF4J 2 key-value pairs ({@code log.atInfo().addKeyValue(..)}); later ones win. An
 * exception is in {@code error}, its stack trace included.
 */
public final class JsonLinesEncoder extends EncoderBase<ILoggingEvent> {
  private static final Pattern DPID = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){7}|[0-9a-fA-F]{16}");
  private static final Map<String, String> FIELD_OF_WORD = Map.of("switch", "dpid", "app", "app", "bridge",
      "bridge");

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent e) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("time", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(e.getTimeStamp())));
    fields.put("level", e.getLevel().toString());
    fields.put("logger", e.getLoggerName());
    fields.put("thread", e.getThreadName());
    fields.put("message", e.getFormattedMessage());
    fields.putAll(fromPlaceholders(e.getMessage(), e.getArgumentArray()));
    Map<String, String> mdc = e.getMDCPropertyMap();
    if (mdc != null) {
      fields.putAll(mdc);
    }
    if (e.getKeyValuePairs() != null) {
      for (KeyValuePair kv : e.getKeyValuePairs()) {
        fields.put(kv.key, String.valueOf(kv.value));
      }
    }
    IThrowableProxy t = e.getThrowableProxy();
    if (t != null) {
      fields.put("error", ThrowableProxyUtil.asString(t));
    }
    StringBuilder sb = new StringBuilder(256).append('{');
    fields.forEach((k, v) -> {
      if (sb.length() > 1) {
        sb.append(',');
      }
      quote(sb, k).append(':');
      quote(sb, v);
    });
    return sb.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** dpid, app, bridge: from the word before each {@code {}} of the message pattern and its argument. */
  static Map<String, String> fromPlaceholders(String pattern, Object[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    if (pattern == null || args == null || args.length == 0) {
      return out;
    }
    int arg = 0;
    int from = 0;
    while (arg < args.length) {
      int at = pattern.indexOf("{}", from);
      if (at < 0) {
        break;
      }
      from = at + 2;
      if (at > 0 && pattern.charAt(at - 1) == '\\') {
        continue; // an escaped placeholder takes no argument
      }
      Object value = args[arg++];
      int end = at;
      while (end > 0 && pattern.charAt(end - 1) == ' ') {
        end--;
      }
      int start = end;
      while (start > 0 && Character.isLetter(pattern.charAt(start - 1))) {
        start--;
      }
      String field = FIELD_OF_WORD.get(pattern.substring(start, end).toLowerCase(java.util.Locale.ROOT));
      if (field == null || value == null || out.containsKey(field)) {
        continue;
      }
      String text = value.toString();
      if (!field.equals("dpid") || DPID.matcher(text).matches()) {
        out.put(field, text);
      }
    }
    return out;
  }

  static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    if (s == null) {
      s = "";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }
}
