package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.HeadlessChromium;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's ACL page in headless Chromium, against real OVS: a rule added through the page's form blocks a
 * ping between two containers, deleting it through the page lets the ping through again, and a bad match is
 * refused with the API's reason shown on the page. Rules added and deleted over REST appear and go on the open page
 * without a reload (the event stream's {@code changed: acl/rules}).
 */
class AclConsoleEndToEndTest {
  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("svac");

  static final String YAML = """
      apps: [flood, acl]
      acl:
        default: allow
        rules:
          - {name: cfg-no-telnet, priority: 10, match: {tcp-dst: 23}, action: drop}
      """;
  static final Duration SETTLE = Duration.ofSeconds(10);

  static String setValues(String name, String priority, String match) {
    return "document.getElementById('acl-name').value = '" + name + "';"
        + "document.getElementById('acl-priority').value = '" + priority + "';"
        + "document.getElementById('acl-match').value = '" + match + "';"
        + "document.getElementById('acl-action').value = 'drop';"
        + "document.getElementById('acl-add').click(); true";
  }

  @Test
  void aRuleAddedInThePageBlocksAPingAndDeletingItLetsItThrough() throws Exception {
    TestBed bed = e2e.bed();
    ControllerHarness ctl = e2e.start(YAML, new FloodApp(), new AclApp());
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      SimHost host = bed.host("h1");
      Bridge ovs0 = host.addBridge("ovs0", 0x5ac1L);
      Container a = bed.container(host, "a", "ovs0", "192.168.7.2/24", "02:00:00:00:07:02");
      Container b = bed.container(host, "b", "ovs0", "192.168.7.3/24", "02:00:00:00:07:03");
      ctl.connect(ovs0);
      assertTrue(a.canReachWithin(b.ip(), SETTLE), "forwarding works before any rule");

      browser.navigate(ctl.restBase().replace(RestServer.BASE, "") + "/ui/#/acl");
      browser.await("the page", SETTLE, "!!document.getElementById('acl-token')", v -> v.asBoolean());
      // the operator pastes the REST token: the page sends it with every change
      browser.eval("const t = document.getElementById('acl-token'); t.value = '" + ctl.token() + "';"
          + "t.dispatchEvent(new Event('change')); true");
      browser.await("the ACL page with the config's rule", SETTLE,
          "[...document.querySelectorAll('tr.rule')].map(r => r.dataset.rule).join()",
          v -> v.asText().equals("cfg-no-telnet"));

      // a rule added over REST (the CLI, another operator) appears on the open page without a reload, and what is
      // typed in the form stays
      browser.await("the live indicator", SETTLE, "document.getElementById('live').textContent",
          v -> v.asText().equals("live"));
      browser.eval("window.notReloaded = 42; document.getElementById('acl-name').value = 'typing'; true");
      assertEquals(201, ctl.post("/acl/rules", "{\"name\": \"api-no-udp-9\", \"priority\": 20, "
          + "\"match\": {\"udp-dst\": 9}, \"action\": \"drop\"}").status());
      browser.await("the REST rule on the open page", SETTLE,
          "[...document.querySelectorAll('tr.rule')].map(r => r.dataset.rule).sort().join() + '|' + "
              + "window.notReloaded + '|' + document.getElementById('acl-name').value + '|' + "
              + "document.getElementById('acl-count').textContent",
          v -> v.asText().equals("api-no-udp-9,cfg-no-telnet|42|typing|ACL rules: 2"));
      assertEquals(2, ctl.delete("/acl/rules/api-no-udp-9").status() / 100);
      browser.await("and gone when deleted over REST", SETTLE,
          "[...document.querySelectorAll('tr.rule')].map(r => r.dataset.rule).join() + '|' + window.notReloaded",
          v -> v.asText().equals("cfg-no-telnet|42"));

      browser.eval(setValues("ui-no-icmp", "300", "eth-type=ipv4, ip-proto=icmp"));
      browser.await("the page lists the new rule", SETTLE,
          "[...document.querySelectorAll('tr.rule')].map(r => r.dataset.rule).sort().join()"
              + " + '|' + document.getElementById('acl-status').textContent",
          v -> v.asText().equals("cfg-no-telnet,ui-no-icmp|rule ui-no-icmp added"));
      ControllerHarness.awaitTrue("the ping is blocked", SETTLE, () -> !a.canReach(b.ip()));
      browser.screenshot(Path.of("target", "ui-screenshots", "acl.png"));

      browser.eval(setValues("bad-rule", "5", "ip-proto=icmpp"));
      browser.await("a bad match is refused with the reason", SETTLE,
          "document.getElementById('acl-status').className + '|' + document.getElementById('acl-status')"
              + ".textContent", v -> v.asText().startsWith("error|") && v.asText().contains("icmpp"));

      browser.eval("document.querySelector('button.delete[data-rule=ui-no-icmp]').click(); true");
      browser.await("the page no longer lists it", SETTLE,
          "[...document.querySelectorAll('tr.rule')].map(r => r.dataset.rule).join()",
          v -> v.asText().equals("cfg-no-telnet"));
      assertTrue(a.canReachWithin(b.ip(), SETTLE), "the ping goes through again");
      assertEquals(0, browser.eval("document.querySelectorAll('button.delete[data-rule=cfg-no-telnet]').length")
          .asInt(), "a rule of the config file has no delete button");
      assertFalse(ctl.get("/acl/rules").body().contains("bad-rule"));
    }
  }
}
