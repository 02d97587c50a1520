package io.switchboard;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many methods wait for HotSpot's optimizing compiler (C2), read through the JVM's diagnostic command
 * {@code Compiler.queue} (what {@code jcmd PID Compiler.queue} prints). The {@link Warmup} uses it to tell when the
 * JIT has caught up with its traffic.
 */
final class CompilerQueue {
  private static final String HEADING = "C2 compile queue:";

  private CompilerQueue() {}

  /** Methods queued for C2, or -1 when this JVM cannot tell (not HotSpot, or the command is unavailable). */
  static int optimizing() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      Object text = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      return text instanceof String s ? count(s) : -1;
    } catch (Exception | LinkageError e) {
      return -1;
    }
  }

  /** The entries under the C2 heading of {@code Compiler.queue}'s text; -1 when there is no such heading. */
  static int count(String text) {
    int at = text.indexOf(HEADING);
    if (at < 0) {
      return -1;
    }
    int n = 0;
    for (String line : text.substring(at + HEADING.length()).split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.equals("Empty")) {
        continue;
      }
      if (l.endsWith("compile queue:")) {
        break; // another compiler's queue follows
      }
      n++;
    }
    return n;
  }
}
