package io.switchboard.bench;

import java.time.Duration;
import java.util.Locale;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** The load generator's settings, from its command line. */
public record BenchOptions(
    String host,
    int port,
    int switches,
    int macs,
    int destinations,
    Mode mode,
    int loops,
    Duration loopTime,
    Duration warmup,
    Duration selfWarmup,
    OFVersion version,
    int window,
    int threads,
    Duration timeout,
    Duration connectTimeout,
    boolean buffered,
    long controllerPid,
    String label) {

  /** What to measure. */
  public enum Mode {
    /** A window of packet-ins in flight per switch: how many the controller answers per second. */
    THROUGHPUT,
    /** One packet-in in flight per switch: the round trip. */
    LATENCY,
    /** N switches connecting at once: how long until every handshake is complete. No packet-ins. */
    CONNECT
  }

  public static final String USAGE = """
      usage: LoadGenerator --controller HOST:PORT [options]

        --controller HOST:PORT   the OpenFlow controller to load (loopback only, e.g. 127.0.0.1:6653)
        --switches N             emulated switches, each its own TCP connection (default 16)
        --macs M                 hosts (MACs) behind each switch, 2..16777216 (default 100)
        --destinations D         hosts each source sends to, in turn, 1..63 (default 63: every other port's);
                                 cbench's switches send to one destination MAC (1)
        --mode MODE              throughput | latency | connect (default throughput)
        --loops L                timed loops after the warm-up (default 5)
        --loop-seconds S         length of one loop (default 5)
        --warmup S               traffic before measuring (default 5)
        --self-warmup S          before connecting, the generator runs its own switches at least this long
                                 against a controller inside its JVM, then on until its JIT has caught up (no
                                 round of 1 s starts after 20 s), so that its first measured second is not spent
                                 compiling itself (default 3; 0: off)
        --of VERSION             OpenFlow version the switches offer: 1.0, 1.3 or 1.4 (default 1.3)
        --window W               packet-ins in flight per switch in throughput mode (default 100); 0: no
                                 window, every switch keeps its socket full and every response counts (cbench's
                                 throughput mode: any FLOW_MOD add/modify-strict or non-LLDP PACKET_OUT)
        --threads T              event-loop threads of the generator (default 1)
        --timeout-ms MS          a packet-in unanswered this long is lost (default 1000)
        --connect-timeout S      time allowed for every switch to connect and finish its handshake (default 30)
        --buffered               packet-ins carry a buffer id (as cbench's switches do); default: no buffer,
                                 the whole frame (as Open vSwitch sends)
        --controller-pid PID     after the run, report that process's heap (jcmd) and RSS (/proc)
        --label TEXT             a name for the RESULT line (default: the controller address)
      """;

  public static BenchOptions parse(String... args) {
    String controller = null;
    int switches = 16;
    int macs = 100;
    int destinations = Hosts.MAX_PORTS - 1;
    Mode mode = Mode.THROUGHPUT;
    int loops = 5;
    double loopSeconds = 5;
    double warmup = 5;
    double selfWarmup = 3;
    OFVersion version = OFVersion.OF_13;
    int window = 100;
    int threads = 1;
    int timeoutMs = 1000;
    double connectTimeout = 30;
    boolean buffered = false;
    long pid = -1;
    String label = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--buffered")) {
        buffered = true;
        continue;
      }
      if (a.equals("--help") || a.equals("-h")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unexpected argument " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--controller" -> controller = v;
        case "--switches" -> switches = intIn(a, v, 1, 65535);
        case "--macs" -> macs = intIn(a, v, 2, Hosts.MAX_HOSTS);
        case "--destinations" -> destinations = intIn(a, v, 1, Hosts.MAX_PORTS - 1);
        case "--mode" -> mode = mode(v);
        case "--loops" -> loops = intIn(a, v, 1, 1000);
        case "--loop-seconds" -> loopSeconds = secondsIn(a, v, 0.1, 600);
        case "--warmup" -> warmup = secondsIn(a, v, 0, 600);
        case "--self-warmup" -> selfWarmup = secondsIn(a, v, 0, 600);
        case "--of" -> version = version(v);
        case "--window" -> window = intIn(a, v, 0, 100_000);
        case "--threads" -> threads = intIn(a, v, 1, 64);
        case "--timeout-ms" -> timeoutMs = intIn(a, v, 10, 60_000);
        case "--connect-timeout" -> connectTimeout = secondsIn(a, v, 1, 600);
        case "--controller-pid" -> pid = intIn(a, v, 1, Integer.MAX_VALUE);
        case "--label" -> label = v;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (controller == null) {
      throw new IllegalArgumentException("--controller HOST:PORT is required");
    }
    int colon = controller.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--controller must be HOST:PORT, got " + controller);
    }
    String host = controller.substring(0, colon);
    int port = intIn("--controller port", controller.substring(colon + 1), 1, 65535);
    if (mode == Mode.LATENCY) {
      window = 1;
    }
    return new BenchOptions(host, port, switches, macs, destinations, mode, loops, seconds(loopSeconds),
        seconds(warmup), seconds(selfWarmup), version, window, threads, Duration.ofMillis(timeoutMs),
        seconds(connectTimeout), buffered, pid, label != null ? label : controller);
  }

  /**
   * The same load against another controller for one loop of {@code time}, with no warm-up and no memory probe:
   * the generator's self-warm-up.
   */
  public BenchOptions rehearsal(String host, int port, Duration time) {
    return new BenchOptions(host, port, switches, macs, destinations, mode, 1, time, Duration.ZERO, Duration.ZERO,
        version, window, threads, timeout, connectTimeout, buffered, -1, "self-warm-up");
  }

  /** cbench's throughput mode: no window, the socket kept full, every response counted. */
  public boolean unwindowed() {
    return mode == Mode.THROUGHPUT && window == 0;
  }

  public String versionText() {
    return switch (version) {
      case OF_10 -> "1.0";
      case OF_13 -> "1.3";
      case OF_14 -> "1.4";
      default -> version.toString();
    };
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }

  private static Mode mode(String v) {
    try {
      return Mode.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--mode must be throughput, latency or connect, got " + v);
    }
  }

  private static OFVersion version(String v) {
    return switch (v) {
      case "1.0", "10", "OpenFlow10" -> OFVersion.OF_10;
      case "1.3", "13", "OpenFlow13" -> OFVersion.OF_13;
      case "1.4", "14", "OpenFlow14" -> OFVersion.OF_14;
      default -> throw new IllegalArgumentException("--of must be 1.0, 1.3 or 1.4, got " + v);
    };
  }

  private static int intIn(String opt, String v, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(opt + " must be a whole number, got " + v);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(opt + " must be " + min + ".." + max + ", got " + v);
    }
    return n;
  }

  private static double secondsIn(String opt, String v, double min, double max) {
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(opt + " must be a number of seconds, got " + v);
    }
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException(opt + " must be " + min + ".." + max + " seconds, got " + v);
    }
    return d;
  }
}
