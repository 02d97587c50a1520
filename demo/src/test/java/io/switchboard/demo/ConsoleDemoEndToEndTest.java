package io.switchboard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.Http;
import io.switchboard.Switchboard;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.HostPort;
import io.switchboard.config.OpenFlowSettings;
import io.switchboard.config.RestSettings;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.HeadlessChromium;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.TestBed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console in headless Chromium on the demo network (two hosts, VXLAN, router r1) on real OVS: the trace form
 * draws a routed cross-host path as POST /trace answers it, and the cluster/config page shows the members, who
 * masters which bridge, the endpoints, the running config's text, and the plan of a pasted config.
 */
class ConsoleDemoEndToEndTest {
  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("svtr");

  static TestBed bed;
  static Switchboard sb;
  static HeadlessChromium browser;
  static String ui;
  static Path tokenDir;

  @BeforeAll
  static void up() throws Exception {
    bed = e2e.bed();
    Demo.Topology topo = Demo.build(bed, false);
    SwitchboardConfig c = ConfigLoader.load(Demo.CONFIG);
    tokenDir = Files.createTempDirectory("sv-console-token");
    SwitchboardConfig cfg = new SwitchboardConfig(new OpenFlowSettings(new HostPort("127.0.0.1", 0),
        c.openflow().echoInterval()), new RestSettings(new HostPort("127.0.0.1", 0)).withTokenFile(
        tokenDir.resolve("rest-token")), c.cluster(), c.apps(),
        c.bridges(), c.reconcile(), c.sections(), c.source());
    sb = e2e.closeAtEnd(Switchboard.start(cfg, Demo.CONFIG)); // the file: what GET /config and the system page show
    for (Bridge b : topo.bridges().values()) {
      b.setController(sb.openflowPort());
    }
    ControllerHarness.awaitTrue("both bridges programmed", Duration.ofSeconds(30), () -> sb.controller()
        .sessions().stream().filter(s -> s.programmer() != null && s.programmer().synced()).count() == 2);
    browser = e2e.closeAtEnd(HeadlessChromium.start());
    ui = sb.restBase().replace(RestServer.BASE, "") + "/ui/";
    // what an operator pastes into the page's token field: kept for the tab, sent with every change
    browser.navigate(ui);
    browser.await("the console", Duration.ofSeconds(15), "document.readyState", v -> v.asText().equals("complete"));
    browser.eval("sessionStorage.setItem('switchboard-token', "
        + new ObjectMapper().writeValueAsString(Files.readString(sb.restTokenFile()).trim()) + "); true");
  }

  @AfterAll
  static void down() throws Exception {
    if (tokenDir != null) {
      Files.deleteIfExists(tokenDir.resolve("rest-token"));
      Files.deleteIfExists(tokenDir);
    }
  }

  @Test
  void theTraceFormDrawsTheRoutedCrossHostPath() throws Exception {
    String request = "{\"bridge\": \"00:00:00:00:00:00:d0:02\", \"in-port\": \"con9-eth\", "
        + "\"ipv4-dst\": \"192.168.1.2\", \"ip-proto\": \"icmp\"}";
    JsonNode api = new ObjectMapper().readTree(new Http(sb).post("/trace", request).body());
    List<String> summaries = new ArrayList<>();
    api.path("outcome").forEach(o -> summaries.add(o.path("summary").asText()));

    browser.navigate(ui + "#/trace");
    browser.await("the form lists both bridges", Duration.ofSeconds(15),
        "document.querySelectorAll('#trace-bridge option').length", v -> v.asInt() == 2);
    browser.eval("document.getElementById('trace-bridge').value = '00:00:00:00:00:00:d0:02';"
        + "document.getElementById('trace-in-port').value = 'con9-eth';"
        + "document.getElementById('trace-fields').value = 'ipv4-dst=192.168.1.2, ip-proto=icmp';"
        + "document.getElementById('trace-run').click(); true");
    JsonNode status = browser.await("an answer", Duration.ofSeconds(15),
        "(document.getElementById('trace-status') || {}).className + '|' + "
            + "(document.getElementById('trace-status') || {}).textContent",
        v -> !v.asText().startsWith("undefined"));
    assertEquals("|" + String.join("; ", summaries), status.asText(), "no error; what POST /trace says");
    JsonNode drawn = browser.eval(
        "[...document.querySelectorAll('svg.trace g.hop')].map(h => h.dataset.dpid + ':' "
            + "+ [...h.querySelectorAll('g.step')].map(s => s.dataset.stage).join('>')).join(' | ')"
            + " + ' || ' + document.querySelectorAll('svg.trace g.tunnel-hop').length"
            + " + ' || ' + [...document.querySelectorAll('svg.trace g.outcome')].map(o => o.textContent).join()");
    String[] parts = drawn.asText().split(" \\|\\| ");
    String[] hops = parts[0].split(" \\| ");
    assertEquals(2, hops.length, drawn.asText());
    assertTrue(hops[0].startsWith("00:00:00:00:00:00:d0:02:classify>acl>l3"), "routed on host2: " + hops[0]);
    assertTrue(hops[1].startsWith("00:00:00:00:00:00:d0:01:classify"), "then on host1: " + hops[1]);
    assertEquals("1", parts[1], "one tunnel between the hops");
    assertEquals(summaries.get(summaries.size() - 1), parts[2], "the final outcome, as POST /trace says");
    assertTrue(parts[2].contains("con6-eth"), parts[2]);
    browser.screenshot(Path.of("target", "ui-screenshots", "trace.png"));
  }

  @Test
  void theClusterPageShowsMastersEndpointsAndThePlanOfAPastedConfig() throws Exception {
    browser.navigate(ui + "#/system");
    JsonNode page = browser.await("members, masters and endpoints", Duration.ofSeconds(15),
        "document.querySelectorAll('tr.member').length + '|' + [...document.querySelectorAll('tr.master-row')]"
            + ".map(r => r.dataset.dpid).join() + '|' + [...document.querySelectorAll('tr.endpoint-row')]"
            + ".map(r => r.dataset.endpoint).sort().join()",
        v -> !v.asText().startsWith("0|"));
    String[] parts = page.asText().split("\\|");
    assertEquals("1", parts[0], "standalone: one member");
    assertEquals("00:00:00:00:00:00:d0:01,00:00:00:00:00:00:d0:02", parts[1]);
    assertEquals("con10,con11,con6,con7,con8,con9", parts[2], "the demo's endpoints");
    assertEquals(Files.readString(Demo.CONFIG), browser.await("the running config's text", Duration.ofSeconds(15),
        "(document.getElementById('config-text') || {}).textContent", v -> !v.isNull() && !v.isMissingNode()
            && v.isTextual()).asText(), "the file as applied (the demo's has no secret to take out)");

    // the demo config with one more rule: the plan adds its entry on both bridges, changes nothing else
    String pasted = Files.readString(Demo.CONFIG).replace("  rules:\n", "  rules:\n"
        + "    - {name: no-2222, priority: 50, match: {tcp-dst: 2222}, action: drop}\n");
    browser.eval("document.getElementById('plan-yaml').value = " + new ObjectMapper().writeValueAsString(pasted)
        + "; document.getElementById('plan-run').click(); true");
    JsonNode plan = browser.await("the plan", Duration.ofSeconds(15),
        "(document.getElementById('plan-status') || {}).textContent + '|' + [...document.querySelectorAll("
            + "'tr.plan-row')].map(r => r.dataset.kind + ' ' + r.dataset.bridge + ' ' + r.textContent.includes("
            + "'tcp-dst=2222')).join()", v -> !v.asText().startsWith("undefined"));
    assertEquals("what applying it would change:|add br-int true,add br-int true", plan.asText());
    browser.screenshot(Path.of("target", "ui-screenshots", "system.png"));

    browser.eval("document.getElementById('plan-yaml').value = 'apps: [acll]'; "
        + "document.getElementById('plan-run').click(); true");
    browser.await("a bad config is refused with the reason", Duration.ofSeconds(15),
        "(document.getElementById('plan-status') || {}).className + '|' + "
            + "(document.getElementById('plan-status') || {}).textContent",
        v -> v.asText().startsWith("error|") && v.asText().contains("acll"));
  }
}
