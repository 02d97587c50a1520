package io.switchboard.config;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code switchboard check-config FILE}: validate a config and say what is wrong, all at once. */
public final class ConfigCheck {

  private ConfigCheck() {}

  /**
   * Prints {@code FILE: OK (apps: ..., N bridges, ...)} (the sections in the file and those of the enabled apps add their {@link AppSection#summary}) and returns 0,
   * or prints every error (one per line) and a count, and returns 1. Warnings (a REST API reachable from the
   * network without TLS, for one) are printed after the OK line and do not change the status.
   */
  public static int run(Path file, PrintStream out) {
    try {
      AppCatalog catalog = AppCatalog.installed();
      SwitchboardConfig c = ConfigLoader.load(file, catalog);
      StringBuilder summary = new StringBuilder(count(c.bridges().size(), "bridge"));
      for (AppSection<?> section : catalog.sections()) {
        boolean shown = c.sections().containsKey(section.key())
            || catalog.ownerOf(section.key()).map(c::appEnabled).orElse(false);
        if (shown) {
          summary(section, c).ifPresent(s -> summary.append(", ").append(s));
        }
      }
      out.println(file + ": OK (apps: " + (c.apps().isEmpty() ? "none" : String.join(", ", c.apps())) + ", "
          + summary + ")");
      c.rest().warnings().forEach(w -> out.println(file + ": warning: " + w));
      return 0;
    } catch (ConfigException e) {
      e.errors().forEach(out::println);
      out.println(count(e.errors().size(), "error"));
      return 1;
    }
  }

  private static <T> java.util.Optional<String> summary(AppSection<T> section, SwitchboardConfig c) {
    return section.summary(c.section(section));
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** {@code java -cp ... io.switchboard.config.ConfigCheck FILE...}; exit status 0 when every file is OK. */
  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: ConfigCheck FILE...");
      System.exit(2);
    }
    int status = 0;
    for (String a : args) {
      status = Math.max(status, run(Path.of(a), System.out));
    }
    System.exit(status);
  }
}
