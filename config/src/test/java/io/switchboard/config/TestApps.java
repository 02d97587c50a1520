package io.switchboard.config;

import java.util.List;
import java.util.Optional;

/**
 * The apps this module's tests may name. The config module knows no app: the real ones (and their sections) come
 * from the controller's {@code InstalledApps}. Here stand-ins for the l2-learning, acl and overlay sections, which
 * take any mapping unchecked, so that the example files load; their own tests live with the apps.
 */
public final class TestApps implements AppCatalog.Source {
  @Override
  public List<AppCatalog.App> apps() {
    return List.of(new AppCatalog.App("l2-learning", Optional.of(new Opaque("l2-learning"))),
        new AppCatalog.App("acl", Optional.of(new Opaque("acl"))),
        new AppCatalog.App("vxlan-overlay", Optional.of(new Opaque("overlay"))));
  }

  /** A section that keeps its tree as it is. */
  record Opaque(String key) implements AppSection<Node> {
    @Override
    public Node defaults() {
      return new Node.Mapping(java.util.Map.of(), 0);
    }

    @Override
    public Node parse(Node node, String path, SectionContext ctx) {
      if (!(node instanceof Node.Mapping)) {
        ctx.errors().add(node.line(), path, "expected a mapping, got " + Node.describe(node));
      }
      return node;
    }
  }
}
