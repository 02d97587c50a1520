package io.switchboard.testbed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small helpers around {@code ip netns}. */
final class Netns {
  private Netns() {}

  static List<String> exec(String namespace, String... cmd) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    argv.addAll(Arrays.asList(cmd));
    return argv;
  }

  /** Names of all namespaces starting with prefix (e.g. "sbt1-"). */
  static List<String> list(String prefix) {
    CommandResult r = Shell.run(List.of("ip", "netns", "list"));
    List<String> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      String ns = line.trim().split("\\s+")[0];
      if (!ns.isEmpty() && ns.startsWith(prefix)) {
        out.add(ns);
      }
    }
    return out;
  }

  /**
   * No IPv6 in the namespaces we make: router solicitations, DAD and MLD would otherwise reach the
   * bridges (and a controller) at random moments and disturb packet counts.
   */
  static void disableIpv6(String namespace) {
    Shell.check(exec(namespace, "sh", "-c",
        "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6;"
            + " echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6"));
  }
}
