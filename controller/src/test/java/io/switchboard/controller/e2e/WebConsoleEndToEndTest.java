package io.switchboard.controller.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.HeadlessChromium;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.TestBed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web console at /ui in a real headless Chromium, against a controller with real OVS bridges: the topology
 * draws the connected bridge and the configured overlay hosts, a bridge that connects later appears without a
 * reload (server-sent events), and a bridge's page lists exactly the entries `ovs-ofctl dump-flows` shows, by
 * stage, with an entry nobody wants marked. Screenshots go to controller/target/ui-screenshots/.
 */
class WebConsoleEndToEndTest {
  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("svui");

  /** Entries in three stages. */
  static final class StagesApp implements ControllerApp {
    public String name() {
      return "stages";
    }

    public void desiredFlows(SwitchView sw, FlowSink out) {
      out.add(FlowEntry.in(Stage.CLASSIFY).priority(10).next(Stage.ACL).build());
      out.add(FlowEntry.in(Stage.ACL).priority(100).match(FlowMatch.builder().ethType(0x0806).build())
          .next(Stage.L2).build());
      out.add(FlowEntry.in(Stage.L2).priority(10).actions(Action.output(Action.PORT_FLOOD)).build());
    }
  }

  static final String CONFIG = """
      reconcile: {audit-interval: 300s}
      apps: [stages]
      overlay:
        hosts:
          - {name: host1, bridge: ovs0, tunnel-ip: 10.99.0.1}
          - {name: host2, bridge: ovs1, tunnel-ip: 10.99.0.2}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
        routers:
          - {name: r1, networks: [net1, net2]}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
          - {name: con9, network: net2, host: host2, port: con9-eth, mac: "02:00:00:00:02:02", ip: 192.168.2.2}
      """;

  static final Path SHOTS = Path.of("target", "ui-screenshots");
  static final Pattern TABLE = Pattern.compile("\\btable=(\\d+)");
  static final Pattern PRIORITY = Pattern.compile("\\bpriority=(\\d+)");

  /** table/priority of every entry, as ovs-ofctl shows them (table 0 and priority 32768 are left out there). */
  static List<String> dumped(Bridge br) {
    List<String> out = new ArrayList<>();
    for (String line : br.flows()) {
      Matcher t = TABLE.matcher(line);
      Matcher p = PRIORITY.matcher(line);
      out.add((t.find() ? t.group(1) : "0") + "/" + (p.find() ? p.group(1) : "32768"));
    }
    out.sort(null);
    return out;
  }

  @Test
  void topologyBridgePageAndLiveUpdatesInARealBrowser() throws Exception {
    TestBed bed = e2e.bed();
    ControllerHarness ctl = e2e.start(CONFIG, new StagesApp());
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      Bridge ovs0 = bed.host("h1").addBridge("ovs0", 0x5e01L);
      Bridge ovs1 = bed.host("h2").addBridge("ovs1", 0x5e02L);
      ctl.connect(ovs0);
      String ui = ctl.restBase().replace(RestServer.BASE, "") + "/ui/";

      browser.navigate(ui);
      browser.await("the topology with ovs0, host2 not connected", Duration.ofSeconds(20),
          "[...document.querySelectorAll('svg .bridge')].map(b => b.dataset.name).join() + '|'"
              + " + !!document.querySelector('svg .host.down[data-host=host2]')"
              + " + '|' + document.querySelectorAll('svg .tunnel, svg .network, svg .router, svg .endpoint').length",
          v -> v.asText().equals("ovs0|true|6"));
      browser.await("the live indicator", Duration.ofSeconds(10), "document.getElementById('live').textContent",
          v -> v.asText().equals("live"));
      browser.eval("window.notReloaded = 42");

      ctl.connect(ovs1);
      browser.await("ovs1 appears without a reload", Duration.ofSeconds(15),
          "[...document.querySelectorAll('svg .bridge')].map(b => b.dataset.name).join() + '|' + window.notReloaded"
              + " + '|' + !!document.querySelector('svg .host.down')",
          v -> v.asText().equals("ovs0,ovs1|42|false"));
      browser.screenshot(SHOTS.resolve("topology.png"));

      // an entry nobody wants (the audit is 5 minutes away), then the bridge page by clicking the bridge
      ovs0.addFlow("table=1,priority=1234,tcp,tp_dst=4321,actions=drop");
      browser.eval("document.querySelector('svg .bridge[data-name=ovs0]')"
          + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))");
      JsonNode rows = browser.await("the bridge page's flows", Duration.ofSeconds(15),
          "location.hash.startsWith('#/bridge/') && [...document.querySelectorAll('tr.flow')]"
              + ".filter(r => r.dataset.kind !== 'missing').map(r => r.dataset.table + '/' + r.dataset.priority)",
          v -> v.isArray() && v.size() > 0);
      List<String> shown = new ArrayList<>();
      rows.forEach(r -> shown.add(r.asText()));
      shown.sort(null);
      assertEquals(dumped(ovs0), shown, "the page lists what ovs-ofctl dump-flows shows");
      assertEquals("extra", browser.eval("document.querySelector('tr.flow[data-priority=\"1234\"]').dataset.kind")
          .asText(), "the entry no app wants is marked");
      JsonNode stages = browser.eval("[...document.querySelectorAll('h2[data-stage]')].map(h => h.dataset.stage)");
      List<String> stageNames = new ArrayList<>();
      stages.forEach(s -> stageNames.add(s.asText()));
      assertTrue(stageNames.containsAll(List.of("classify", "acl", "l2")), "grouped by stage: " + stageNames);
      assertEquals("ovs0", browser.eval("document.querySelector('h1').firstChild.textContent.replace('Bridge ', '')")
          .asText());
      browser.screenshot(SHOTS.resolve("bridge.png"));
    }
  }
}
