package io.switchboard.apps.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.LiveFlow;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.controller.testing.FakeAppContext;
import io.switchboard.controller.testing.FakeSwitchView;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST collection without a web server: validation, conflicts, the store, counters, warnings. */
class AclRulesResourceTest {
  static final String YAML = AclFlowsTest.HEADER + """
      acl:
        default: allow
        rules:
          - {name: cfg-telnet, priority: 50, match: {tcp-dst: 23}, action: drop}
      """;

  FakeAppContext ctx;
  AclApp app;
  RestResource rules;

  @BeforeEach
  void setUp() {
    ctx = new FakeAppContext(YAML);
    ctx.connect(AclFlowsTest.OVS0);
    app = new AclApp();
    app.start(ctx);
    rules = app.resources().get(0);
  }

  static Map<String, Object> body(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private ApiException refused(Map<String, Object> body) {
    int before = app.book().rules().size();
    int recomputes = ctx.recomputeAll.get();
    Map<String, StoredRule> stored = app.store().snapshot();
    ApiException e = assertThrows(ApiException.class, () -> rules.create(body));
    assertEquals(before, app.book().rules().size(), "nothing applied");
    assertEquals(recomputes, ctx.recomputeAll.get(), "nothing recomputed");
    assertEquals(stored, app.store().snapshot(), "nothing stored");
    return e;
  }

  private List<String> flows() {
    List<String> out = new ArrayList<>();
    app.desiredFlows(AclFlowsTest.OVS0, e -> out.add(e.toString()));
    return out;
  }

  @Test
  void postAddsARuleToTheStoreAndRecomputes() {
    Map<String, Object> answer = rules.create(body("name", "isolate-con7", "priority", 200,
        "match", Map.of("in-port", "con7-eth"), "action", "drop"));
    assertEquals("isolate-con7", answer.get("name"));
    assertEquals("api", answer.get("source"));
    assertEquals(201, answer.get("openflow-priority"));
    assertEquals(Map.of("packets", 0L, "bytes", 0L), answer.get("hits"));
    assertTrue(ctx.recomputeAll.get() >= 1);
    assertTrue(app.store().snapshot().containsKey("isolate-con7"));
    assertEquals(List.of("acl priority=201 in_port=2 actions=drop",
        "acl priority=51 eth_type=0x800,ip_proto=6,tcp_dst=23 actions=drop"), flows());
  }

  @Test
  void theAnswerShowsPrerequisitesFilledIn() {
    Map<String, Object> answer = rules.create(body("name", "ssh", "priority", 100,
        "match", Map.of("tcp-dst", 22), "action", "drop"));
    assertEquals(Map.of("eth-type", "ipv4", "ip-proto", "tcp", "tcp-dst", 22), answer.get("match"));
  }

  @Test
  void storedRulesAreSerializable() throws Exception {
    rules.create(body("name", "r", "priority", 100, "match", Map.of("tcp-dst", "1000-1999", "ipv4-dst",
        "10.0.0.0/8"), "action", "drop"));
    StoredRule stored = app.<StoredRule>store().get("r");
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(stored);
    }
  }

  @Test
  void badInputIs400NamingRuleAndField() {
    String m = refused(body("name", "p", "priority", 70000, "action", "drop")).getMessage();
    assertTrue(m.startsWith("rule 'p': priority:"), m);
    assertTrue(m.contains("1-65000"), m);
    assertEquals(400, refused(body("name", "p", "priority", 0, "action", "drop")).status());

    ApiException e = refused(body("name", "u", "priority", 10, "match", Map.of("tcp-dport", 22), "action", "drop"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("match.tcp-dport"), e.getMessage());

    e = refused(body("name", "c", "priority", 10, "match", Map.of("ipv4-dst", "10.0.0.0/33"), "action", "drop"));
    assertTrue(e.getMessage().contains("match.ipv4-dst"), e.getMessage());
    e = refused(body("name", "c", "priority", 10, "match", Map.of("ipv4-src", "10.0.300.0/8"), "action", "drop"));
    assertTrue(e.getMessage().contains("match.ipv4-src"), e.getMessage());

    e = refused(body("name", "r", "priority", 10, "match", Map.of("tcp-dst", "2000-1000"), "action", "drop"));
    assertTrue(e.getMessage().contains("match.tcp-dst") && e.getMessage().contains("lo is greater than hi"),
        e.getMessage());

    e = refused(body("name", "x", "priority", 10, "match", Map.of("tcp-dst", 22, "ip-proto", "udp"),
        "action", "drop"));
    assertTrue(e.getMessage().contains("match.tcp-dst") && e.getMessage().contains("needs ip-proto tcp"),
        e.getMessage());
    e = refused(body("name", "x", "priority", 10, "match", Map.of("tcp-dst", 22, "udp-dst", 53), "action", "drop"));
    assertTrue(e.getMessage().contains("match.udp-dst"), e.getMessage());

    e = refused(body("name", "a", "priority", 10, "action", "reject"));
    assertTrue(e.getMessage().contains("action"), e.getMessage());
    e = refused(body("name", "b", "priority", 10, "bridge", "ovs9", "action", "drop"));
    assertTrue(e.getMessage().contains("bridge") && e.getMessage().contains("ovs9"), e.getMessage());
    e = refused(body("name", "n", "priority", 10, "network", "net9", "action", "drop"));
    assertTrue(e.getMessage().contains("network"), e.getMessage());
    e = refused(body("priority", 10, "action", "drop"));
    assertTrue(e.getMessage().startsWith("rule: name"), e.getMessage());
    e = refused(body("name", "t", "priority", 10, "match", Map.of("ttl", 3), "action", "drop"));
    assertTrue(e.getMessage().contains("match.ttl"), e.getMessage());
  }

  @Test
  void duplicatesAre409() {
    rules.create(body("name", "r", "priority", 100, "action", "drop"));
    ApiException e = refused(body("name", "r", "priority", 300, "action", "allow"));
    assertEquals(409, e.status());
    e = refused(body("name", "cfg-telnet", "priority", 300, "action", "allow"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("source: config"), e.getMessage());
    e = refused(body("name", "other", "priority", 50, "match", Map.of("tcp-dst", 23), "action", "allow"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("cfg-telnet"), e.getMessage());
  }

  @Test
  void deleteRemovesApiRulesAndRefusesConfigRules() {
    rules.create(body("name", "r", "priority", 100, "action", "drop"));
    int recomputes = ctx.recomputeAll.get();
    assertTrue(rules.delete("r"));
    assertTrue(ctx.recomputeAll.get() > recomputes);
    assertFalse(app.store().snapshot().containsKey("r"));
    assertFalse(rules.delete("r"));
    ApiException e = assertThrows(ApiException.class, () -> rules.delete("cfg-telnet"));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("config file (test.yaml)"), e.getMessage());
    assertTrue(app.book().rule("cfg-telnet").isPresent());
  }

  @Test
  void listReportsSourceHitsSummedOverBridgesAndWarnings() {
    rules.create(body("name", "all-tcp", "priority", 100, "match", Map.of("ip-proto", "tcp"), "action", "drop"));
    FakeSwitchView ovs1 = FakeSwitchView.of("ovs1", 6, "a-eth");
    ctx.connect(ovs1);
    long tag = RuleTags.of("all-tcp");
    FlowEntry e = FlowEntry.in(io.switchboard.controller.spi.Stage.ACL).priority(101).tag(tag).build();
    ctx.liveFlows.put(5L, CompletableFuture.completedFuture(List.of(new LiveFlow(e, tag, 3, 300, 10))));
    ctx.liveFlows.put(6L, CompletableFuture.completedFuture(List.of(new LiveFlow(e, tag, 4, 400, 10),
        new LiveFlow(e, RuleTags.DEFAULT_TAG, 100, 10000, 10))));
    List<Map<String, Object>> list = rules.list();
    assertEquals(List.of("all-tcp", "cfg-telnet"), list.stream().map(m -> m.get("name")).toList());
    Map<String, Object> allTcp = list.get(0);
    assertEquals("api", allTcp.get("source"));
    assertEquals(Map.of("packets", 7L, "bytes", 700L), allTcp.get("hits"));
    assertEquals(List.of("ovs0", "ovs1"), allTcp.get("installed-on"));
    Map<String, Object> cfg = list.get(1);
    assertEquals("config", cfg.get("source"));
    assertEquals(Map.of("packets", 0L, "bytes", 0L), cfg.get("hits"));
    @SuppressWarnings("unchecked")
    List<String> warnings = (List<String>) cfg.get("warnings");
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("shadowed") && warnings.get(0).contains("'all-tcp'"), warnings.toString());
    assertEquals(allTcp, rules.get("all-tcp").orElseThrow());
  }

  @Test
  void aBridgeThatDoesNotAnswerLeavesItsCountersOut() {
    ctx.connect(FakeSwitchView.of("slow0", 7, "a-eth"));
    ctx.liveFlows.put(7L, new CompletableFuture<>());
    long start = System.nanoTime();
    Map<String, Object> cfg = rules.list().get(0);
    assertTrue(System.nanoTime() - start < 4_000_000_000L);
    assertEquals(Map.of("packets", 0L, "bytes", 0L, "missing-bridges", List.of("slow0")), cfg.get("hits"));
  }

  @Test
  void warnsAboutAMissingInPortAndOpenFlow10Bridges() {
    rules.create(body("name", "r", "priority", 100, "match", Map.of("in-port", "con9-eth"), "action", "drop"));
    @SuppressWarnings("unchecked")
    List<String> w = (List<String>) rules.get("r").orElseThrow().get("warnings");
    assertEquals(List.of("in-port 'con9-eth' exists on no connected bridge in the rule's scope: nothing is"
        + " installed until the port appears"), w);
    ctx.connect(FakeSwitchView.of("old0", 8, "con9-eth").openFlow10());
    @SuppressWarnings("unchecked")
    List<String> w2 = (List<String>) rules.get("r").orElseThrow().get("warnings");
    assertTrue(w2.get(0).startsWith("not installed on OpenFlow 1.0 bridge(s) old0"), w2.toString());
  }

  @Test
  void aWriteFromAnotherInstanceTakesEffect() {
    KeyValueStore<String, StoredRule> store = ctx.stores().map(AclApp.STORE);
    StoredRule rule = new StoredRule("remote", new LinkedHashMap<>(Map.of("name", "remote", "priority", 300,
        "match", new LinkedHashMap<>(Map.of("vlan", 9)), "action", "drop")));
    store.put("remote", rule);
    assertTrue(ctx.recomputeAll.get() >= 1);
    assertEquals("acl priority=301 vlan_vid=0x1009 actions=drop", flows().get(0));
    store.remove("remote");
    assertEquals(1, flows().size());
  }

  @Test
  void restartingKeepsApiRulesInTheStoreAndReloadStartsOnlyOneListener() {
    InMemoryStoreFactory stores = new InMemoryStoreFactory();
    FakeAppContext first = new FakeAppContext(YAML, stores);
    AclApp a = new AclApp();
    a.start(first);
    a.resources().get(0).create(body("name", "kept", "priority", 10, "action", "drop"));
    AclApp b = new AclApp();
    FakeAppContext second = new FakeAppContext(YAML, stores);
    b.start(second);
    assertTrue(b.book().rule("kept").isPresent());
    b.start(second); // a config reload
    int before = second.recomputeAll.get();
    b.resources().get(0).delete("kept");
    assertEquals(before + 1, second.recomputeAll.get(), "one recompute, from the one listener (DELETE adds none)");
  }

  @Test
  void aReloadThatInvalidatesAStoredRuleKeepsItListedButNotApplied() {
    rules.create(body("name", "net2-web", "priority", 100, "network", "net2", "match", Map.of("tcp-dst", 80),
        "action", "drop"));
    ctx.config = FakeAppContext.parse(YAML.replace("    - {name: net2, vni: 200, subnet: 192.168.2.0/24}\n", ""));
    app.start(ctx);
    assertTrue(app.book().rule("net2-web").isEmpty());
    Map<String, Object> listed = rules.get("net2-web").orElseThrow();
    assertEquals(false, listed.get("applied"));
    assertTrue(listed.get("warnings").toString().contains("unknown network 'net2'"), listed.toString());
    assertEquals(409, assertThrows(ApiException.class, () -> rules.create(body("name", "net2-web", "priority", 1,
        "action", "drop"))).status());
    assertTrue(rules.delete("net2-web"));
    assertTrue(rules.get("net2-web").isEmpty());
  }

  @Test
  void configErrorsNameTheFileAndTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
        apps: [acl]
        acl:
          rules:
            - {name: a, priority: 10, action: drop}
            - {name: a, priority: 20, action: drop}
            - {name: b, priority: 20, match: {tcp-dst: 22, ip-proto: udp}, action: drop}
        """, "acl.yaml"));
    assertTrue(e.getMessage().contains("acl.yaml:5: acl.rules[1].name"), e.getMessage());
    assertTrue(e.getMessage().contains("acl.yaml:6: acl.rules[2].match.tcp-dst"), e.getMessage());
  }
}
