package io.switchboard.controller.core;

import io.switchboard.config.AppCatalog;
import io.switchboard.controller.spi.ControllerApp;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Tells the config loader which apps are installed: every {@link ControllerApp} on the class path (found with
 * {@link ServiceLoader}, as the server finds them) with its {@link ControllerApp#configSection()}. Registered as the
 * config module's {@link AppCatalog.Source}, so that {@code config} needs no knowledge of any app.
 */
public final class InstalledApps implements AppCatalog.Source {
  @Override
  public List<AppCatalog.App> apps() {
    List<AppCatalog.App> out = new ArrayList<>();
    for (ControllerApp app : ServiceLoader.load(ControllerApp.class, InstalledApps.class.getClassLoader())) {
      out.add(new AppCatalog.App(app.name(), app.configSection()));
    }
    return out;
  }
}
