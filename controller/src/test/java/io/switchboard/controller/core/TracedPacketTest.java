package io.switchboard.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.Field;
import org.junit.jupiter.api.Test;

/** The traced packet's conntrack assumption as a request gives it, and copies that do not share state. */
class TracedPacketTest {
  @Test
  void theAssumedStateIsNewUnlessTheRequestNamesAnother() {
    assertEquals(Field.CT_NEW, TracedPacket.assumedCtState(null));
    assertEquals(Field.CT_EST, TracedPacket.assumedCtState(" Established "));
    assertEquals(Field.CT_REL, TracedPacket.assumedCtState("related"));
    assertEquals(Field.CT_INV, TracedPacket.assumedCtState("invalid"));
  }

  @Test
  void anUnknownStateIs400NamingTheKeyAndTheChoices() {
    ApiException e = assertThrows(ApiException.class, () -> TracedPacket.assumedCtState("half-open"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().startsWith("ct-state: expected new, established, related or invalid")
        && e.getMessage().contains("\"half-open\""), e.getMessage());
    assertEquals(400, assertThrows(ApiException.class, () -> TracedPacket.assumedCtState(7)).status());
  }

  @Test
  void theStatesNameIsTheOneARequestUses() {
    TracedPacket p = new TracedPacket();
    assertEquals("new", p.assumedCtStateName());
    p.assumedCtState = TracedPacket.assumedCtState("established");
    assertEquals("established", p.assumedCtStateName());
  }

  @Test
  void aCopyGoesItsOwnWay() {
    TracedPacket p = new TracedPacket();
    p.f.put(Field.IN_PORT, 1L);
    p.ttl = 9;
    p.assumedCtState = Field.CT_EST;
    TracedPacket q = p.copy();
    q.f.put(Field.IN_PORT, 2L);
    q.ttl--;
    assertEquals(1L, p.f.get(Field.IN_PORT));
    assertEquals(9, p.ttl);
    assertEquals(8, q.ttl);
    assertEquals(Field.CT_EST, q.assumedCtState);
  }
}
