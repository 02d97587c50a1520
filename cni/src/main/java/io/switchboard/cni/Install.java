package io.switchboard.cni;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * {@code switchboard cni-install [DIR]}: puts the plugin into a CNI bin directory (default {@code /opt/cni/bin}, or
 * Debian's {@code /usr/lib/cni} when only that exists). It writes three files: {@code switchboard-cni.jar} (this
 * package's classes only, however this code was loaded: from the plugin's jar, the controller's jar or a classes
 * directory), {@code switchboard-cni.jsa} (an AppCDS archive from a training run, so each exec starts from mapped
 * classes) and the executable {@code switchboard}, the conflist's {@code type}: a shell wrapper that execs this JVM
 * with the archive, C1 only and a small serial heap. Each file is written beside its target and renamed into place,
 * so a runtime exec during an install sees the old or the new plugin, never half of one.
 */
public final class Install {
  static final String EXECUTABLE = "switchboard";
  static final String JAR = "switchboard-cni.jar";
  static final String ARCHIVE = "switchboard-cni.jsa";
  /** The JVM's options for one plugin exec: start-up time is all that matters. */
  static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
      "-Xss512k", "-XX:-UsePerfData", "-Xshare:auto", "-Xlog:disable", "-Xlog:all=warning:stderr");

  private Install() {}

  /** The command line entry: prints what it did; returns the exit code. */
  public static int main(String[] args) {
    if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
      System.err.println("usage: switchboard cni-install [DIR]   (default /opt/cni/bin, or /usr/lib/cni)");
      return 2;
    }
    Path dir = args.length == 1 ? Path.of(args[0]) : defaultDir();
    try {
      Path exe = install(dir);
      System.out.println("installed the Switchboard CNI plugin as " + exe + " (type \"switchboard\" in a conflist;"
          + " see docs/containers.md)");
      return 0;
    } catch (IOException e) {
      System.err.println("switchboard cni-install: " + e.getMessage());
      return 1;
    }
  }

  static Path defaultDir() {
    Path opt = Path.of("/opt/cni/bin");
    Path debian = Path.of("/usr/lib/cni");
    return !Files.isDirectory(opt) && Files.isDirectory(debian) ? debian : opt;
  }

  /** Installs into dir (created when missing); returns the executable. */
  public static Path install(Path dir) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Path jar = dir.resolve(JAR);
    Path tmpJar = dir.resolve("." + JAR + ".tmp");
    writeJar(tmpJar);
    Files.move(tmpJar, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path archive = dir.resolve(ARCHIVE);
    Path tmpArchive = dir.resolve("." + ARCHIVE + ".tmp");
    Files.deleteIfExists(tmpArchive);
    if (train(java, jar, tmpArchive)) {
      Files.move(tmpArchive, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.deleteIfExists(tmpArchive);
      Files.deleteIfExists(archive);
      System.err.println("switchboard cni-install: no class-data archive (the training run failed); the plugin"
          + " works, only starts slower");
    }

    Path exe = dir.resolve(EXECUTABLE);
    Path tmpExe = dir.resolve("." + EXECUTABLE + ".tmp");
    Files.writeString(tmpExe, wrapper(java, dir));
    Files.setPosixFilePermissions(tmpExe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(tmpExe, exe, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return exe;
  }

  static String wrapper(Path java, Path dir) {
    return "#!/bin/sh\n"
        + "# The Switchboard CNI plugin (switchboard-cni), written by `switchboard cni-install`; see docs/containers.md.\n"
        + "# Runtimes exec it with CNI_COMMAND and friends in the environment and the network config on stdin.\n"
        + "PATH=\"${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"; export PATH\n"
        + "d='" + dir + "'\n"
        + "cds=; [ -f \"$d/" + ARCHIVE + "\" ] && cds=\"-XX:SharedArchiveFile=$d/" + ARCHIVE + "\"\n"
        + "exec '" + java + "' " + String.join(" ", JVM_OPTIONS) + " $cds -cp \"$d/" + JAR + "\" "
        + Main.class.getName() + " \"$@\"\n";
  }

  /** Runs the plugin's training once with {@code -XX:ArchiveClassesAtExit}; true when the archive was written. */
  private static boolean train(Path java, Path jar, Path archive) throws IOException {
    List<String> argv = new ArrayList<>(List.of(java.toString()));
    argv.addAll(JVM_OPTIONS);
    argv.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", jar.toString(), Main.class.getName(),
        "--train"));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0 && Files.size(archive) > 0;
  }

  /** A jar of this package's classes, wherever they were loaded from, with Main as its entry point. */
  private static void writeJar(Path target) throws IOException {
    String pkg = Main.class.getPackageName().replace('.', '/') + "/";
    Path source;
    try {
      source = Path.of(Install.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot tell where the plugin's classes are: " + e.getMessage(), e);
    }
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    int n = 0;
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), mf)) {
      if (Files.isDirectory(source)) {
        List<Path> classes;
        try (Stream<Path> s = Files.list(source.resolve(pkg))) {
          classes = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        for (Path c : classes) {
          try (InputStream in = Files.newInputStream(c)) {
            n += add(out, pkg + c.getFileName(), in);
          }
        }
      } else {
        try (JarFile jf = new JarFile(source.toFile())) {
          Enumeration<JarEntry> entries = jf.entries();
          while (entries.hasMoreElements()) {
            JarEntry e = entries.nextElement();
            String name = e.getName();
            if (name.startsWith(pkg) && name.endsWith(".class") && name.indexOf('/', pkg.length()) < 0) {
              try (InputStream in = jf.getInputStream(e)) {
                n += add(out, name, in);
              }
            }
          }
        }
      }
    }
    if (n == 0) {
      throw new IOException("found no plugin classes in " + source);
    }
  }

  private static int add(JarOutputStream out, String name, InputStream in) throws IOException {
    out.putNextEntry(new JarEntry(name));
    in.transferTo((OutputStream) out);
    out.closeEntry();
    return 1;
  }
}
