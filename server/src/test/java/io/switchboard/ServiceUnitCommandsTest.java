package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed unit's own command lines, run the way systemd runs them, short of systemd itself: systemd is not
 * PID 1 on the CI machines (a container), so {@code systemctl start} cannot be used. What the test takes from the
 * unit file rather than assuming: {@code ExecStart} (the installed launcher), {@code User}/{@code Group} (an
 * unprivileged user: {@code nobody} stands in for {@code switchboard}, which {@code install --root} does not create),
 * the {@code Environment} lines, {@code EnvironmentFile} (written by the test: the heap and the java binary),
 * {@code WorkingDirectory} (inside the relocated root), an empty {@code CapabilityBoundingSet} and
 * {@code NoNewPrivileges} (applied with {@code setpriv}), and {@code ExecReload} with {@code $MAINPID}. The stop is
 * SIGTERM, systemd's default {@code KillSignal}; its exit status must be one the unit counts as success.
 */
class ServiceUnitCommandsTest {
  @TempDir
  Path dir;

  /** The unit's {@code Key=value} lines; keys given several times (Environment) keep every value. */
  static Map<String, List<String>> unit(Path file) throws IOException {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (line.isBlank() || line.startsWith("#") || line.startsWith("[") || eq < 0) {
        continue;
      }
      m.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
    }
    return m;
  }

  static String one(Map<String, List<String>> unit, String key) {
    List<String> v = unit.get(key);
    assertNotNull(v, "the unit has " + key);
    assertEquals(1, v.size(), key + " once");
    return v.get(0);
  }

  /**
   * A jar for the installer whose classes the service user can read: this test's class path is copied next to it
   * ({@code lib/}), since the originals are under /root, which only root may enter.
   */
  Path readableJar(Path libDir) throws IOException {
    Files.createDirectories(libDir);
    List<String> cp = new ArrayList<>();
    int n = 0;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path from = Path.of(e);
      if (!Files.exists(from)) {
        continue;
      }
      String name = (n++) + "-" + from.getFileName();
      Path to = libDir.resolve(name);
      if (Files.isDirectory(from)) {
        try (var walk = Files.walk(from)) {
          for (Path p : (Iterable<Path>) walk::iterator) {
            Path t = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(t);
            } else {
              Files.copy(p, t);
            }
          }
        }
        cp.add("lib/" + name + "/");
      } else {
        Files.copy(from, to);
        cp.add("lib/" + name);
      }
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.switchboard.Main");
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", cp));
    Path jar = dir.resolve("readable.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
    return jar;
  }

  static void chmodTree(Path top, String dirs, String files) throws IOException {
    try (var walk = Files.walk(top)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? dirs : files));
      }
    }
  }

  static String status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).strip();
      }
    }
    throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
  }

  @Test
  void theUnitsExecStartRunsAsAnUnprivilegedUserServesABridgeReloadsOnExecReloadAndStops() throws Exception {
    assertEquals(0, new ProcessBuilder("sh", "-c", "command -v setpriv").start().waitFor(), "setpriv (util-linux)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // the user must get in
    Path root = dir.resolve("root");
    Path lib = root.resolve("usr/lib/switchboard");
    Path jar = readableJar(lib.resolve("lib"));
    new Install(root, null, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .install(jar, false);
    chmodTree(lib.resolve("lib"), "rwxr-xr-x", "rw-r--r--");
    Map<String, List<String>> unit = unit(root.resolve("etc/systemd/system/switchboard.service"));

    // what systemd does before ExecStart: the state directory belongs to the user; the config is readable
    assertEquals("switchboard", one(unit, "User"));
    assertEquals("switchboard", one(unit, "Group"));
    String user = "nobody";
    String group = "nogroup";
    Path state = root.resolve("var/lib/switchboard");
    assertEquals(0, new ProcessBuilder("chown", "-R", user + ":" + group, state.toString()).inheritIO().start()
        .waitFor());
    int of = ReloadTriggersTest.freePort();
    int rest = ReloadTriggersTest.freePort();
    Path cfg = root.resolve("etc/switchboard/switchboard.yaml");
    Files.writeString(cfg, ServiceInstallTest.serviceConfig(root, of, rest, "installed"));
    // the unit's EnvironmentFile, as an operator fills it
    String envFile = one(unit, "EnvironmentFile");
    assertTrue(envFile.startsWith("-/"), envFile);
    Path defaults = root.resolve(envFile.substring(2));
    Files.createDirectories(defaults.getParent());
    Files.writeString(defaults, "SWITCHBOARD_HEAP=128m\nSWITCHBOARD_JAVA="
        + Path.of(System.getProperty("java.home"), "bin", "java") + "\n");

    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups",
        "--inh-caps=-all"));
    assertEquals("", one(unit, "CapabilityBoundingSet"), "no capability at all");
    cmd.add("--bounding-set=-all");
    assertEquals("yes", one(unit, "NoNewPrivileges"));
    cmd.add("--no-new-privs");
    cmd.add("--");
    String execStart = one(unit, "ExecStart");
    assertEquals(root.resolve("usr/bin/switchboard") + " run", execStart);
    cmd.addAll(List.of(execStart.split(" ")));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("service.log").toFile())
        .directory(root.resolve(one(unit, "WorkingDirectory").substring(1)).toFile());
    Map<String, String> env = pb.environment();
    env.clear(); // systemd starts services with a clean environment
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("USER", user);
    env.put("LOGNAME", user);
    for (String e : unit.get("Environment")) {
      env.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
    }
    for (String line : Files.readAllLines(defaults)) {
      env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
    }
    TestBed.ensureInstalled();
    Process p = pb.start();
    try (TestBed bed = TestBed.create("cnss")) {
      ReloadTriggersTest.await("the service answers with the installed config's rule", Duration.ofSeconds(40),
          () -> ReloadTriggersTest.rules(rest).contains("\"installed\"") || !p.isAlive());
      assertTrue(p.isAlive(), "the service runs: " + Files.readString(dir.resolve("service.log")));
      long pid = p.pid(); // setpriv and the launcher exec: this is the JVM, what systemd calls the main pid
      assertEquals("65534\t65534\t65534\t65534", status(pid, "Uid"), "runs as nobody");
      assertEquals("0000000000000000", status(pid, "CapEff"));
      assertEquals("0000000000000000", status(pid, "CapBnd"));
      assertEquals("1", status(pid, "NoNewPrivs"));
      Path token = state.resolve("rest-token");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
      assertEquals(user, Files.getOwner(token).getName(), "the service made its token in its state directory");

      Bridge br = bed.host("h1").addBridge("ovs0", 0xc55L);
      br.setController(of);
      ReloadTriggersTest.await("the bridge is connected and programmed", Duration.ofSeconds(30),
          () -> ServiceInstallTest.TP_DST_23.matcher(br.dumpFlows()).find());

      Files.writeString(cfg, ServiceInstallTest.serviceConfig(root, of, rest, "reloaded")
          .replace("tcp-dst: 23", "tcp-dst: 2323"));
      String reload = one(unit, "ExecReload").replace("$MAINPID", Long.toString(pid));
      assertEquals("/bin/kill -HUP " + pid, reload);
      assertEquals(0, new ProcessBuilder(reload.split(" ")).inheritIO().start().waitFor());
      ReloadTriggersTest.await("ExecReload applied the new rule on the bridge", Duration.ofSeconds(20), () -> {
        String flows = br.dumpFlows();
        return flows.contains("tp_dst=2323") && !ServiceInstallTest.TP_DST_23.matcher(flows).find();
      });
      assertTrue(p.isAlive(), "a reload is not a restart");

      p.destroy(); // SIGTERM: systemd's KillSignal
      long stopBy = Duration.parse("PT" + one(unit, "TimeoutStopSec").toUpperCase()).toSeconds();
      assertTrue(p.waitFor(stopBy, TimeUnit.SECONDS), "stopped within TimeoutStopSec (" + stopBy + " s)");
      List<String> success = new ArrayList<>(List.of("0"));
      success.addAll(List.of(one(unit, "SuccessExitStatus").split(" ")));
      assertTrue(success.contains(Integer.toString(p.exitValue())), "exit " + p.exitValue()
          + " is a success for the unit (" + success + "), so Restart=on-failure does not restart it");
    } finally {
      p.destroyForcibly();
    }
  }
}
