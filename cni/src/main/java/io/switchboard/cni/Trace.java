package io.switchboard.cni;

/**
 * With {@code SWITCHBOARD_CNI_TRACE=1} in the environment, each step's time since {@code main} began goes to
 * stderr (runtimes log a plugin's stderr), to see where an ADD's time goes after the JVM's start. (Since the
 * process started would include the JVM, but the kernel's start time of a process is only as exact as its boot
 * time's whole second.)
 */
final class Trace {
  private static final boolean ON = System.getenv("SWITCHBOARD_CNI_TRACE") != null;
  private static final long START_NS = System.nanoTime();

  private Trace() {}

  static void mark(String step) {
    if (ON) {
      System.err.println("switchboard-cni: +" + (System.nanoTime() - START_NS) / 1_000_000 + " ms " + step);
    }
  }
}
