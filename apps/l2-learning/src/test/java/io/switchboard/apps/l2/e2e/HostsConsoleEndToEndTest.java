package io.switchboard.apps.l2.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.apps.l2.L2LearningApp;
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
 * A bridge's page in headless Chromium, against real OVS: a host l2-learning learns while the page is open (a
 * container plugged in after the page was drawn) appears on it without a reload. The page reads its flows again every 5 s, but its hosts only when the event stream says
 * {@code changed: hosts}, so this shows the event path.
 */
class HostsConsoleEndToEndTest {
  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("cnsh");

  static final String YAML = """
      apps: [l2-learning]
      """;
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String HOSTS = "[...document.querySelectorAll('#bridge-hosts tr.host-row')].map(r => r.dataset.mac)"
      + ".sort().join()";

  @Test
  void hostsLearnedWhileTheBridgePageIsOpenAppearWithoutAReload() throws Exception {
    TestBed bed = e2e.bed();
    ControllerHarness ctl = e2e.start(YAML, new L2LearningApp());
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      SimHost host = bed.host("h1");
      Bridge ovs0 = host.addBridge("ovs0", 0xc5L);
      Container a = bed.container(host, "a", "ovs0", "192.168.8.2/24", "02:00:00:00:08:02");
      ctl.connect(ovs0);
      ControllerHarness.awaitTrue("ovs0 reconciled", WAIT, () -> ctl.controller().session("ovs0")
          .map(s -> s.programmer() != null && s.programmer().synced()).orElse(false));

      browser.navigate(ctl.restBase().replace(RestServer.BASE, "") + "/ui/#/bridge/00:00:00:00:00:00:00:c5");
      browser.await("the bridge page, live", WAIT,
          "!!document.getElementById('bridge-hosts') + '|' + document.getElementById('live').textContent",
          v -> v.asText().equals("true|live"));
      browser.eval("window.notReloaded = 7");
      assertTrue(!browser.eval(HOSTS).asText().contains("02:00:00:00:08:03"), "b does not exist yet");

      // a container plugged in now: its MAC can only be learned after the page was drawn
      Container b = bed.container(host, "b", "ovs0", "192.168.8.3/24", "02:00:00:00:08:03");
      assertTrue(b.canReachWithin(a.ip(), WAIT), "b reaches a through learned entries");
      browser.await("both hosts on the open page", WAIT, HOSTS + " + '|' + window.notReloaded",
          v -> v.asText().equals("02:00:00:00:08:02,02:00:00:00:08:03|7"));
      assertEquals("b-eth", browser.eval(
          "document.querySelector('#bridge-hosts tr.host-row[data-mac=\"02:00:00:00:08:03\"]').children[2]"
              + ".textContent").asText(), "with the port it was learned on");
      browser.eval("document.getElementById('bridge-hosts').scrollIntoView(); true");
      browser.screenshot(Path.of("target", "ui-screenshots", "bridge-hosts.png"));
    }
  }
}
