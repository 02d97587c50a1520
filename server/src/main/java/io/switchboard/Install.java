package io.switchboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code switchboard install} and {@code uninstall}: the controller as a systemd service.
 *
 * <pre>
 *   /usr/lib/switchboard/switchboard.jar        the jar that runs this command
 *   /usr/bin/switchboard                        launcher (JVM options as the project's ./switchboard)
 *   /etc/systemd/system/switchboard.service     the unit (server/src/main/packaging/switchboard.service;
 *                                               /lib/systemd/system/ when staged with --destdir, for a package)
 *   /etc/switchboard/switchboard.yaml           config, written only when absent; the default of `run`
 *   /var/lib/switchboard/                       state (the REST token), owned by the user switchboard
 * </pre>
 *
 * {@code --root DIR} relocates all of it under DIR, paths inside the files included (a working install that
 * touches nothing outside DIR: tests use it); {@code --destdir DIR} stages it under DIR with the final paths inside
 * the files (for packages). Either way no user is created and systemd is not told. Uninstall removes the jar,
 * launcher and unit, and keeps config, state and user unless {@code --purge}.
 */
final class Install {
  static final String USER = "switchboard";

  private final Path root;
  private final Path destdir;
  private final PrintStream out;

  Install(Path root, Path destdir, PrintStream out) {
    this.root = root;
    this.destdir = destdir;
    this.out = out;
  }

  /** Where a path of the installed system is, as the installed files name it. */
  Path at(String path) {
    return root.resolve(path.substring(1));
  }

  /** Where this command writes a path of the installed system. */
  Path write(String path) {
    Path p = at(path);
    return destdir == null ? p : destdir.resolve(p.toString().substring(1));
  }

  Path jar() {
    return write("/usr/lib/switchboard/switchboard.jar");
  }

  Path launcher() {
    return write("/usr/bin/switchboard");
  }

  /** The admin's unit directory for an install; the packages' one when staging for a package. */
  Path unit() {
    return write(destdir == null ? "/etc/systemd/system/switchboard.service"
        : "/lib/systemd/system/switchboard.service");
  }

  Path config() {
    return write("/etc/switchboard/switchboard.yaml");
  }

  Path state() {
    return write("/var/lib/switchboard");
  }

  /** The real system, not a relocated or staged copy: users and systemd are set up too. */
  boolean system() {
    return root.equals(Path.of("/")) && destdir == null;
  }

  static final String USAGE = """
      usage: switchboard install [--jar FILE] [--root DIR | --destdir DIR] [--no-start]
             switchboard uninstall [--purge] [--root DIR | --destdir DIR]
      """;

  static int main(String command, String[] args) {
    Path root = Path.of("/");
    Path destdir = null;
    Path jar = null;
    boolean purge = false;
    boolean start = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--root") && i + 1 < args.length) {
        root = Path.of(args[++i]).toAbsolutePath().normalize();
      } else if (a.equals("--destdir") && i + 1 < args.length) {
        destdir = Path.of(args[++i]).toAbsolutePath().normalize();
      } else if (a.equals("--jar") && i + 1 < args.length && command.equals("install")) {
        jar = Path.of(args[++i]);
      } else if (a.equals("--no-start") && command.equals("install")) {
        start = false;
      } else if (a.equals("--purge") && command.equals("uninstall")) {
        purge = true;
      } else {
        System.err.println("switchboard " + command + ": unexpected argument '" + a + "'");
        System.err.print(USAGE);
        return 2;
      }
    }
    Install in = new Install(root, destdir, System.out);
    if (in.system() && !"root".equals(System.getProperty("user.name"))) {
      System.err.println("switchboard " + command + ": needs root: sudo switchboard " + command);
      return 1;
    }
    try {
      if (command.equals("install")) {
        if (jar == null) {
          jar = runningJar();
          if (jar == null) {
            System.err.println("switchboard install: not running from a jar; give --jar server/target/switchboard.jar");
            return 2;
          }
        }
        in.install(jar, start);
      } else {
        in.uninstall(purge);
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("switchboard " + command + ": " + e.getMessage());
      return 1;
    }
  }

  /** The jar this class was loaded from, or null (classes directory). */
  static Path runningJar() {
    try {
      Path p = Path.of(Install.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  void install(Path jar, boolean start) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no jar at " + jar);
    }
    copy(jar, jar(), "rw-r--r--");
    String configEnv = system() || destdir != null ? ""
        : "export SWITCHBOARD_CONFIG=\"${SWITCHBOARD_CONFIG:-" + at("/etc/switchboard/switchboard.yaml") + "}\"";
    writeText(launcher(), resource("switchboard.sh")
        .replace("@LIBDIR@", at("/usr/lib/switchboard").toString())
        .replace("@CONFIG_ENV@", configEnv), "rwxr-xr-x");
    writeText(unit(), resource("switchboard.service").replace("@BINDIR@", at("/usr/bin").toString()), "rw-r--r--");
    if (Files.exists(config())) {
      out.println("kept " + config() + " (exists)");
    } else {
      writeText(config(), resource("switchboard.yaml").replace("@STATEDIR@", at("/var/lib/switchboard").toString()),
          "rw-r--r--");
    }
    Files.createDirectories(state());
    Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString("rwxr-x---"));
    out.println("state in " + state());
    if (!system()) {
      return;
    }
    if (run("getent", "passwd", USER) != 0) {
      mustRun("useradd", "--system", "--user-group", "--home-dir", "/var/lib/switchboard", "--no-create-home",
          "--shell", "/usr/sbin/nologin", "--comment", "Switchboard SDN controller", USER);
      out.println("created the system user " + USER);
    }
    mustRun("chown", "-R", USER + ":" + USER, state().toString());
    if (systemdRuns()) {
      mustRun("systemctl", "daemon-reload");
      mustRun("systemctl", "enable", USER + ".service");
      if (start) {
        mustRun("systemctl", "restart", USER + ".service");
        out.println("started: systemctl status switchboard; logs: journalctl -u switchboard");
      }
    } else {
      out.println("systemd is not running on this host (PID 1 is not systemd): the unit is in place for when it is;");
      out.println("meanwhile run the controller with: runuser -u switchboard -- " + at("/usr/bin/switchboard")
          + " run");
    }
  }

  void uninstall(boolean purge) throws IOException {
    if (system() && systemdRuns() && Files.exists(unit())) {
      run("systemctl", "disable", "--now", USER + ".service");
    }
    for (Path p : List.of(unit(), launcher(), jar())) {
      if (Files.deleteIfExists(p)) {
        out.println("removed " + p);
      }
    }
    deleteIfEmpty(jar().getParent());
    if (system() && systemdRuns()) {
      run("systemctl", "daemon-reload");
    }
    if (!purge) {
      out.println("kept " + config().getParent() + " and " + state() + " (--purge removes them)");
      return;
    }
    for (Path dir : List.of(config().getParent(), state())) {
      if (Files.exists(dir)) {
        deleteTree(dir);
        out.println("removed " + dir);
      }
    }
    if (system() && run("getent", "passwd", USER) == 0) {
      mustRun("userdel", USER);
      out.println("removed the system user " + USER);
    }
  }

  static boolean systemdRuns() {
    return Files.isDirectory(Path.of("/run/systemd/system"));
  }

  static String resource(String name) throws IOException {
    try (InputStream in = Install.class.getResourceAsStream("/packaging/" + name)) {
      if (in == null) {
        throw new IOException("packaging/" + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void copy(Path from, Path to, String mode) throws IOException {
    Files.createDirectories(to.getParent());
    Path tmp = to.resolveSibling(to.getFileName() + ".new");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out.println("installed " + to);
  }

  private void writeText(Path to, String text, String mode) throws IOException {
    Files.createDirectories(to.getParent());
    Path tmp = to.resolveSibling(to.getFileName() + ".new");
    Files.writeString(tmp, text);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out.println("installed " + to);
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isEmpty()) {
          Files.delete(dir);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }

  private static int run(String... cmd) throws IOException {
    try {
      return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd));
    }
  }

  private static void mustRun(String... cmd) throws IOException {
    int code = run(cmd);
    if (code != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (exit " + code + ")");
    }
  }
}
