package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.TestBed;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard install} into a relocated root: the files land where the unit expects them, the unit passes
 * {@code systemd-analyze verify}, the installed launcher starts a controller that reads the installed config
 * (no --config) and stops cleanly on SIGTERM (what systemd sends), and uninstall reverses it. systemd is not PID 1
 * on the CI machines, so the launcher is started directly, as the unit's ExecStart would.
 */
class ServiceInstallTest {
  @TempDir
  Path dir;

  final ByteArrayOutputStream said = new ByteArrayOutputStream();

  Install install(Path root) {
    return new Install(root, null, new PrintStream(said, true, StandardCharsets.UTF_8));
  }

  /** A runnable jar for the installer: Main-Class and a Class-Path of this test's classpath (the shaded jar is built
   * only after the tests). */
  Path thinJar() throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.switchboard.Main");
    List<String> cp = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      cp.add(Path.of(e).toUri().toString());
    }
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", cp));
    Path jar = dir.resolve("thin.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    return jar;
  }

  static String run(Path log, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
    return p.exitValue() + ":" + Files.readString(log);
  }

  static void ensureSystemdAnalyze() throws Exception {
    if (new ProcessBuilder("sh", "-c", "command -v systemd-analyze").start().waitFor() != 0) {
      // the tooling is installed, not skipped (as OVS is for the end-to-end tests)
      Process p = new ProcessBuilder("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
          + "--no-install-recommends systemd").inheritIO().start();
      assertEquals(0, p.waitFor(), "apt-get install systemd");
    }
  }

  @Test
  void installLaysOutTheServiceAndTheUnitVerifies() throws Exception {
    Path root = dir.resolve("root");
    Path jar = thinJar();
    Install in = install(root);
    in.install(jar, false);

    Path unit = root.resolve("etc/systemd/system/switchboard.service");
    Path launcher = root.resolve("usr/bin/switchboard");
    assertTrue(Files.isExecutable(launcher), "launcher installed executable");
    assertEquals(Files.size(jar), Files.size(root.resolve("usr/lib/switchboard/switchboard.jar")));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(root.resolve("var/lib/switchboard"))));
    String u = Files.readString(unit);
    assertTrue(u.contains("\nExecStart=" + launcher + " run\n"), u);
    for (String line : List.of("User=switchboard", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
        "StateDirectory=switchboard", "StandardError=journal", "Environment=XDG_STATE_HOME=/var/lib")) {
      assertTrue(u.contains("\n" + line + "\n"), "unit has " + line);
    }
    assertFalse(u.contains("@"), "every placeholder replaced");

    // the config it wrote is valid, and the default of `run`
    Path cfg = root.resolve("etc/switchboard/switchboard.yaml");
    SwitchboardConfig c = ConfigLoader.load(cfg);
    assertEquals(6653, c.openflow().listen().port());
    assertEquals(List.of("l2-learning"), c.apps());
    assertEquals(root.resolve("var/lib/switchboard/rest-token"), c.rest().tokenFile(), "the token in the state dir");

    ensureSystemdAnalyze();
    String verify = run(dir.resolve("verify.log"), "systemd-analyze", "verify", unit.toString());
    assertEquals("0:", verify, "systemd-analyze verify: no error, no warning");

    // and verify does fail on a unit whose launcher is missing: the check above is not a formality
    Path bad = dir.resolve("bad.service");
    Files.writeString(bad, Install.resource("switchboard.service").replace("@BINDIR@", dir.resolve("nowhere")
        .toString()));
    String verifyBad = run(dir.resolve("verify2.log"), "systemd-analyze", "verify", bad.toString());
    assertTrue(verifyBad.contains("is not executable"), verifyBad);

    // an admin's edit survives a re-install
    Files.writeString(cfg, Files.readString(cfg) + "# mine\n");
    in.install(jar, false);
    assertTrue(Files.readString(cfg).endsWith("# mine\n"));
  }

  static final java.util.regex.Pattern TP_DST_23 = java.util.regex.Pattern.compile("tp_dst=23\\b");

  /** The token file inside the relocated root: the test runs as root, whose default is the real /var/lib. */
  static String serviceConfig(Path root, int of, int rest, String rule) {
    return """
        openflow: {listen: 127.0.0.1:%d}
        rest: {listen: 127.0.0.1:%d, token-file: %s}
        apps: [l2-learning, acl]
        acl:
          rules:
            - {name: %s, priority: 10, match: {tcp-dst: 23}, action: drop}
        """.formatted(of, rest, root.resolve("var/lib/switchboard/rest-token"), rule);
  }

  /**
   * The two-minute path of docs/operations.md, short of systemctl: install, edit the config, start the launcher as
   * ExecStart does, attach a real OVS bridge, reload with SIGHUP as ExecReload does, stop with SIGTERM.
   */
  @Test
  void theInstalledLauncherRunsTheServiceWithABridgeReloadsOnSighupAndStopsOnSigterm() throws Exception {
    Path root = dir.resolve("root");
    install(root).install(thinJar(), false);
    int of = ReloadTriggersTest.freePort();
    int rest = ReloadTriggersTest.freePort();
    Path cfg = root.resolve("etc/switchboard/switchboard.yaml");
    Files.writeString(cfg, serviceConfig(root, of, rest, "installed"));
    Path log = dir.resolve("service.log");
    ProcessBuilder pb = new ProcessBuilder(root.resolve("usr/bin/switchboard").toString(), "run")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SWITCHBOARD_HEAP", "128m");
    pb.environment().put("SWITCHBOARD_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("SWITCHBOARD_LOG_FORMAT", "json");
    pb.environment().remove("SWITCHBOARD_CONFIG");
    TestBed.ensureInstalled();
    Process p = pb.start();
    try (TestBed bed = TestBed.create("svc")) {
      ReloadTriggersTest.await("the service answers with the installed config's rule", Duration.ofSeconds(40),
          () -> ReloadTriggersTest.rules(rest).contains("\"installed\""));
      Bridge br = bed.host("h1").addBridge("ovs0", 0x5c01L);
      br.setController(of);
      ReloadTriggersTest.await("the bridge is connected and programmed", Duration.ofSeconds(30),
          () -> TP_DST_23.matcher(br.dumpFlows()).find());
      assertTrue(ReloadTriggersTest.get(rest, "/switches").contains("00:00:00:00:00:00:5c:01"));

      Files.writeString(cfg, serviceConfig(root, of, rest, "reloaded").replace("tcp-dst: 23", "tcp-dst: 2323"));
      new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor(); // what ExecReload runs
      ReloadTriggersTest.await("SIGHUP applied the new rule on the bridge", Duration.ofSeconds(20),
          () -> {
            String flows = br.dumpFlows();
            return flows.contains("tp_dst=2323") && !TP_DST_23.matcher(flows).find();
          });

      p.destroy(); // SIGTERM, as systemctl stop
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s of SIGTERM");
      assertTrue(p.exitValue() == 143 || p.exitValue() == 0, "exit " + p.exitValue() + " (143: SIGTERM, "
          + "SuccessExitStatus in the unit)");
    } finally {
      p.destroyForcibly();
    }
    // every line the service wrote is a JSON object (the journal gets JSON lines), lines about the bridge name it
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(log);
    boolean sawStart = false;
    boolean sawStop = false;
    boolean sawDpid = false;
    for (String line : lines) {
      JsonNode n;
      try {
        n = json.readTree(line);
      } catch (IOException e) {
        throw new AssertionError("not a JSON line: " + line + "\nthe log:\n" + String.join("\n", lines), e);
      }
      assertNotNull(n.get("time"), line);
      assertNotNull(n.get("level"), line);
      sawStart |= n.path("message").asText().contains("REST on http://127.0.0.1:" + rest);
      sawStop |= n.path("message").asText().equals("stopping");
      sawDpid |= n.path("dpid").asText().equals("00:00:00:00:00:00:5c:01");
    }
    assertTrue(sawStart && sawStop, "start and stop announced as JSON: " + lines);
    assertTrue(sawDpid, "some line carries the bridge's dpid as a field: " + lines);
  }

  @Test
  void uninstallKeepsConfigAndStateUnlessPurged() throws Exception {
    Path root = dir.resolve("root");
    Install in = install(root);
    in.install(thinJar(), false);
    Files.writeString(root.resolve("var/lib/switchboard/rest-token"), "secret\n");
    in.uninstall(false);
    for (String gone : List.of("usr/bin/switchboard", "usr/lib/switchboard",
        "etc/systemd/system/switchboard.service")) {
      assertFalse(Files.exists(root.resolve(gone)), gone + " removed");
    }
    assertTrue(Files.exists(root.resolve("etc/switchboard/switchboard.yaml")), "config kept");
    assertTrue(Files.exists(root.resolve("var/lib/switchboard/rest-token")), "state kept");
    in.uninstall(true);
    assertFalse(Files.exists(root.resolve("etc/switchboard")), "config purged");
    assertFalse(Files.exists(root.resolve("var/lib/switchboard")), "state purged");
  }

  @Test
  void destdirStagesWithTheFinalPathsInside() throws Exception {
    Path stage = dir.resolve("stage");
    new Install(Path.of("/"), stage, new PrintStream(said, true, StandardCharsets.UTF_8)).install(thinJar(), false);
    String unit = Files.readString(stage.resolve("lib/systemd/system/switchboard.service"));
    assertTrue(unit.contains("\nExecStart=/usr/bin/switchboard run\n"), unit);
    String launcher = Files.readString(stage.resolve("usr/bin/switchboard"));
    assertTrue(launcher.contains("jar='/usr/lib/switchboard/switchboard.jar'"), launcher);
    assertFalse(launcher.contains("SWITCHBOARD_CONFIG="), "the real install relies on run's default config path");
  }

  @Test
  void theDebPackageHoldsTheServiceWithItsConfigAsAConffile() throws Exception {
    Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    Path out = dir.resolve("deb");
    String built = run(dir.resolve("deb.log"), "bash", repo.resolve("deploy/debian/build-deb.sh").toString(),
        "--jar", thinJar().toString(), "--out", out.toString());
    assertTrue(built.startsWith("0:"), built);
    Path deb;
    try (var files = Files.list(out)) {
      deb = files.filter(f -> f.toString().endsWith("_all.deb")).findFirst().orElseThrow();
    }
    String contents = run(dir.resolve("contents.log"), "dpkg-deb", "--contents", deb.toString());
    for (String f : List.of("./usr/bin/switchboard", "./usr/lib/switchboard/switchboard.jar",
        "./lib/systemd/system/switchboard.service", "./etc/switchboard/switchboard.yaml", "./var/lib/switchboard/")) {
      assertTrue(contents.contains(" " + f + "\n") || contents.contains(" " + f + " "), f + " in\n" + contents);
    }
    assertTrue(contents.contains("root/root"), "owned by root in the archive: " + contents);
    String info = run(dir.resolve("info.log"), "dpkg-deb", "--info", deb.toString());
    assertTrue(info.contains("Package: switchboard") && info.contains("Version: 0.1.0~snapshot"), info);
    assertTrue(info.contains("postinst") && info.contains("conffiles"), info);
    Path x = dir.resolve("x");
    assertTrue(run(dir.resolve("x.log"), "dpkg-deb", "--control", deb.toString(), x.toString()).startsWith("0:"));
    assertEquals("/etc/switchboard/switchboard.yaml", Files.readString(x.resolve("conffiles")).strip());
    assertTrue(Files.readString(x.resolve("postinst")).contains("useradd --system"));
  }

  @Test
  void runsDefaultConfigIsTheEnvironmentsThenTheInstalledFile() throws Exception {
    Path sys = dir.resolve("switchboard.yaml");
    assertNull(Main.defaultConfig(null, sys), "no file: the built-in defaults");
    Files.writeString(sys, "apps: [acl]\n");
    assertEquals(sys, Main.defaultConfig(null, sys));
    assertEquals(sys, Main.defaultConfig(" ", sys));
    assertEquals(Path.of("/x.yaml"), Main.defaultConfig("/x.yaml", sys));
  }

  @Test
  void logFormatComesFromRunsOptionThenTheEnvironment() {
    assertEquals("plain", Main.logFormat(new String[] {"run"}, null));
    assertEquals("json", Main.logFormat(new String[] {"run"}, "json"));
    assertEquals("plain", Main.logFormat(new String[] {"run", "--log-format", "plain"}, "json"));
    assertEquals("json", Main.logFormat(new String[] {"run", "--config", "x", "--log-format", "json"}, null));
    assertNull(Main.logFormat(new String[] {"run", "--log-format", "xml"}, null));
    assertNull(Main.logFormat(new String[] {"hosts"}, "yaml"));
  }
}
