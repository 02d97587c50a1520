package io.switchboard.config;

import java.util.Optional;

/**
 * The vxlan-overlay app's section, {@code overlay:}. It lives here, beside the overlay's types, until they move
 * into the app; the app declares it through its {@code configSection()} like any other. Declares the hosts'
 * bridges ({@link SectionContext#BRIDGE}) and the networks ({@link SectionContext#NETWORK}) for the ACL's references.
 */
public final class OverlaySection implements AppSection<OverlayConfig> {
  public static final OverlaySection INSTANCE = new OverlaySection();

  private OverlaySection() {}

  @Override
  public String key() {
    return "overlay";
  }

  @Override
  public OverlayConfig defaults() {
    return OverlayConfig.empty();
  }

  @Override
  public OverlayConfig parse(Node node, String path, SectionContext ctx) {
    OverlayLoader.Parsed parsed = OverlayLoader.parse(node, path, ctx.errors());
    parsed.overlay().hosts().forEach(h -> ctx.declare(SectionContext.BRIDGE, h.bridge()));
    parsed.networkNames().forEach(n -> ctx.declare(SectionContext.NETWORK, n));
    return parsed.overlay();
  }

  @Override
  public Optional<String> summary(OverlayConfig overlay) {
    int n = overlay.endpoints().size();
    return Optional.of(n + " overlay endpoint" + (n == 1 ? "" : "s"));
  }
}
