package io.switchboard.controller.testing;

import io.switchboard.config.AppCatalog;
import io.switchboard.config.OverlaySection;
import java.util.List;
import java.util.Optional;

/**
 * For tests (through the controller's test-jar): the bundled apps' names, so that a test config may list an app
 * that is not on its module's class path (controller tests know none; an app's tests know only that app), and the
 * overlay's section, whose types still live in the config module. An app on the class path adds its own section
 * through {@code InstalledApps}.
 */
public final class BundledApps implements AppCatalog.Source {
  @Override
  public List<AppCatalog.App> apps() {
    return List.of(new AppCatalog.App("l2-learning", Optional.empty()), new AppCatalog.App("acl", Optional.empty()),
        new AppCatalog.App("vxlan-overlay", Optional.of(OverlaySection.INSTANCE)));
  }
}
