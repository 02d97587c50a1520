package io.switchboard.bench.overlay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running controller as the churn and restart drivers see it from outside: its CPU time (/proc), its heap after
 * a full GC and its live classes (jcmd, jstat), and its Prometheus counters (/metrics).
 */
final class ControllerProbe {
  private ControllerProbe() {}

  /** A controller's count of reconciliations on connect, from its /metrics; 0 while it does not answer. */
  static long reconciliations(HttpClient http, String rest) {
    return metric(http, rest, "switchboard_reconciliations_total{", "kind=\"connect\"");
  }

  private static final java.util.regex.Pattern MEMBERS =
      java.util.regex.Pattern.compile("\"members\"\\s*:\\s*(\\d+)");

  /** How many cluster members a controller sees, from its /api/v1/health; 0 while it does not answer (or alone). */
  static int members(HttpClient http, String rest) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rest + "/api/v1/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      java.util.regex.Matcher m = MEMBERS.matcher(r.body());
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** The value of the /metrics line that starts with {@code prefix} and contains {@code label}; 0 when none. */
  static long metric(HttpClient http, String rest, String prefix, String label) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rest + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      for (String line : r.body().split("\n")) {
        if (line.startsWith(prefix) && line.contains(label)) {
          return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** User + system CPU time of a process, from /proc (ms). */
  static long cpuMillis(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      return ticks * 10; // USER_HZ = 100
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The controller's heap after a full GC ({@code jcmd GC.run}, then {@code jstat}) and its resident memory. */
  static String memory(long pid) {
    if (pid <= 0) {
      return "(no --pid given)";
    }
    try {
      run("jcmd", Long.toString(pid), "GC.run");
      String[] lines = run("jstat", "-gc", Long.toString(pid)).trim().split("\n");
      String[] head = lines[0].trim().split("\\s+");
      String[] vals = lines[lines.length - 1].trim().split("\\s+");
      double used = 0;
      for (int i = 0; i < head.length; i++) {
        if (List.of("S0U", "S1U", "EU", "OU").contains(head[i]) && !"-".equals(vals[i])) { // "-": ZGC has no spaces
          used += Double.parseDouble(vals[i]);
        }
      }
      String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
      return String.format(Locale.ROOT, "heap after GC %.1f MiB, %s", used / 1024, rss);
    } catch (IOException | InterruptedException e) {
      return "(unavailable: " + e + ")";
    }
  }

  /** Live instances and bytes by class ({@code jcmd GC.class_histogram} collects first). */
  static Map<String, long[]> histogram(long pid) {
    Map<String, long[]> out = new HashMap<>();
    if (pid <= 0) {
      return out;
    }
    try {
      for (String line : run("jcmd", Long.toString(pid), "GC.class_histogram").split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
      }
    } catch (IOException | InterruptedException | NumberFormatException e) {
      out.clear();
    }
    return out;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
