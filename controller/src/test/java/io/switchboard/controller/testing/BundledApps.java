package io.switchboard.controller.testing;

import io.switchboard.config.AppCatalog;
import io.switchboard.controller.spi.ControllerApp;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * For tests (through the controller's test-jar): the bundled apps' names, so that a test config may list an app
 * that is not on its module's class path (controller tests know none; an app's tests know only that app), and,
 * while the vxlan-overlay app is not on the class path, {@link OverlayStandIn} for its {@code overlay:} section, so
 * that the ACL's, l2-learning's and the web console's tests read an overlay's topology as they do in the server. An
 * app on the class path adds its own section through {@code InstalledApps}.
 */
public final class BundledApps implements AppCatalog.Source {
  @Override
  public List<AppCatalog.App> apps() {
    boolean overlay = ServiceLoader.load(ControllerApp.class, BundledApps.class.getClassLoader()).stream()
        .anyMatch(p -> p.get().name().equals("vxlan-overlay"));
    return List.of(new AppCatalog.App("l2-learning", Optional.empty()), new AppCatalog.App("acl", Optional.empty()),
        new AppCatalog.App("vxlan-overlay", overlay ? Optional.empty() : Optional.of(OverlayStandIn.INSTANCE)));
  }
}
