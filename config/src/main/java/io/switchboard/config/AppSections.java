package io.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** How the loader meets the apps' sections: their parse order, and the top-level keys nobody owns. */
final class AppSections {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AppSections.class);

  private AppSections() {}

  /** Each section after those it names in {@link AppSection#after()} (when present); otherwise catalog order. */
  static List<AppSection<?>> ordered(List<AppSection<?>> sections) {
    Map<String, AppSection<?>> byKey = new LinkedHashMap<>();
    sections.forEach(s -> byKey.put(s.key(), s));
    Set<String> done = new LinkedHashSet<>();
    List<AppSection<?>> out = new ArrayList<>();
    for (AppSection<?> s : sections) {
      visit(s, byKey, done, new LinkedHashSet<>(), out);
    }
    return out;
  }

  private static void visit(AppSection<?> s, Map<String, AppSection<?>> byKey, Set<String> done, Set<String> path,
      List<AppSection<?>> out) {
    if (done.contains(s.key())) {
      return;
    }
    if (!path.add(s.key())) {
      throw new IllegalStateException("config sections depend on each other in a circle: " + path);
    }
    for (String before : s.after()) {
      AppSection<?> b = byKey.get(before);
      if (b != null) {
        visit(b, byKey, done, path, out);
      }
    }
    done.add(s.key());
    out.add(s);
  }

  /**
   * Runs an app's parser on its section. A parser that throws or returns nothing is a bug in the app: reported as
   * an error at the section (the whole file is refused, as for any error), never a stack trace for the user.
   */
  static Optional<Object> parse(AppSection<?> section, MapView top, SectionContext ctx, AppCatalog catalog) {
    String owner = catalog.ownerOf(section.key()).orElse("?");
    try {
      Object value = section.parse(top.node(section.key()), top.pathOf(section.key()), ctx);
      if (value == null) {
        ctx.errors().add(top.lineOf(section.key()), top.pathOf(section.key()), "app '" + owner
            + "' could not read its section (its parser returned nothing)");
      }
      return Optional.ofNullable(value);
    } catch (RuntimeException e) {
      LOG.warn("app '{}' failed to parse its config section '{}'", owner, section.key(), e);
      ctx.errors().add(top.lineOf(section.key()), top.pathOf(section.key()), "app '" + owner
          + "' could not read its section: " + e);
      return Optional.empty();
    }
  }

  /**
   * The document's top-level mapping. A key that is neither the core's nor an installed app's section is reported
   * with a suggestion, or with the sections there are and the apps that own them.
   */
  static MapView top(Node root, Errors errors, List<String> keys, AppCatalog catalog) {
    String what = "a mapping of sections (" + String.join(", ", keys) + ")";
    if (!(root instanceof Node.Mapping m)) {
      return MapView.of(root, "", errors, what, keys);
    }
    List<String> accepted = new ArrayList<>(keys);
    for (Node.Entry e : m.entries().values()) {
      if (keys.contains(e.key())) {
        continue;
      }
      accepted.add(e.key()); // reported here, not again by MapView
      String hint = Suggest.didYouMean(e.key(), keys);
      String message;
      if (!hint.isEmpty()) {
        message = "unknown key" + hint;
      } else if (catalog.names().contains(e.key())) {
        message = "app '" + e.key() + "' has no config section";
      } else {
        message = "unknown section; expected one of the core's (" + String.join(", ", ConfigLoader.CORE_KEYS)
            + ") or an app's (" + appSections(catalog) + ")";
      }
      errors.add(e.keyLine(), KeyPath.key("", e.key()), message);
    }
    return MapView.of(root, "", errors, what, accepted);
  }

  /** "acl of app acl, overlay of app vxlan-overlay; apps without a section: l2-learning" or "no app is installed". */
  private static String appSections(AppCatalog catalog) {
    if (catalog.names().isEmpty()) {
      return "no app is installed";
    }
    List<String> owned = new ArrayList<>();
    List<String> without = new ArrayList<>();
    for (String app : catalog.names()) {
      catalog.sections().stream().filter(s -> catalog.ownerOf(s.key()).orElse("").equals(app)).findFirst()
          .ifPresentOrElse(s -> owned.add(s.key() + " of app " + app), () -> without.add(app));
    }
    String out = owned.isEmpty() ? "no installed app has a section" : String.join(", ", owned);
    return without.isEmpty() ? out : out + "; apps without a section: " + String.join(", ", without);
  }
}
