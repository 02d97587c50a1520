package io.switchboard;

import io.switchboard.config.ConfigCheck;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** The {@code switchboard} command line. */
public final class Main {
  private Main() {}

  static final String USAGE = """
      usage: switchboard COMMAND [ARGS]

        run [--config FILE] [--watch] [--log-format plain|json]
                                   start a controller; without --config: $SWITCHBOARD_CONFIG, else
                                   /etc/switchboard/switchboard.yaml when it exists, else the defaults
                                   (OpenFlow on 0.0.0.0:6653, REST on 127.0.0.1:8080, app l2-learning);
                                   SIGHUP reloads the config file; --watch also reloads when it changes;
                                   --log-format json (or SWITCHBOARD_LOG_FORMAT=json): one JSON object a line
        install [--no-start]       as a systemd service: jar, /usr/bin/switchboard, switchboard.service,
                                   /etc/switchboard/switchboard.yaml, /var/lib/switchboard, user switchboard
        uninstall [--purge]        reverses install; --purge also removes config, state and the user
        cni-install [DIR]          the CNI plugin (type "switchboard") into DIR, default /opt/cni/bin or
                                   /usr/lib/cni (docs/containers.md)
        demo [--down]              the scenarios on real OVS in network namespaces (needs root):
                                   builds them, checks who reaches whom, shows a trace; --down removes it
        check-config FILE          validate a config file; print every error
        bench                      Switchboard vs ovs-testcontroller under load (bench/run-comparison.sh)
        plan --config NEW          what NEW would change on every bridge of a running controller
        reload                     make a running controller reload its config file
        flows BRIDGE [--desired|--diff]   a bridge's flows, grouped by stage
        hosts                      learned hosts (l2-learning)
        trace BRIDGE in-port=P [field=value ...]
                                   a packet's path through the pipeline, across hosts
        help                       this text

      The commands that talk to a running controller take --api URL (default http://127.0.0.1:8080),
      --token-file FILE (the REST token; default $SWITCHBOARD_TOKEN_FILE, else /var/lib/switchboard/rest-token
      for root and ~/.local/state/switchboard/rest-token for others) and --cacert PEM (to trust a
      self-signed HTTPS certificate). See docs/security.md.
      """;

  /** The config file of an installed service (docs/operations.md). */
  static final Path SYSTEM_CONFIG = Path.of("/etc/switchboard/switchboard.yaml");

  public static void main(String[] args) throws Exception {
    String format = logFormat(args, System.getenv("SWITCHBOARD_LOG_FORMAT"));
    if (format == null) {
      System.err.println("switchboard: the log format is plain or json");
      System.exit(2);
    }
    // before the first logger: logback.xml picks its appender by this property
    System.setProperty("switchboard.log.format", format);
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    int code = switch (args[0]) {
      case "run" -> run(rest);
      case "check-config" -> checkConfig(rest);
      case "flows", "hosts", "trace", "plan", "reload" -> Cli.run(args[0], rest);
      case "demo" -> demo(rest);
      case "install", "uninstall" -> Install.main(args[0], rest);
      case "cni-install" -> io.switchboard.cni.Install.main(rest);
      default -> {
        System.err.println("switchboard: unknown command '" + args[0] + "'");
        System.err.print(USAGE);
        yield 2;
      }
    };
    System.exit(code);
  }

  /**
   * The demo lives in its own module (demo/) so this jar carries no test bed; the launcher puts its jars on the
   * class path for {@code switchboard demo}.
   */
  /** The -D settings the controller reads at start, checked before anything starts; false (and said) if one is bad. */
  static boolean jvmSettingsValid() {
    try {
      io.switchboard.controller.openflow.OpenFlowServer.eventLoops();
      io.switchboard.controller.openflow.OpenFlowServer.spinMicros();
      return true;
    } catch (IllegalArgumentException e) {
      System.err.println("switchboard: " + e.getMessage());
      return false;
    }
  }

  static int demo(String[] args) throws Exception {
    if (!jvmSettingsValid()) {
      return 2;
    }
    Class<?> demo;
    try {
      demo = Class.forName("io.switchboard.demo.Demo");
    } catch (ClassNotFoundException e) {
      System.err.println("switchboard demo: the demo is not part of this jar; run sudo ./switchboard demo from a"
          + " source checkout (it builds demo/target/switchboard-demo.jar)");
      return 2;
    }
    try {
      return (int) demo.getMethod("run", String[].class).invoke(null, (Object) args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  static int checkConfig(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: switchboard check-config FILE");
      return 2;
    }
    return ConfigCheck.run(Path.of(args[0]), System.out);
  }

  /**
   * The config file when {@code --config} is absent: {@code $SWITCHBOARD_CONFIG} when set (it must then exist),
   * else the installed service's file when it exists, else none (the built-in defaults).
   */
  static Path defaultConfig(String env, Path system) {
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Files.exists(system) ? system : null;
  }

  /** {@code --log-format X} of run, else the environment's, else plain; null when it is neither plain nor json. */
  static String logFormat(String[] args, String env) {
    String f = env == null || env.isBlank() ? "plain" : env.trim();
    if (args.length > 0 && args[0].equals("run")) {
      for (int i = 1; i + 1 < args.length; i++) {
        if (args[i].equals("--log-format")) {
          f = args[i + 1];
        }
      }
    }
    return f.equals("plain") || f.equals("json") ? f : null;
  }

  /** A line for the operator: plain on stderr, or a log event when the log is JSON lines (one format per stream). */
  static void announce(String line) {
    if ("json".equals(System.getProperty("switchboard.log.format"))) {
      org.slf4j.LoggerFactory.getLogger(Main.class).info(line);
    } else {
      System.err.println("switchboard: " + line);
    }
  }

  static int run(String[] args) throws Exception {
    Path file = null;
    boolean watch = false;
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (args[i].equals("--watch")) {
        watch = true;
      } else if (args[i].equals("--log-format") && i + 1 < args.length) {
        i++; // applied in main, before logging starts
      } else {
        System.err.println("switchboard run: unexpected argument '" + args[i] + "'");
        return 2;
      }
    }
    if (file == null) {
      file = defaultConfig(System.getenv("SWITCHBOARD_CONFIG"), SYSTEM_CONFIG);
    }
    SwitchboardConfig config;
    if (file == null) {
      config = SwitchboardConfig.defaults();
    } else {
      if (!Files.isReadable(file)) {
        System.err.println("switchboard: cannot read config file " + file);
        return 1;
      }
      try {
        config = ConfigLoader.load(file);
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 1;
      }
    }
    if (!jvmSettingsValid()) {
      return 2;
    }
    Switchboard sb;
    try {
      sb = Switchboard.start(config, file);
    } catch (java.io.IOException e) {
      System.err.println("switchboard: " + e.getMessage());
      return 1;
    }
    if (file != null) {
      ConfigService configs = sb.configs();
      sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
        try {
          configs.reload();
        } catch (RuntimeException e) {
          // the reason is logged; the running config stays
        }
      });
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        // started with SIGHUP ignored (nohup, some supervisors): the JVM keeps it ignored, and a reload by signal
        // would silently do nothing
        org.slf4j.LoggerFactory.getLogger(Main.class).warn("SIGHUP is ignored in this process (it was started with"
            + " SIGHUP ignored, as under nohup): kill -HUP will not reload {}; use 'switchboard reload', or run"
            + " with --watch", file);
      }
      if (watch) {
        configs.watch();
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      announce("stopping");
      // a stop must not hang on a stuck connection or cluster peer: after 10 s the process goes regardless
      Thread watchdog = new Thread(() -> {
        try {
          Thread.sleep(10_000);
          announce("still stopping after 10 s; exiting now");
          Runtime.getRuntime().halt(1);
        } catch (InterruptedException e) {
          // stopped in time
        }
      }, "shutdown-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      sb.close();
      watchdog.interrupt();
      stopped.countDown();
    }, "shutdown"));
    announce(String.format("OpenFlow on %s, REST on %s (config: %s, apps: %s). Ctrl-C stops.",
        config.openflow().listen().host() + ":" + sb.openflowPort() + (config.openflow().listenIsTls() ? " (TLS)"
            : "") + config.openflow().tlsListen().map(t -> ", OpenFlow over TLS on " + t).orElse(""),
        sb.restBase(), config.source(),
        String.join(", ", config.apps())));
    stopped.await();
    return 0;
  }
}
