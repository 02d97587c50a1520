package io.switchboard.controller.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two apps that want an entry at the same (stage, priority, match) are shown by GET /apps, not resolved silently. */
class AppConflictsTest {

  /** Wants one ACL entry for ethernet destination 02:..:01, sending it to {@code port}. */
  record Wants(String name, long port) implements ControllerApp {
    @Override
    public void desiredFlows(SwitchView sw, FlowSink out) {
      out.add(FlowEntry.in(Stage.ACL).priority(500).match(FlowMatch.builder().ethDst(0x020000000001L).build())
          .actions(Action.output(port)).build());
      out.add(FlowEntry.in(Stage.ACL).priority(500).match(FlowMatch.builder().ethDst(0x020000000000L + port).build())
          .actions(Action.output(port)).build());
    }
  }

  @Test
  void getAppsNamesBothAppsTheKeyAndWhoseEntryIsInstalled() throws Exception {
    try (ControllerHarness ctl = ControllerHarness.start("apps: [first, second]\n", new Wants("first", 3),
        new Wants("second", 4));
         FakeSwitch sw = FakeSwitch.connect(ctl.openflowPort(), 0xc0f1)) {
      ctl.awaitSwitch("00:00:00:00:00:00:c0:f1", Duration.ofSeconds(10));
      ControllerHarness.Response r = ctl.get("/apps");
      assertEquals(200, r.status(), r.body());
      JsonNode apps = new ObjectMapper().readTree(r.body());
      JsonNode first = null;
      JsonNode second = null;
      for (JsonNode a : apps) {
        if (a.path("name").asText().equals("first")) {
          first = a;
        } else if (a.path("name").asText().equals("second")) {
          second = a;
        }
      }
      assertEquals(1, first.path("conflicts").size(), first.toString());
      assertEquals(1, first.path("conflict-count").asInt(), first.toString());
      assertEquals(first.path("conflicts"), second.path("conflicts"));
      JsonNode c = first.path("conflicts").get(0);
      assertEquals("fakec0f1", c.path("bridge").asText()); // the fake switch's LOCAL port name
      assertEquals("acl", c.path("stage").asText());
      assertEquals(500, c.path("priority").asInt());
      assertEquals("[\"first\",\"second\"]", c.path("apps").toString());
      assertEquals("first", c.path("installed").asText());
      assertTrue(!c.path("same-entry").asBoolean(), c.toString());
      assertTrue(c.path("match").toString().contains("02:00:00:00:00:01"), c.toString());

      // a plan for a config that enables only one of them has none; one that swaps their order names both
      io.switchboard.controller.core.ConfigPlanner planner = new io.switchboard.controller.core.ConfigPlanner(
          ctl.controller(), () -> List.of(new Wants("first", 3), new Wants("second", 4)),
          new io.switchboard.controller.store.InMemoryStoreFactory());
      var alone = planner.plan(config("apps: [first]"));
      assertEquals(List.of(), alone.get(0).conflicts());
      var swapped = planner.plan(config("apps: [second, first]"));
      assertEquals(1, swapped.get(0).conflicts().size());
      assertEquals(List.of("second", "first"), swapped.get(0).conflicts().get(0).apps());
      assertEquals("second", swapped.get(0).conflicts().get(0).winner());
    }
  }

  private static io.switchboard.config.SwitchboardConfig config(String yaml) throws Exception {
    return io.switchboard.config.ConfigLoader.parse(yaml, "plan.yaml", java.util.Set.of("first", "second"));
  }
}
