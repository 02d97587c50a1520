package io.switchboard.config;

import static io.switchboard.config.Check.error;
import static io.switchboard.config.Check.errors;
import static io.switchboard.config.Check.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  /** The complete example of docs/configuration.md, with bridge ovs0 also known to the ACL. */
  static final String DESIGN_EXAMPLE = """
      openflow:
        listen: 0.0.0.0:6653
        echo-interval: 5s            # keepalive
      rest:
        listen: 127.0.0.1:8080
      cluster:
        enabled: false
        bind: 127.0.0.1:5701
        members: [127.0.0.1:5701, 127.0.0.1:5702]
      apps: [l2-learning, acl]

      bridges:
        - bridge: ovs0
          ports:
            con6-eth: {vlan: 100}
            con7-eth: {vlan: 200}
            vxlan1: {trunk: [100, 200]}

      l2-learning:
        idle-timeout: 300s

      acl:
        default: allow
        rules:
          - name: isolate-con7
            priority: 200
            bridge: ovs0
            match: {in-port: con7-eth}
            action: drop
          - name: no-ssh-to-net2
            priority: 100
            match: {eth-type: ipv4, ip-proto: tcp, ipv4-dst: 192.168.2.0/24, tcp-dst: 22}
            action: drop

      overlay:
        tunnel-port: vxlan0
        hosts:
          - {name: host1, bridge: br-int, tunnel-ip: 10.99.0.1}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24, gateway: 192.168.2.1}
        routers:
          - {name: r1, networks: [net1, net2]}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
      """;

  // ---- defaults and a full file ---------------------------------------------------------------

  @Test
  void defaults() {
    SwitchboardConfig d = SwitchboardConfig.defaults();
    assertEquals(new HostPort("0.0.0.0", 6653), d.openflow().listen());
    assertEquals(Duration.ofSeconds(5), d.openflow().echoInterval());
    assertEquals("127.0.0.1:8080", d.rest().listen().toString());
    assertFalse(d.cluster().enabled());
    assertEquals(List.of("l2-learning"), d.apps());
    assertTrue(d.bridges().isEmpty());
    assertTrue(d.sections().isEmpty(), "every app's section at its defaults");
    assertEquals(LogicalTopology.empty(), d.topology(), "no section describes a topology");
    assertEquals(Duration.ofSeconds(30), d.reconcile().auditInterval());
    assertEquals("<default>", d.source());
  }

  @Test
  void emptyFileAndEmptySectionsAreTheDefaults() {
    SwitchboardConfig empty = load("");
    SwitchboardConfig d = SwitchboardConfig.defaults();
    assertEquals(new SwitchboardConfig(d.openflow(), d.rest(), d.cluster(), d.apps(), d.bridges(), d.reconcile(),
        d.sections(), "t.yaml"), empty);
    SwitchboardConfig sections = load("openflow:\nrest:\nacl:\noverlay:\nbridges:\n");
    assertEquals(empty, sections);
  }

  @Test
  void designExampleLoads() {
    SwitchboardConfig c = load(DESIGN_EXAMPLE);
    assertEquals(List.of("l2-learning", "acl"), c.apps());
    assertEquals(List.of(new HostPort("127.0.0.1", 5701), new HostPort("127.0.0.1", 5702)), c.cluster().members());
    BridgeConfig ovs0 = c.bridge("ovs0").orElseThrow();
    assertEquals(List.of("con6-eth", "con7-eth", "vxlan1"), List.copyOf(ovs0.ports().keySet()));
    assertEquals(new PortRole.Access(100), ovs0.ports().get("con6-eth"));
    assertEquals(new PortRole.Trunk(List.of(100, 200)), ovs0.ports().get("vxlan1"));
    assertTrue(ovs0.ports().get("vxlan1").carries(200));
    assertFalse(ovs0.ports().get("con7-eth").carries(100));

    assertEquals(java.util.Set.of("l2-learning", "acl", "overlay"), c.sections().keySet());
    // the overlay section: apps/vxlan-overlay OverlayLoaderTest
  }

  @Test
  void bridgeLookupByNameOrDpid() {
    SwitchboardConfig c = load("""
        bridges:
          - bridge: ovs0
          - bridge: "00:00:00:00:00:00:00:2a"
            ports: {p1: {vlan: 7}}
        """);
    assertTrue(c.bridge("ovs0").isPresent());
    assertTrue(c.bridge("0x2a").isPresent());
    assertTrue(c.bridge("000000000000002a").isPresent());
    assertTrue(c.bridge("ovs0").orElseThrow().ports().isEmpty());
    assertEquals(Optional.empty(), c.bridge("ovs1"));
    assertEquals(new PortRole.Access(7), c.bridge("whatever-name", 42).orElseThrow().ports().get("p1"));
    assertEquals("ovs0", c.bridge("ovs0", 99).orElseThrow().bridge());
    assertEquals(Optional.empty(), c.bridge("ovs1", 41));
  }

  @Test
  void durationForms() {
    SwitchboardConfig c = load("""
        openflow: {echo-interval: 2m}
        reconcile: {audit-interval: 1m30s}
        """);
    assertEquals(Duration.ofMinutes(2), c.openflow().echoInterval());
    assertEquals(Duration.ofSeconds(90), c.reconcile().auditInterval());
    assertEquals(Duration.ofMillis(1500), load("openflow: {echo-interval: 1500ms}").openflow().echoInterval());
  }

  @Test
  void knownAppsAreAParameter() throws ConfigException {
    SwitchboardConfig c = ConfigLoader.parse("apps: [l2-learning, metrics]", "t.yaml", Set.of("metrics"));
    assertEquals(List.of("l2-learning", "metrics"), c.apps());
    assertTrue(c.appEnabled("metrics"));
    AppCatalog onlyL2 = AppCatalog.of(List.of(new AppCatalog.App("l2-learning", Optional.empty())));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("apps: [acl]", "t.yaml", onlyL2));
    assertTrue(e.getMessage().contains("unknown app 'acl'"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("acl: {}", "t.yaml", onlyL2));
    assertEquals("t.yaml:1: acl: unknown section; expected one of the core's (openflow, rest, cluster, apps, bridges, "
        + "reconcile) or an app's (no installed app has a section; apps without a section: l2-learning)",
        e.getMessage());
  }

  @Test
  void anAppsParserThatFailsIsAnErrorAtItsSectionNotACrash() {
    AppSection<String> broken = new AppSection<>() {
      public String key() {
        return "broken";
      }

      public String defaults() {
        return "";
      }

      public String parse(Node node, String path, SectionContext ctx) {
        throw new IllegalStateException("oops");
      }
    };
    AppCatalog c = AppCatalog.of(List.of(new AppCatalog.App("buggy", Optional.of(broken))));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("broken: {a: 1}\n", "t.yaml", c));
    assertEquals("t.yaml:1: broken: app 'buggy' could not read its section: java.lang.IllegalStateException: oops",
        e.getMessage());
  }

  @Test
  void appSectionsAreParsedAfterThoseTheyRead() throws ConfigException {
    List<String> order = new java.util.ArrayList<>();
    class Recording implements AppSection<String> {
      final String key;
      final List<String> after;

      Recording(String key, List<String> after) {
        this.key = key;
        this.after = after;
      }

      public String key() {
        return key;
      }

      public String defaults() {
        return "";
      }

      public List<String> after() {
        return after;
      }

      public String parse(Node node, String path, SectionContext ctx) {
        order.add(key + ctx.declared("thing"));
        ctx.declare("thing", key);
        return key;
      }
    }
    AppCatalog c = AppCatalog.of(List.of(new AppCatalog.App("a", Optional.of(new Recording("first", List.of("second")))),
        new AppCatalog.App("b", Optional.of(new Recording("second", List.of())))));
    SwitchboardConfig cfg = ConfigLoader.parse("first: {}\nsecond: {}\n", "t.yaml", c);
    assertEquals(List.of("second[]", "first[second]"), order);
    assertEquals("first", cfg.section(new Recording("first", List.of())));
  }

  @Test
  void twoAppsMayNotClaimOneSectionNorACoreOne() {
    IllegalStateException twice = assertThrows(IllegalStateException.class, () -> AppCatalog.of(List.of(
        new AppCatalog.App("one", Optional.of(new TestApps.Opaque("x"))),
        new AppCatalog.App("two", Optional.of(new TestApps.Opaque("x"))))));
    assertEquals("config section 'x' is claimed by both app 'one' and app 'two'", twice.getMessage());
    IllegalStateException core = assertThrows(IllegalStateException.class, () -> AppCatalog.of(List.of(
        new AppCatalog.App("rogue", Optional.of(new TestApps.Opaque("rest"))))));
    assertEquals("app 'rogue' claims the core's config section 'rest'", core.getMessage());
  }

  @Test
  void loadNamesTheFileAndSetsTheSource(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("mine.yaml");
    Files.writeString(f, "apps: [acl]\n");
    assertEquals(f.toString(), ConfigLoader.load(f).source());
    Files.writeString(f, "apps: [acl]\nrest: {listen: nowhere}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertEquals(f + ":2: rest.listen: expected host:port, e.g. 0.0.0.0:6653, got \"nowhere\" (no port)",
        e.errors().get(0).toString());
    ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")));
    assertEquals(dir.resolve("nope.yaml") + ": no such file", missing.getMessage());
  }

  // ---- every error at once ----------------------------------------------------------------------

  @Test
  void everyErrorIsReportedAtOnceInFileOrder() {
    List<ConfigError> errs = errors("""
        openflow:
          listen: 0.0.0.0
          echo-intervall: 5s
        apps: [l2-learning, acll]
        bridges:
          - bridge: ovs0
            ports:
              con6-eth: {vlan: 5000}
        l2-learning:
          - an app's section is checked by the app
          - (with the core's sections: apps/acl AclSectionTest, apps/vxlan-overlay OverlayLoaderTest)
        reconcile: {audit-interval: 30}
        """);
    assertEquals(6, errs.size(), Check.text(errs));
    assertEquals(List.of(2, 3, 4, 8, 10, 12), errs.stream().map(ConfigError::line).distinct().toList());
    error(errs, 2, "openflow.listen", "expected host:port");
    error(errs, 3, "openflow.echo-intervall", "did you mean 'echo-interval'?");
    error(errs, 4, "apps[1]", "unknown app 'acll'", "did you mean 'acl'?");
    error(errs, 8, "bridges[0].ports.con6-eth.vlan", "expected a VLAN id (1-4094)", "\"5000\"");
    error(errs, 10, "l2-learning", "expected a mapping");
    error(errs, 12, "reconcile.audit-interval", "e.g. 5s");
  }

  @Test
  void exceptionMessageListsEveryErrorOnItsOwnLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("apps: [foo]\nrest: {listen: x}\n", "m.yaml"));
    assertEquals(List.of(
        "m.yaml:1: apps[0]: unknown app 'foo' (known apps: acl, l2-learning, vxlan-overlay)",
        "m.yaml:2: rest.listen: expected host:port, e.g. 0.0.0.0:6653, got \"x\" (no port)"),
        List.of(e.getMessage().split("\n")));
  }

  // ---- YAML itself --------------------------------------------------------------------------------

  @Test
  void syntaxErrorHasItsLine() {
    List<ConfigError> errs = errors("apps: [l2-learning\nrest:\n  listen: 1.2.3.4:80\n");
    assertEquals(1, errs.size());
    assertEquals(2, errs.get(0).line());
    assertTrue(errs.get(0).message().startsWith("YAML syntax error:"), errs.get(0).toString());
    ConfigError tab = errors("rest:\n\tlisten: 1.2.3.4:80\n").get(0);
    assertEquals(2, tab.line(), tab.toString());
    assertTrue(tab.message().contains("tab"), tab.toString());
  }

  @Test
  void duplicateKeysAreErrors() {
    error("""
        apps: [acl]
        rest: {listen: 1.2.3.4:80}
        apps: [l2-learning]
        """, 3, "apps", "duplicate key 'apps' (first defined at line 1)");
    error("""
        bridges:
          - bridge: ovs0
            ports:
              con6-eth: {vlan: 100}
              con6-eth: {vlan: 200}
        """, 5, "bridges[0].ports.con6-eth", "duplicate key 'con6-eth' (first defined at line 4)");
  }

  @Test
  void aliasesAndSecondDocumentsAreErrors() {
    error("""
        rest: {listen: &addr 127.0.0.1:8080}
        openflow: {listen: *addr}
        """, 2, "openflow.listen", "aliases");
    error("apps: [acl]\n---\napps: [l2-learning]\n", 3, "", "single YAML document");
  }

  @Test
  void rootMustBeAMapping() {
    error("- a\n- b\n", 1, "", "expected a mapping of sections", "got a list");
  }

  // ---- keys and types ---------------------------------------------------------------------------

  @Test
  void unknownKeysSuggestTheNearestKnownKey() {
    error("overlays: {}\n", 1, "overlays", "unknown key; did you mean 'overlay'?");
    error("openflow:\n  echo_interval: 5s\n", 2, "openflow.echo_interval", "did you mean 'echo-interval'?");
    error("acll: {}\n", 1, "acll", "unknown key; did you mean 'acl'?");
    error("firewall: {}\n", 1, "firewall", "unknown section; expected one of the core's (openflow, rest, cluster, "
        + "apps, bridges, reconcile) or an app's (acl of app acl, l2-learning of app l2-learning, overlay of app "
        + "vxlan-overlay)");
    error("cluster: {peers: []}\n", 1, "cluster.peers", "unknown key; expected one of: enabled, bind, members, settle, "
        + "settle-timeout");
  }

  @Test
  void wrongTypesNameWhatWasExpected() {
    error("openflow: 5\n", 1, "openflow", "expected the openflow settings (a mapping", "got \"5\"");
    error("apps: l2-learning\n", 1, "apps", "expected a list of app names", "got \"l2-learning\"");
    error("rest: {listen: [1, 2]}\n", 1, "rest.listen", "expected host:port", "got a list");
    error("cluster: {enabled: maybe}\n", 1, "cluster.enabled", "expected true or false, got \"maybe\"");
    error("bridges: {ovs0: {}}\n", 1, "bridges", "expected a list of bridges", "got a mapping");
  }

  @Test
  void hostPortErrors() {
    error("openflow: {listen: 0.0.0.0:70000}\n", 1, "openflow.listen", "port must be 0-65535");
    error("openflow: {listen: 6653}\n", 1, "openflow.listen", "expected host:port, e.g. 0.0.0.0:6653, got \"6653\"");
    error("openflow: {listen: ':6653'}\n", 1, "openflow.listen", "bad host");
    error("""
        openflow: {listen: 0.0.0.0:8080}
        rest: {listen: 127.0.0.1:8080}
        """, 2, "rest.listen", "port 8080 is already used by openflow.listen");
    assertEquals(new HostPort("::1", 6653), load("openflow: {listen: '[::1]:6653'}").openflow().listen());
  }

  @Test
  void durationErrors() {
    error("openflow: {echo-interval: 5}\n", 1, "openflow.echo-interval",
        "expected a duration with a unit (ms, s, m, h), e.g. 5s, 500ms, 2m or 1h, got \"5\" (a bare number has no unit)");
    error("openflow: {echo-interval: 5 sec}\n", 1, "openflow.echo-interval", "got \"5 sec\"");
    error("openflow: {echo-interval: 0s}\n", 1, "openflow.echo-interval", "between 1s and 1h", "out of range");
    error("reconcile: {audit-interval: -5s}\n", 1, "reconcile.audit-interval", "got \"-5s\"");
  }

  @Test
  void clusterErrors() {
    List<ConfigError> errs = errors("""
        cluster:
          enabled: true
          bind: 127.0.0.1:5701
          members:
            - 127.0.0.1:5701
            - 127.0.0.1:5701
            - 10.0.0.1:0
            - 10.0.0.2
        """);
    error(errs, 6, "cluster.members[1]", "listed twice");
    error(errs, 7, "cluster.members[2]", "port 0");
    error(errs, 8, "cluster.members[3]", "expected host:port");
    SwitchboardConfig c = load("cluster: {enabled: true, bind: 10.0.0.1:5701, members: [10.0.0.1:5701, 10.0.0.2:5701]}");
    assertTrue(c.cluster().enabled());
    assertEquals(new HostPort("10.0.0.1", 5701), c.cluster().bind());
    assertEquals(ClusterSettings.DEFAULT_SETTLE, c.cluster().settle());
    assertEquals(ClusterSettings.DEFAULT_SETTLE_TIMEOUT, c.cluster().settleTimeout());
  }

  @Test
  void clusterSettling() {
    SwitchboardConfig c = load("cluster: {enabled: true, settle: 500ms, settle-timeout: 30s}");
    assertEquals(Duration.ofMillis(500), c.cluster().settle());
    assertEquals(Duration.ofSeconds(30), c.cluster().settleTimeout());
    assertEquals(Duration.ZERO, load("cluster: {settle: 0s, settle-timeout: 0s}").cluster().settleTimeout());
    assertEquals(Duration.ofSeconds(40), load("cluster: {settle: 40s}").cluster().settleTimeout(),
        "a settle time above the default timeout raises the timeout with it");
    error("cluster: {settle: 2m}\n", 1, "cluster.settle", "between 0s and 1m", "out of range");
    error("cluster: {settle: soon}\n", 1, "cluster.settle", "got \"soon\"");
    error("cluster: {settle: 5s, settle-timeout: 2s}\n", 1, "cluster.settle-timeout",
        "expected at least cluster.settle (5s), got \"2s\"");
  }

  @Test
  void appErrors() {
    error("apps: [l2-learning, vxlan_overlay]\n", 1, "apps[1]", "did you mean 'vxlan-overlay'?");
    error("apps: [l2-learning, acl, acl]\n", 1, "apps[2]", "'acl' is listed twice");
    error("apps: [firewall]\n", 1, "apps[0]", "unknown app 'firewall' (known apps: acl, l2-learning, vxlan-overlay)");
    assertEquals(List.of(), load("apps: []").apps());
  }

  // ---- bridges ------------------------------------------------------------------------------------

  @Test
  void portRoleErrors() {
    List<ConfigError> errs = errors("""
        bridges:
          - bridge: ovs0
            ports:
              a: {vlan: 0}
              b: {vlan: 100, trunk: [100, 200]}
              c: {trunk: []}
              d: {trunk: [100, 4095]}
              e: {trunk: [100, 100]}
              f: {}
              g:
              h: {vlan: 100, native: 1}
              i: {trunk: 100}
              j: access
        """);
    error(errs, 4, "bridges[0].ports.a.vlan", "expected a VLAN id (1-4094), got \"0\"");
    error(errs, 5, "bridges[0].ports.b", "either access {vlan: N} or trunk {trunk: [N, ...]}, not both");
    error(errs, 6, "bridges[0].ports.c.trunk", "at least one VLAN");
    error(errs, 7, "bridges[0].ports.d.trunk[1]", "expected a VLAN id (1-4094), got \"4095\"");
    error(errs, 8, "bridges[0].ports.e.trunk[1]", "VLAN 100 is listed twice");
    error(errs, 9, "bridges[0].ports.f", "expected a port role", "got an empty mapping");
    error(errs, 10, "bridges[0].ports.g", "expected a port role", "got nothing");
    error(errs, 11, "bridges[0].ports.h.native", "unknown key; expected one of: vlan, trunk");
    error(errs, 12, "bridges[0].ports.i.trunk", "expected a list of VLAN ids like [100, 200], got \"100\"");
    error(errs, 13, "bridges[0].ports.j", "expected a port role: {vlan: N} (access) or {trunk: [N, ...]}, got \"access\"");
    assertEquals(10, errs.size(), Check.text(errs));
  }

  @Test
  void bridgeErrors() {
    error("""
        bridges:
          - bridge: ovs0
          - bridge: ovs1
          - bridge: ovs0
        """, 4, "bridges[2].bridge", "bridge 'ovs0' is declared twice (first at line 2)");
    error("""
        bridges:
          - bridge: "0000000000000001"
          - bridge: "00:00:00:00:00:00:00:01"
        """, 3, "bridges[1].bridge", "declared twice");
    error("bridges:\n  - ports: {a: {vlan: 1}}\n", 2, "bridges[0].bridge", "missing; expected a bridge name or dpid");
    error("bridges:\n  - bridge: ovs0\n    ports: [a, b]\n", 3, "bridges[0].ports",
        "expected a mapping of port name to role");
    error("bridges:\n  -\n", 2, "bridges[0]", "expected a bridge");
  }


  // ---- acl: see apps/acl AclSectionTest; l2-learning: apps/l2-learning ConfigValidationTest ---------






  @Test
  void recordsAreImmutable() {
    SwitchboardConfig c = load(DESIGN_EXAMPLE);
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> c.apps().add("x"));
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
        () -> c.bridges().get(0).ports().put("x", new PortRole.Access(1)));
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
        () -> c.sections().put("x", 1));
    Map<String, PortRole> m = new java.util.LinkedHashMap<>();
    m.put("a", new PortRole.Access(1));
    BridgeConfig b = new BridgeConfig("x", m);
    m.put("b", new PortRole.Access(2));
    assertEquals(1, b.ports().size());
  }
}
