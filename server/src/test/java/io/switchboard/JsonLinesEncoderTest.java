package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** JSON lines: one object per event, with dpid / app fields taken from the message's placeholders and the MDC. */
class JsonLinesEncoderTest {
  final LoggerContext ctx = new LoggerContext();

  {
    ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
  }
  final JsonLinesEncoder encoder = new JsonLinesEncoder();
  final ObjectMapper json = new ObjectMapper();

  JsonNode encode(LoggingEvent e) throws Exception {
    String line = new String(encoder.encode(e), StandardCharsets.UTF_8);
    assertTrue(line.endsWith("}\n"), line);
    assertEquals(1, line.split("\n", -1).length - 1, "exactly one line: " + line);
    return json.readTree(line);
  }

  LoggingEvent event(Level level, String msg, Throwable t, Object... args) {
    return new LoggingEvent("io.switchboard.X", ctx.getLogger("io.switchboard.controller.flow.FlowProgrammer"),
        level, msg, t, args);
  }

  @Test
  void aSwitchLineCarriesItsDpidAndApp() throws Exception {
    JsonNode n = encode(event(Level.ERROR, "switch {}: app {} failed on a packet-in", null,
        "00:00:00:00:00:00:d0:01", "acl"));
    assertEquals("ERROR", n.get("level").asText());
    assertEquals("io.switchboard.controller.flow.FlowProgrammer", n.get("logger").asText());
    assertEquals("switch 00:00:00:00:00:00:d0:01: app acl failed on a packet-in", n.get("message").asText());
    assertEquals("00:00:00:00:00:00:d0:01", n.get("dpid").asText());
    assertEquals("acl", n.get("app").asText());
    assertTrue(n.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"),
        n.get("time").asText());
  }

  @Test
  void aSwitchArgumentThatIsNoDpidIsNotCalledOne() throws Exception {
    JsonNode n = encode(event(Level.INFO, "switch {} ({}) disconnected", null, "br-int", "x"));
    assertFalse(n.has("dpid"), n.toString());
    n = encode(event(Level.INFO, "app {} started", null, "l2-learning"));
    assertEquals("l2-learning", n.get("app").asText());
    n = encode(event(Level.INFO, "escaped \\{} then switch {}", null, "0000000000000001"));
    assertEquals("0000000000000001", n.get("dpid").asText(), "an escaped placeholder takes no argument");
  }

  @Test
  void mdcAndKeyValuePairsAreFieldsAndExceptionsAnError() throws Exception {
    LoggingEvent e = event(Level.WARN, "reading \"flows\"\tfailed", new IllegalStateException("boom\nline2"));
    e.setMDCPropertyMap(Map.of("dpid", "00:00:00:00:00:00:00:02"));
    e.addKeyValuePair(new KeyValuePair("ops", 3));
    JsonNode n = encode(e);
    assertEquals("reading \"flows\"\tfailed", n.get("message").asText());
    assertEquals("00:00:00:00:00:00:00:02", n.get("dpid").asText());
    assertEquals("3", n.get("ops").asText());
    assertTrue(n.get("error").asText().startsWith("java.lang.IllegalStateException: boom\nline2"),
        n.get("error").asText());
    assertTrue(n.get("error").asText().contains("at io.switchboard.JsonLinesEncoderTest"), "with its stack");
  }
}
