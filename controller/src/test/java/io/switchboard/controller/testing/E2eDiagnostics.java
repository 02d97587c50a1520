package io.switchboard.controller.testing;

import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What an end-to-end test's network and controller looked like when it failed: each host's bridges with their
 * flows, the tail of each host's ovs-vswitchd log, the controller's sessions and the tail of its log. {@link
 * EndToEnd} adds it to the failure as a suppressed exception (without a stack trace of its own).
 */
public final class E2eDiagnostics extends Exception {
  static final int FLOW_LINES = 150;
  static final int OVS_LOG_LINES = 30;

  E2eDiagnostics(String text) {
    super(text, null, false, false);
  }

  static String describe(TestBed bed, ControllerHarness controller, LogTail log) {
    StringBuilder sb = new StringBuilder("end-to-end diagnostics at the failure");
    if (bed != null) {
      sb.append(" (testbed ").append(bed.prefix()).append(")");
      for (SimHost h : bed.hosts()) {
        host(sb, h);
      }
    }
    sb.append("\n--- controller sessions");
    if (controller == null) {
      sb.append("\n(no controller running)");
    } else {
      try {
        for (SwitchSession s : controller.controller().sessions()) {
          sb.append('\n').append(s.name()).append(' ').append(s.dpidText()).append(" reconciled=")
              .append(s.programmer() != null && s.programmer().synced());
        }
      } catch (RuntimeException e) {
        sb.append("\n(cannot list: ").append(e).append(')');
      }
    }
    if (log != null) {
      List<String> lines = log.lines();
      sb.append("\n--- controller log (last ").append(lines.size()).append(" lines)");
      lines.forEach(l -> sb.append('\n').append(l));
    }
    return sb.toString();
  }

  private static void host(StringBuilder sb, SimHost h) {
    List<String> bridges;
    try {
      bridges = h.vsctl("list-br").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    } catch (RuntimeException e) {
      sb.append("\n--- ").append(h.name()).append(": cannot list bridges: ").append(e.getMessage());
      return;
    }
    for (String br : bridges) {
      sb.append("\n--- ").append(h.name()).append('/').append(br).append(" flows\n");
      sb.append(head(flows(h, br), FLOW_LINES));
    }
    Path log = h.dir().resolve("vswitchd.log");
    sb.append("\n--- ").append(h.name()).append(" ovs-vswitchd.log (last ").append(OVS_LOG_LINES).append(" lines)");
    try {
      List<String> lines = Files.readAllLines(log);
      lines.subList(Math.max(0, lines.size() - OVS_LOG_LINES), lines.size()).forEach(l -> sb.append('\n').append(l));
    } catch (Exception e) {
      sb.append("\n(cannot read ").append(log).append(": ").append(e).append(')');
    }
  }

  /** dump-flows in OpenFlow 1.3, or 1.0 for a bridge that speaks only that. */
  private static String flows(SimHost h, String br) {
    try {
      return h.ofctl("-O", "OpenFlow13", "dump-flows", h.mgmtTarget(br)).strip();
    } catch (RuntimeException e13) {
      try {
        return h.ofctl("-O", "OpenFlow10", "dump-flows", h.mgmtTarget(br)).strip();
      } catch (RuntimeException e10) {
        return "(cannot dump: " + e13.getMessage() + ")";
      }
    }
  }

  private static String head(String text, int max) {
    List<String> lines = text.lines().toList();
    if (lines.size() <= max) {
      return text;
    }
    return String.join("\n", lines.subList(0, max)) + "\n(" + (lines.size() - max) + " more lines)";
  }
}
