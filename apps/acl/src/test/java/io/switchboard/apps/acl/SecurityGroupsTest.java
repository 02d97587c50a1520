package io.switchboard.apps.acl;

import static io.switchboard.apps.acl.AclFlowsTest.OVS0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.controller.spi.ApiException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Security groups: expansion to members' and remote groups' addresses, REST CRUD, endpoints coming and going. */
class SecurityGroupsTest {
  static final String YAML = """
      apps: [acl]
      bridges:
        - bridge: ovs0
      overlay:
        hosts:
          - {name: host9, bridge: br-x, tunnel-ip: 10.99.0.9}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24}
          - {name: net2, vni: 200, subnet: 192.168.2.0/24}
        endpoints:
          - {name: web1, network: net1, host: host9, port: p1, mac: "02:00:00:00:01:03", ip: 192.168.1.3}
          - {name: web2, network: net1, host: host9, port: p2, mac: "02:00:00:00:01:04", ip: 192.168.1.4}
          - {name: db1, network: net2, host: host9, port: p3, mac: "02:00:00:00:02:02", ip: 192.168.2.2}
      acl:
        default: drop
        groups:
          - name: db
            members: [db1]
            rules:
              - {direction: ingress, remote-group: web, match: {tcp-dst: 5432}, action: allow-related}
          - {name: web, members: [web1, nobody]}
      """;

  /** What a stored overlay endpoint looks like to the acl app: a record with name and ip components. */
  record StoredEndpoint(String name, String network, String ip) implements Serializable {}

  static List<String> flows(AclApp app) {
    List<String> out = new ArrayList<>();
    app.desiredFlows(OVS0, e -> out.add(e.toString()));
    return out;
  }

  @Test
  void aRemoteGroupRuleExpandsToEveryMemberPair() {
    AclApp app = new AclApp();
    app.start(new FakeContext(YAML));
    List<String> f = flows(app);
    assertEquals("acl priority=1001 eth_type=0x800,ip_proto=6,ipv4_src=192.168.1.3,ipv4_dst=192.168.2.2,tcp_dst=5432,"
        + "ct_state=+trk+new actions=ct(commit,zone=NXM_NX_CT_ZONE[]),goto:l3", f.get(0));
    assertEquals(1, f.stream().filter(x -> x.contains("priority=1001")).count(), f.toString());
    assertEquals("db:rules[0]", app.describeTag(RuleTags.of("group:db:rules[0]")).orElseThrow());
    Map<String, Object> web = new AclGroupsResource(app).get("web").orElseThrow();
    assertEquals(List.of("member 'nobody' is no overlay endpoint with an IPv4 address (yet): it adds no entries"),
        web.get("warnings"));
    assertEquals("config", web.get("source"));
  }

  @Test
  void addingAMemberOverRestAddsOnlyItsEntriesAndEndpointsFromTheOverlayStoreJoin() {
    FakeContext ctx = new FakeContext(YAML.substring(0, YAML.indexOf("  groups:")));
    AclApp app = new AclApp();
    app.start(ctx);
    AclGroupsResource groups = new AclGroupsResource(app);
    Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "web", "members", List.of("web1")));
    assertEquals(true, groups.create(body).get("applied"));
    assertEquals("api", groups.create(Map.of("name", "db", "members", List.of("db1"), "rules", List.of(Map.of(
        "direction", "ingress", "remote-group", "web", "match", Map.of("tcp-dst", 5432),
        "action", "allow-related")))).get("source"));
    List<String> before = flows(app);
    assertEquals(1, before.stream().filter(x -> x.contains("priority=1001")).count(), before.toString());

    groups.replace("web", Map.of("members", List.of("web1", "web2")));
    List<String> after = flows(app);
    Set<String> added = new HashSet<>(after);
    added.removeAll(before);
    assertTrue(after.containsAll(before), "nothing that was there changes");
    assertEquals(Set.of("acl priority=1001 eth_type=0x800,ip_proto=6,ipv4_src=192.168.1.4,ipv4_dst=192.168.2.2,"
        + "tcp_dst=5432,ct_state=+trk+new actions=ct(commit,zone=NXM_NX_CT_ZONE[]),goto:l3"), added);

    // an endpoint added through the overlay's REST API (its store) joins as soon as it appears
    groups.replace("web", Map.of("members", List.of("web1", "web2", "web3")));
    assertEquals(after, flows(app));
    ctx.stores().<String, StoredEndpoint>map(EndpointDirectory.OVERLAY_STORE)
        .put("web3", new StoredEndpoint("web3", "net1", "192.168.1.5"));
    assertTrue(flows(app).stream().anyMatch(x -> x.contains("ipv4_src=192.168.1.5,ipv4_dst=192.168.2.2")));
    ctx.stores().<String, StoredEndpoint>map(EndpointDirectory.OVERLAY_STORE).remove("web3");
    assertEquals(after, flows(app), "and leaves when it is deleted");

    assertTrue(groups.delete("web"));
    assertFalse(groups.delete("web"));
    assertTrue(flows(app).stream().noneMatch(x -> x.contains("priority=1001")), "db's remote group is gone");
    Map<String, Object> db = groups.get("db").orElseThrow();
    assertEquals(false, db.get("applied"));
    assertTrue(db.get("warnings").toString().contains("unknown group 'web'"), db.toString());
  }

  @Test
  void theEntriesOfAllGroupsAreBounded() {
    var config = FakeContext.parse(YAML);
    EndpointDirectory endpoints = EndpointDirectory.of(config, Map.of());
    List<SecurityGroups.Group> gs = AclSection.of(config).groups().stream()
        .map(g -> new SecurityGroups.Group(g, RuleSource.CONFIG)).toList();
    SecurityGroups all = SecurityGroups.compile(gs, endpoints, 10);
    assertFalse(all.truncated());
    assertEquals(1, all.entries());
    SecurityGroups none = SecurityGroups.compile(gs, endpoints, 0);
    assertTrue(none.truncated());
    assertEquals(0, none.rules().get(0).matches().size());
    assertEquals("rules[0]: only 0 of its 1 entries are installed: the security groups' entries are limited to 0"
        + " per bridge", none.warnings().get("db").get(0));
  }

  @Test
  void badGroupsAreRefusedWithTheField() {
    AclApp app = new AclApp();
    app.start(new FakeContext(YAML));
    AclGroupsResource groups = new AclGroupsResource(app);
    ApiException e = assertThrows(ApiException.class, () -> groups.create(Map.of("name", "x", "members", List.of(),
        "rules", List.of(Map.of("direction", "inbound", "remote-group", "wbe", "action", "allow")))));
    assertEquals(400, e.status());
    assertEquals("group 'x': rules[0].direction: expected ingress or egress, got \"inbound\"; rules[0].remote-group:"
        + " unknown group 'wbe'; did you mean 'web'? (groups: db, web, x)", e.getMessage());
    e = assertThrows(ApiException.class, () -> groups.create(Map.of("name", "y", "rules", List.of(Map.of(
        "direction", "ingress", "match", Map.of("ipv4-dst", "10.0.0.1"), "action", "allow")))));
    assertTrue(e.getMessage().contains("ipv4-dst: an ingress rule's ipv4-dst is the group's members' addresses"),
        e.getMessage());
    e = assertThrows(ApiException.class, () -> groups.create(Map.of("name", "web", "members", List.of())));
    assertEquals(409, e.status());
    e = assertThrows(ApiException.class, () -> groups.replace("db", Map.of("members", List.of())));
    assertEquals(409, e.status());
    assertTrue(e.getMessage().contains("config file"), e.getMessage());
    e = assertThrows(ApiException.class, () -> groups.delete("web"));
    assertEquals(409, e.status());
    e = assertThrows(ApiException.class, () -> groups.replace("nope", Map.of("members", List.of())));
    assertEquals(404, e.status());
  }

  @Test
  void configErrorsNameFileLineAndKey() {
    var ex = assertThrows(io.switchboard.config.ConfigException.class, () -> ConfigLoader.parse("""
        apps: [acl]
        acl:
          groups:
            - {name: a, members: [x, x]}
            - name: a
              rules:
                - {direction: egress, remote-group: c, match: {eth-type: arp}, action: allow}
        """, "g.yaml"));
    String text = ex.getMessage();
    assertTrue(text.contains("g.yaml:4: acl.groups[0].members: endpoint 'x' is listed twice"), text);
    assertTrue(text.contains("acl.groups[1].rules[0].remote-group: unknown group 'c'"), text);
    assertTrue(text.contains("acl.groups[1].rules[0].match: eth-type: a group rule matches IPv4 addresses"), text);
  }
}
