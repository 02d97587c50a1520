package io.switchboard.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.FakeSwitch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFErrorCauseData;

/**
 * The Grafana dashboard (deploy/grafana/switchboard.json) and the Prometheus alerts (deploy/prometheus/alerts.yml)
 * name only metrics that exist: each name is scraped from a running controller's /metrics after a fake switch made
 * it appear (connect, reconcile, packet-ins over budget, mastership changes, a multipart limit hit, refused
 * connections), with every label the queries select or group by; names exported outside this module (the config
 * reload metrics of dist) must at least be a metric name in the sources.
 */
class ObservabilityFilesTest {
  static final Pattern NAME = Pattern.compile("\\bswitchboard_[a-z0-9_]+");
  static final Pattern SELECTOR = Pattern.compile("(switchboard_[a-z0-9_]+)\\s*\\{([^}]*)}");
  static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
  static final Pattern LABEL = Pattern.compile("([a-z_]+)\\s*(=~|!=|!~|=)");
  /** Labels Prometheus adds, or histograms have. */
  static final Set<String> IMPLICIT = Set.of("instance", "job", "le");

  static Path repo;
  static Map<String, Set<String>> scraped;

  /** Counts a packet-in over budget for every packet-in, as l2-learning does above its budget. */
  static final class BudgetApp implements ControllerApp {
    public String name() {
      return "budget";
    }

    public void desiredFlows(SwitchView sw, FlowSink out) {
      out.add(FlowEntry.in(Stage.L2).priority(10).match(FlowMatch.builder().exact(Field.ETH_DST, 0x0200_0000_0001L)
          .build()).actions(List.of(Action.output(1))).build());
    }

    public void onPacketIn(SwitchView sw, PacketIn in, AppContext ctx) {
      ctx.count(sw.dpid(), "packet_in_over_budget");
    }
  }

  @BeforeAll
  static void scrapeARunningController() throws Exception {
    repo = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.isDirectory(repo.resolve("deploy"))) {
      repo = repo.getParent();
    }
    String config = """
        apps: [budget]
        openflow:
          limits:
            max-multipart-parts: 50
            max-handshakes-per-source: 2
            handshake-timeout: 2s
        """;
    try (ControllerHarness ctl = ControllerHarness.start(config, new BudgetApp());
         FakeSwitch sw = FakeSwitch.connect(ctl.openflowPort(), 0x5b01)) {
      SwitchSession s = ctl.awaitSwitch("00:00:00:00:00:00:5b:01", Duration.ofSeconds(10));
      ControllerHarness.awaitTrue("reconciled", Duration.ofSeconds(10),
          () -> metrics(ctl).containsKey("switchboard_flows_out_of_sync"));
      sw.send(sw.packetIn(1, 0x0200_0000_0002L, 0x0200_0000_0001L));
      sw.send(OFFactories.getFactory(OFVersion.OF_13).errorMsgs().buildBadRequestErrorMsg().setXid(77)
          .setCode(OFBadRequestCode.BAD_TYPE).setData(OFErrorCauseData.NONE).build());
      // the packet-in must reach the apps before this instance stops programming the bridge (then it would not)
      ControllerHarness.awaitTrue("packet-in handled", Duration.ofSeconds(10),
          () -> metrics(ctl).containsKey("switchboard_packet_ins_total"));
      ctl.controller().unprogram(s);
      ctl.controller().reprogram(s);
      ControllerHarness.awaitTrue("programmed again", Duration.ofSeconds(10),
          () -> s.programmer() != null && s.programmer().synced());
      ctl.controller().audit(s);
      // a switch whose flow stats never end: the multipart limit, a failed reconciliation, a disconnect
      try (FakeSwitch endless = FakeSwitch.connect(ctl.openflowPort(), 0x5b02, null, false)) {
        endless.streamEndlessFlowStats();
        endless.start();
        ControllerHarness.awaitTrue("the endless switch is dropped", Duration.ofSeconds(20), endless::closedByPeer);
      }
      // more handshakes from one source than allowed: refused
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket k = new Socket();
          k.connect(new InetSocketAddress("127.0.0.1", ctl.openflowPort()), 2000);
          idle.add(k);
        }
        ControllerHarness.awaitTrue("connections refused", Duration.ofSeconds(10),
            () -> metrics(ctl).containsKey("switchboard_openflow_connections_refused_total"));
      } finally {
        for (Socket k : idle) {
          k.close();
        }
      }
      sw.sendRaw(new byte[] {4, (byte) 200, 0, 8, 0, 0, 0, 99}); // OpenFlow 1.3, a type that does not exist
      // a change without the REST token: refused
      java.net.http.HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(ctl.restBase() + "/trace"))
              .header("content-type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(401, refused.statusCode(), refused.body());
      List<String> expected = List.of("switchboard_drift_repaired_total", "switchboard_switch_errors_total",
          "switchboard_messages_undecodable_total", "switchboard_rest_rejected_total",
          "switchboard_ui_event_streams", "switchboard_openflow_takeovers_total", "switchboard_app_events_total", "switchboard_packet_ins_total",
          "switchboard_mastership_changes_total", "switchboard_reconciliation_failures_total",
          "switchboard_switch_limit_hits_total", "switchboard_rest_request_seconds");
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!metrics(ctl).keySet().containsAll(expected) && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(metrics(ctl).keySet());
      assertEquals(Set.of(), missing, "series the fake switches should have made appear");
      scraped = metrics(ctl);
    }
  }

  /** Metric name (histogram series folded into their base name) to the label names its series carry. */
  static Map<String, Set<String>> metrics(ControllerHarness ctl) {
    String text;
    try {
      text = ctl.get("/metrics").body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Map<String, Set<String>> out = new TreeMap<>();
    Set<String> histograms = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ") && line.endsWith(" histogram")) {
        histograms.add(line.split(" ")[2]);
      }
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
      String base = name.replaceAll("_(bucket|count|sum)$", "");
      name = histograms.contains(base) ? base : name;
      Set<String> labels = out.computeIfAbsent(name, n -> new TreeSet<>());
      if (brace >= 0 && brace < space) {
        Matcher m = LABEL.matcher(line.substring(brace + 1, line.lastIndexOf('}')));
        while (m.find()) {
          labels.add(m.group(1));
        }
      }
    }
    return out;
  }

  /** The PromQL expressions of both files. */
  static List<String> expressions() throws IOException {
    List<String> out = new ArrayList<>();
    JsonNode rules = new YAMLMapper().readTree(repo.resolve("deploy/prometheus/alerts.yml").toFile());
    for (JsonNode g : rules.path("groups")) {
      for (JsonNode r : g.path("rules")) {
        assertTrue(r.hasNonNull("alert") && r.hasNonNull("expr"), "every rule is an alert with an expr: " + r);
        out.add(r.get("expr").asText());
      }
    }
    JsonNode dash = new ObjectMapper().readTree(repo.resolve("deploy/grafana/switchboard.json").toFile());
    for (JsonNode p : dash.path("panels")) {
      for (JsonNode t : p.path("targets")) {
        out.add(t.get("expr").asText());
      }
    }
    for (JsonNode v : dash.path("templating").path("list")) {
      if (v.path("query").has("query")) {
        out.add(v.path("query").path("query").asText());
      }
    }
    return out;
  }

  /** Every "switchboard_..." string literal in the main sources of every module. */
  static Set<String> namesInSources() throws IOException {
    Set<String> out = new TreeSet<>();
    Pattern literal = Pattern.compile("\"(switchboard_[a-z0-9_]+)\"");
    try (Stream<Path> files = Files.walk(repo)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/")
          && !p.toString().contains("/target/")).toList()) {
        Matcher m = literal.matcher(Files.readString(f));
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  /** What is wrong with an expression: names that do not exist, labels their series do not carry. */
  static List<String> problems(String expr, Map<String, Set<String>> scraped, Set<String> inSources) {
    List<String> out = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    Matcher n = NAME.matcher(expr);
    while (n.find()) {
      String name = n.group();
      String base = name.replaceAll("_(bucket|count|sum)$", "");
      names.add(scraped.containsKey(base) || inSources.contains(base) ? base : name);
    }
    for (String name : names) {
      if (!scraped.containsKey(name) && !inSources.contains(name)) {
        out.add("no metric " + name);
      }
    }
    Set<String> labelsOfNames = new TreeSet<>();
    names.forEach(x -> labelsOfNames.addAll(scraped.getOrDefault(x, Set.of())));
    boolean allScraped = names.stream().allMatch(scraped::containsKey);
    Matcher s = SELECTOR.matcher(expr);
    while (s.find()) {
      Matcher l = LABEL.matcher(s.group(2));
      while (l.find()) {
        String base = s.group(1).replaceAll("_(bucket|count|sum)$", "");
        String label = l.group(1);
        if (!IMPLICIT.contains(label) && scraped.containsKey(base) && !scraped.get(base).contains(label)) {
          out.add(s.group(1) + " has no label " + label);
        }
      }
    }
    Matcher b = BY.matcher(expr);
    while (b.find() && allScraped) {
      for (String label : b.group(1).split(",")) {
        label = label.strip();
        if (!label.isEmpty() && !IMPLICIT.contains(label) && !labelsOfNames.contains(label)) {
          out.add("grouped by " + label + ", which none of " + names + " carries");
        }
      }
    }
    return out;
  }

  @Test
  void everyMetricTheDashboardAndTheAlertsNameExistsWithItsLabels() throws Exception {
    Set<String> inSources = namesInSources();
    List<String> exprs = expressions();
    assertTrue(exprs.size() >= 20, "both files were read: " + exprs.size() + " expressions");
    List<String> wrong = new ArrayList<>();
    Set<String> onlyInSources = new TreeSet<>();
    for (String e : exprs) {
      problems(e, scraped, inSources).forEach(p -> wrong.add(p + "  in  " + e));
      Matcher n = NAME.matcher(e);
      while (n.find()) {
        String base = n.group().replaceAll("_(bucket|count|sum)$", "");
        if (!scraped.containsKey(base)) {
          onlyInSources.add(base);
        }
      }
    }
    assertEquals(List.of(), wrong);
    // the config reload metrics live in dist (ConfigService), DHCP's in vxlan-overlay; a refused console stream
    // takes 33 open ones; everything else was seen on a running controller
    assertEquals(Set.of("switchboard_config_last_reload_ok", "switchboard_config_reloads_total",
        "switchboard_dhcp_messages_total", "switchboard_dhcp_dropped_total",
        "switchboard_ui_event_streams_refused_total"), onlyInSources);
  }

  @Test
  void theAlertsTheIssueAsksForAreThere() throws Exception {
    String all = String.join("\n", expressions());
    for (String m : List.of("switchboard_echo_rtt_seconds", "switchboard_reconciliation_failures_total",
        "switchboard_mastership_changes_total", "packet_in_over_budget", "switchboard_flows_out_of_sync",
        "switchboard_switch_limit_hits_total", "switchboard_openflow_connections_refused_total")) {
      assertTrue(all.contains(m), m);
    }
  }

  @Test
  void theCheckCatchesAMisspeltMetricOrLabel() {
    Set<String> src = Set.of("switchboard_flow_mods_total");
    Map<String, Set<String>> live = Map.of("switchboard_flow_mods_total", Set.of("dpid"));
    assertEquals(List.of(), problems("sum by (dpid) (rate(switchboard_flow_mods_total{instance=~\"a\"}[5m]))",
        live, src));
    assertFalse(problems("rate(switchboard_flow_mod_total[5m])", live, src).isEmpty());
    assertFalse(problems("switchboard_flow_mods_total{dipd=\"1\"}", live, src).isEmpty());
    assertFalse(problems("sum by (app) (switchboard_flow_mods_total)", live, src).isEmpty());
  }
}
