package io.switchboard.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removing a testbed by what it wrote down: the pid files under its state directory (each process signalled only
 * if it still is the one the file was written for), its namespaces {@code PREFIX-*}, the state directory. Used by
 * {@link TestBed#close()}, by {@link TestBed#create} for a killed run's leftovers, and by {@code demo --down}.
 */
final class Cleanup {
  private static final Logger log = LoggerFactory.getLogger(TestBed.class);

  private Cleanup() {}

  /** See {@link TestBed#destroy(String)}. */
  static void destroy(String prefix) {
    Names.checkPrefix(prefix);
    Path dir = TestBed.STATE_ROOT.resolve(prefix);
    List<Path> pidFiles = pidFiles(dir);
    pidFiles.sort(Comparator.comparingInt(Cleanup::stopOrder).thenComparing(Path::toString));
    for (Path f : pidFiles) {
      try {
        Pids.stop(f, dir.toString(), Duration.ofSeconds(3));
      } catch (RuntimeException e) {
        log.warn("testbed {}: cannot stop process of {}: {}", prefix, f, e.toString());
      }
    }
    for (String ns : Netns.list(prefix + "-")) {
      String pids = Shell.run(List.of("ip", "netns", "pids", ns)).stdout().strip();
      if (!pids.isEmpty()) {
        log.warn("testbed {}: namespace {} still has processes not started by the testbed: {}",
            prefix, ns, pids.replace('\n', ' '));
      }
      CommandResult r = Shell.run(List.of("ip", "netns", "delete", ns));
      if (!r.ok()) {
        log.warn("testbed {}: {} failed: {}", prefix, r.commandLine(), r.output().strip());
      }
    }
    deleteTree(dir);
  }

  /** Relays and spawned commands first, then ovs-vswitchd, then the database it talks to. */
  private static int stopOrder(Path pidFile) {
    String n = pidFile.getFileName().toString();
    if (n.equals("vswitchd.pid")) {
      return 1;
    }
    if (n.equals("ovsdb.pid")) {
      return 2;
    }
    return 0;
  }

  /** Every {@code *.pid} under dir (empty when dir does not exist). */
  static List<Path> pidFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return new ArrayList<>();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".pid")).toList());
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.toString());
      return new ArrayList<>();
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", dir, e.toString());
    }
  }
}
