package io.switchboard.apps.overlay.config;

import io.switchboard.config.AppSection;
import io.switchboard.config.Node;
import io.switchboard.config.SectionContext;
import io.switchboard.config.SwitchboardConfig;
import java.util.Optional;

/**
 * The vxlan-overlay app's section, {@code overlay:}, declared through the app's {@code configSection()}. Declares
 * the hosts' bridges ({@link SectionContext#BRIDGE}) and the networks ({@link SectionContext#NETWORK}) for the ACL's
 * references; the parsed {@link OverlayConfig} is the config's {@link io.switchboard.config.LogicalTopology}.
 */
public final class OverlaySection implements AppSection<OverlayConfig> {
  public static final OverlaySection INSTANCE = new OverlaySection();

  private OverlaySection() {}

  /** The overlay of {@code config}: as parsed from its file, or empty when it has no {@code overlay:} section. */
  public static OverlayConfig of(SwitchboardConfig config) {
    return config.section(INSTANCE);
  }

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
