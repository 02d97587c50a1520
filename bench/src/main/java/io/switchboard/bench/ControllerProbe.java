package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The controller's memory, read from outside: resident set size from /proc/PID/status, and for a JVM the heap
 * in use as {@code jcmd PID GC.heap_info} reports it, before and after a full collection.
 */
public final class ControllerProbe {
  private static final Pattern USED = Pattern.compile("total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

  /** What was read; -1 where it could not be. */
  public record Memory(long rssKb, long heapUsedKb, long heapUsedAfterGcKb, long heapCommittedKb) {}

  private ControllerProbe() {}

  public static Memory read(long pid) {
    long rss = rssKb(pid);
    long[] before = heapKb(pid);
    long[] after = new long[] {-1, -1};
    if (before[1] >= 0 && jcmd(pid, "GC.run") != null) {
      after = heapKb(pid);
    }
    return new Memory(rss, before[1], after[1], before[0]);
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /**
   * {committed, used} in KiB of the whole heap, or -1s: G1 prints one line for it; the serial and parallel
   * collectors one per generation (young, old), which are added up. Metaspace (not heap) comes after them.
   */
  static long[] heapKb(long pid) {
    String text = jcmd(pid, "GC.heap_info");
    return text == null ? new long[] {-1, -1} : parseHeap(text);
  }

  static long[] parseHeap(String text) {
    int metaspace = text.indexOf("Metaspace");
    Matcher m = USED.matcher(metaspace < 0 ? text : text.substring(0, metaspace));
    long committed = 0;
    long used = 0;
    boolean found = false;
    while (m.find()) {
      committed += Long.parseLong(m.group(1));
      used += Long.parseLong(m.group(2));
      found = true;
    }
    return found ? new long[] {committed, used} : new long[] {-1, -1};
  }

  private static String jcmd(long pid, String command) {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
