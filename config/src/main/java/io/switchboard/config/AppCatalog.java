package io.switchboard.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The apps a config may enable, and the sections they own. The loader accepts {@code apps:} names from here and the
 * sections declared here besides its own ({@code openflow}, {@code rest}, ...); any other top-level key is an error
 * naming the apps that exist.
 *
 * <p>{@link #installed()} asks every {@link Source} on the class path (found with {@link ServiceLoader}); the
 * controller module provides the one that lists the {@code ControllerApp}s found the same way, so the config
 * module itself names no app.
 */
public final class AppCatalog {

  /** An app's name and its section, if it has one. */
  public record App(String name, Optional<AppSection<?>> section) {
    public App {
      java.util.Objects.requireNonNull(name, "name");
      java.util.Objects.requireNonNull(section, "section");
    }
  }

  /** Lists apps for {@link #installed()}: registered in {@code META-INF/services/io.switchboard.config.AppCatalog$Source}. */
  public interface Source {
    List<App> apps();
  }

  private static volatile AppCatalog installed;

  /** By name, sorted (so that summaries and listings do not depend on class-path order). */
  private final Map<String, App> apps;

  private AppCatalog(Map<String, App> apps) {
    this.apps = apps;
  }

  public static AppCatalog of(Collection<App> apps) {
    Map<String, App> byName = new LinkedHashMap<>();
    Map<String, String> sectionOwner = new LinkedHashMap<>();
    List<App> sorted = new ArrayList<>(apps);
    sorted.sort(Comparator.comparing(App::name));
    for (App a : sorted) {
      App known = byName.get(a.name());
      if (known != null && known.section().isPresent()) {
        if (a.section().isPresent() && !a.section().get().getClass().equals(known.section().get().getClass())) {
          throw new IllegalStateException("app '" + a.name() + "' is listed twice with different config sections");
        }
        continue;
      }
      if (a.section().isPresent()) {
        String key = a.section().get().key();
        String owner = sectionOwner.putIfAbsent(key, a.name());
        if (owner != null && !owner.equals(a.name())) {
          throw new IllegalStateException("config section '" + key + "' is claimed by both app '" + owner
              + "' and app '" + a.name() + "'");
        }
        if (ConfigLoader.CORE_KEYS.contains(key)) {
          throw new IllegalStateException("app '" + a.name() + "' claims the core's config section '" + key + "'");
        }
      }
      byName.put(a.name(), a);
    }
    return new AppCatalog(byName);
  }

  /** Every app the {@link Source}s on the class path list; read once. */
  public static AppCatalog installed() {
    AppCatalog c = installed;
    if (c == null) {
      List<App> all = new ArrayList<>();
      for (Source s : ServiceLoader.load(Source.class, AppCatalog.class.getClassLoader())) {
        all.addAll(s.apps());
      }
      c = of(all);
      installed = c;
    }
    return c;
  }

  /** This catalog plus apps known by name only (apps without a section, e.g. test apps). */
  public AppCatalog withApps(Collection<String> names) {
    List<App> all = new ArrayList<>(apps.values());
    names.forEach(n -> all.add(new App(n, Optional.empty())));
    return of(all);
  }

  public java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(apps.keySet());
  }

  /** The sections of the apps, by app name order. */
  public List<AppSection<?>> sections() {
    return apps.values().stream().flatMap(a -> a.section().stream()).toList();
  }

  /** The app owning a section key. */
  public Optional<String> ownerOf(String sectionKey) {
    return apps.values().stream().filter(a -> a.section().isPresent() && a.section().get().key().equals(sectionKey))
        .map(App::name).findFirst();
  }

  @Override
  public String toString() {
    return "AppCatalog" + apps.keySet();
  }
}
