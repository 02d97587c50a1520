package io.switchboard.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and validates a YAML config as a whole. Every problem is collected and reported at
 * once in a {@link ConfigException}: nothing of a bad file is ever used.
 *
 * <p>This class is the driver: it reads the file (within a size limit), checks the top-level keys and hands each
 * section to its reader: {@link ListenerSections} (openflow, rest, cluster), {@link BridgeSections} (bridges),
 * the small {@code apps} and {@code reconcile} here, and each enabled app's {@link AppSection}.
 */
public final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** The core's sections; every other top-level key is an app's ({@link AppSection}). */
  public static final List<String> CORE_KEYS = List.of("openflow", "rest", "cluster", "apps", "bridges", "reconcile");

  private static final Duration MAX_INTERVAL = Duration.ofHours(24);

  /**
   * The largest config accepted, in bytes (4 MiB): some hundred times a big real one (10,000 ACL rules and
   * 10,000 endpoints take about 2 MB). A bigger file is refused before it is read, so that a mistake (a log
   * or a dump passed as the config) costs nothing.
   */
  public static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  private ConfigLoader() {}

  /** With the {@linkplain AppCatalog#installed() installed} apps. */
  public static SwitchboardConfig load(Path file) throws ConfigException {
    return load(file, AppCatalog.installed());
  }

  /** Errors name the file as given in {@code file}. */
  public static SwitchboardConfig load(Path file, AppCatalog catalog) throws ConfigException {
    String name = file.toString();
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw tooBig(name, size);
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(new ConfigError(name, 0, "", "no such file")));
    } catch (CharacterCodingException e) {
      throw new ConfigException(List.of(new ConfigError(name, 0, "", "cannot read file: not UTF-8 text")));
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigError(name, 0, "", "cannot read file: " + e)));
    }
    return parse(text, name, catalog);
  }

  /**
   * With the {@linkplain AppCatalog#installed() installed} apps.
   *
   * @param fileName used in error messages and as {@link SwitchboardConfig#source()}
   */
  public static SwitchboardConfig parse(String yamlText, String fileName) throws ConfigException {
    return parse(yamlText, fileName, AppCatalog.installed());
  }

  /** With the installed apps and some more known by name only (apps without a section, as tests have). */
  public static SwitchboardConfig parse(String yamlText, String fileName, Set<String> moreApps)
      throws ConfigException {
    return parse(yamlText, fileName, AppCatalog.installed().withApps(moreApps));
  }

  /**
   * An empty document is the default config.
   *
   * @param catalog the apps {@code apps:} may list, and their sections
   */
  public static SwitchboardConfig parse(String yamlText, String fileName, AppCatalog catalog)
      throws ConfigException {
    if (yamlText.length() > MAX_CONFIG_BYTES) { // chars <= UTF-8 bytes: a cheap first check
      throw tooBig(fileName, yamlText.length());
    }
    Errors errors = new Errors(fileName);
    Optional<Node> root = YamlTree.read(yamlText, errors);
    SwitchboardConfig config = new Sections(errors, catalog, fileName).build(root.orElse(null));
    if (!errors.isEmpty()) {
      List<ConfigError> inFileOrder = new ArrayList<>(errors.list());
      inFileOrder.sort(Comparator.comparingInt(ConfigError::line));
      throw new ConfigException(inFileOrder);
    }
    LOG.debug("loaded {}: apps {}, {} bridges, sections {}", fileName, config.apps(), config.bridges().size(),
        config.sections().keySet());
    return config;
  }

  /** The core section {@code key} of {@code top}, a mapping with {@code keys}. */
  static MapView section(MapView top, String key, List<String> keys, Errors errors) {
    return MapView.of(top.node(key), top.pathOf(key), errors,
        "the " + key + " settings (a mapping with " + String.join(", ", keys) + ")", keys);
  }

  private static ConfigException tooBig(String fileName, long size) {
    return new ConfigException(List.of(new ConfigError(fileName, 0, "", "the config is " + size
        + " bytes; the limit is 4 MiB (" + MAX_CONFIG_BYTES + " bytes): is this the right file?")));
  }

  /** One parse of one document. */
  private static final class Sections {
    private final Errors errors;
    private final Set<String> knownApps;
    private final AppCatalog catalog;
    private final String source;
    private final SwitchboardConfig defaults = SwitchboardConfig.defaults();
    private final ListenerSections listeners;
    private final BridgeSections bridges;

    Sections(Errors errors, AppCatalog catalog, String source) {
      this.errors = errors;
      this.catalog = catalog;
      this.knownApps = catalog.names();
      this.source = source;
      this.listeners = new ListenerSections(errors, source, defaults);
      this.bridges = new BridgeSections(errors, source);
    }

    SwitchboardConfig build(Node root) {
      List<AppSection<?>> appSections = AppSections.ordered(catalog.sections());
      List<String> topKeys = new ArrayList<>(CORE_KEYS);
      appSections.forEach(a -> topKeys.add(a.key()));
      MapView top = AppSections.top(root, errors, topKeys, catalog);
      OpenFlowSettings openflow = listeners.openflow(top);
      RestSettings rest = listeners.rest(top);
      ClusterSettings cluster = listeners.cluster(top);
      List<String> apps = top.has("apps") ? apps(top) : defaults.apps();
      List<BridgeConfig> bridgeList = this.bridges.bridges(top);
      ReconcileSettings reconcile = reconcile(top);
      SectionContext ctx = new SectionContext(errors, source);
      this.bridges.declared().forEach(b -> ctx.declare(SectionContext.BRIDGE, b));
      Map<String, Object> parsed = new LinkedHashMap<>();
      for (AppSection<?> section : appSections) {
        if (top.has(section.key())) {
          AppSections.parse(section, top, ctx, catalog).ifPresent(v -> parsed.put(section.key(), v));
        }
      }
      return new SwitchboardConfig(openflow, rest, cluster, apps, bridgeList, reconcile, parsed, source);
    }

    private List<String> apps(MapView top) {
      List<String> out = new ArrayList<>();
      List<Node> items = top.list("apps", "a list of app names like [l2-learning, acl]");
      for (int i = 0; i < items.size(); i++) {
        String path = KeyPath.index(top.pathOf("apps"), i);
        Node item = items.get(i);
        MapView.scalar(item, path, errors, "an app name", t -> t).ifPresent(app -> {
          if (!knownApps.contains(app)) {
            errors.add(item.line(), path, "unknown app '" + app + "'" + Suggest.didYouMean(app, knownApps)
                + " (known apps: " + Suggest.listing(knownApps) + ")");
          } else if (out.contains(app)) {
            errors.add(item.line(), path, "app '" + app + "' is listed twice");
          } else {
            out.add(app);
          }
        });
      }
      return out;
    }

    private ReconcileSettings reconcile(MapView top) {
      MapView m = section(top, "reconcile", List.of("audit-interval"), errors);
      Duration audit = m.optional("audit-interval", Values.DURATION,
          t -> Values.duration(t, Duration.ofSeconds(1), MAX_INTERVAL, false))
          .orElse(defaults.reconcile().auditInterval());
      return new ReconcileSettings(audit);
    }
  }
}
