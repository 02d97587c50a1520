package io.switchboard.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the testbed needs from the machine: root, and the OVS and networking tools, installed from the Debian
 * packages when missing (so that a fresh machine passes). The public entry points are {@link TestBed}'s.
 */
final class Tools {
  static final List<String> TOOLS = List.of("ovs-vswitchd", "ovsdb-server", "ovsdb-tool",
      "ovs-vsctl", "ovs-ofctl", "ovs-appctl", "ip", "ping", "socat", "ethtool");
  static final List<String> PACKAGES =
      List.of("openvswitch-switch", "iproute2", "iputils-ping", "socat", "ethtool");

  private Tools() {}

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).trim().split("\\s+")[0].equals("0");
        }
      }
    } catch (IOException ignored) {
      // not Linux: certainly no testbed
    }
    return false;
  }

  static List<String> missing() {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : (path + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .split(":")) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String tool : TOOLS) {
      if (dirs.stream().noneMatch(d -> Files.isExecutable(d.resolve(tool)))) {
        missing.add(tool);
      }
    }
    if (!Files.isRegularFile(Path.of(SimHost.SCHEMA))) {
      missing.add(SimHost.SCHEMA);
    }
    return missing;
  }

  static void require() {
    List<String> missing = missing();
    if (!missing.isEmpty()) {
      throw new TestBedException("missing " + missing + "; install with: apt-get install -y "
          + "--no-install-recommends " + String.join(" ", PACKAGES));
    }
  }

  static synchronized void ensureInstalled() {
    List<String> missing = missing();
    if (missing.isEmpty()) {
      return;
    }
    if (!isRoot()) {
      require();
    }
    System.out.println("switchboard-testbed: " + missing + " missing, installing "
        + String.join(" ", PACKAGES) + " with apt-get");
    Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
    Duration tenMinutes = Duration.ofMinutes(10);
    Shell.run(List.of("apt-get", "update", "-q"), tenMinutes, env).orThrow();
    List<String> install = new ArrayList<>(
        List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
    install.addAll(PACKAGES);
    Shell.run(install, tenMinutes, env).orThrow();
    require();
  }
}
