package io.switchboard.apps.l2.e2e;

import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.SimHost;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small helpers shared by the end-to-end tests. */
final class E2e {
  private static final Pattern DURATION = Pattern.compile("duration=([0-9.]+)s");

  private E2e() {}

  /** The flows (OpenFlow 1.3 dump) that mention a MAC, one per line. */
  static List<String> flowsWith(Bridge br, String mac) {
    return br.dumpFlows().lines().filter(l -> l.contains(mac)).map(String::strip).toList();
  }

  /** An OpenFlow 1.0-only bridge cannot be dumped with -O OpenFlow13. */
  static String dumpFlows10(SimHost host, String bridge) {
    return host.ofctl("-O", "OpenFlow10", "dump-flows", host.mgmtTarget(bridge));
  }

  static double duration(String flowLine) {
    Matcher m = DURATION.matcher(flowLine);
    if (!m.find()) {
      throw new AssertionError("no duration in " + flowLine);
    }
    return Double.parseDouble(m.group(1));
  }

  /**
   * Runs an audit of a bridge (read its table, repair drift) and returns how many changes it made: 0 when every
   * entry read back from the switch equals what the apps want.
   */
  static double auditChanges(ControllerHarness ctl, String bridge) throws Exception {
    double audits = metric(ctl, "switchboard_reconciliations_total", "kind=\"audit\"");
    double before = metric(ctl, "switchboard_drift_repaired_total");
    ctl.controller().audit(ctl.controller().session(bridge).orElseThrow());
    ControllerHarness.awaitTrue("an audit of " + bridge, java.time.Duration.ofSeconds(10), () -> {
      try {
        return metric(ctl, "switchboard_reconciliations_total", "kind=\"audit\"") > audits;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return metric(ctl, "switchboard_drift_repaired_total") - before;
  }

  /** Sum of a metric's series whose labels contain every given fragment (0 when there is none). */
  static double metric(ControllerHarness ctl, String name, String... labelFragments) throws Exception {
    String text = ctl.get("/metrics").body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        boolean all = true;
        for (String f : labelFragments) {
          all &= line.contains(f);
        }
        if (all) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }
}
