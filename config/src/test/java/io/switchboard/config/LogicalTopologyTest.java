package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A section publishes a {@link LogicalTopology} by its settings implementing it; others read it from the config. */
class LogicalTopologyTest {

  record H(String name, String bridge, int tunnelIp) implements LogicalTopology.Host {}

  record N(String name, long vni, Ipv4Prefix subnet) implements LogicalTopology.Network {}

  /** A section whose settings are a topology of one host per {@code hosts} entry and one network per {@code vnis}. */
  record Topo(String app, List<H> hosts, List<N> networks) implements LogicalTopology {
    @Override
    public List<LogicalTopology.Router> routers() {
      return List.of();
    }

    @Override
    public List<LogicalTopology.Endpoint> endpoints() {
      return List.of();
    }
  }

  record TopoSection(String key, String app) implements AppSection<Topo> {
    @Override
    public Topo defaults() {
      return new Topo(app, List.of(), List.of());
    }

    @Override
    public Topo parse(Node node, String path, SectionContext ctx) {
      MapView m = MapView.of(node, path, ctx.errors(), "a topology", List.of("hosts", "vnis"));
      List<H> hosts = m.scalars("hosts", "bridges", "a bridge", t -> new H(t, t, 0));
      List<N> nets = m.scalars("vnis", "vnis", "a vni", t -> new N("n" + t, Long.parseLong(t),
          Ipv4Prefix.parse("10.0.0.0/24")));
      return new Topo(app, hosts, nets);
    }
  }

  private static final AppCatalog CATALOG = AppCatalog.of(List.of(
      new AppCatalog.App("one", Optional.of(new TopoSection("one", "one"))),
      new AppCatalog.App("two", Optional.of(new TopoSection("two", "two"))),
      new AppCatalog.App("plain", Optional.of(new TestApps.Opaque("plain")))));

  private static SwitchboardConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "t.yaml", CATALOG);
  }

  @Test
  void noSectionPublishingOneIsTheEmptyTopology() throws ConfigException {
    SwitchboardConfig c = parse("plain: {x: 1}\n");
    assertTrue(c.topologies().isEmpty());
    LogicalTopology t = c.topology();
    assertTrue(t.hosts().isEmpty() && t.networks().isEmpty() && t.routers().isEmpty() && t.endpoints().isEmpty());
    assertSame(LogicalTopology.empty(), SwitchboardConfig.defaults().topology());
  }

  @Test
  void oneSectionsTopologyIsTheConfigsAsItIs() throws ConfigException {
    SwitchboardConfig c = parse("apps: [one]\none: {hosts: [br-a], vnis: [5]}\n");
    assertSame(c.sections().get("one"), c.topology());
    assertEquals("one", c.topology().app());
    assertEquals(5L, c.topology().networks().get(0).vni());
  }

  @Test
  void severalAreJoinedInSectionOrderAndKeepTheirApps() throws ConfigException {
    SwitchboardConfig c = parse("apps: [two]\ntwo: {hosts: [br-b]}\none: {hosts: [br-a], vnis: [5, 6]}\n");
    assertEquals(List.of("one", "two"), c.topologies().stream().map(LogicalTopology::app).toList());
    assertEquals(List.of("br-a", "br-b"), c.topology().hosts().stream().map(LogicalTopology.Host::bridge).toList());
    assertEquals(2, c.topology().networks().size());
    assertEquals(List.of("two"), c.topologies().stream().filter(t -> c.appEnabled(t.app()))
        .map(LogicalTopology::app).toList(), "whose apps are enabled: the caller checks");
  }
}
