package io.switchboard.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What a run measured.
 *
 * @param loops         one entry per timed loop
 * @param latency       round trips of every answered packet-in while measuring
 * @param handshake     connection timing
 * @param failures      switches that failed, with why (empty when all went well)
 * @param memory        the controller's memory after the run, or null when no PID was given
 * @param packetInRule  the entry the switches attributed their packet-ins to (of switch 0)
 */
public record BenchResult(BenchOptions options, List<Loop> loops, LatencyHistogram latency, Handshake handshake,
                          List<String> failures, ControllerProbe.Memory memory, PacketInRule packetInRule) {

  /** One timed loop: its real length and what every switch counted in it. */
  public record Loop(double seconds, SwitchCounters.Snapshot[] perSwitch) {
    public SwitchCounters.Snapshot total() {
      SwitchCounters.Snapshot t = SwitchCounters.Snapshot.ZERO;
      for (SwitchCounters.Snapshot s : perSwitch) {
        t = t.plus(s);
      }
      return t;
    }

    public double answeredPerSecond() {
      return total().answered() / seconds;
    }

    public double responsesPerSecond() {
      return total().responses() / seconds;
    }

    /** Answered packet-ins per second of each switch, sorted. */
    public double[] answeredPerSwitch() {
      double[] r = new double[perSwitch.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = perSwitch[i].answered() / seconds;
      }
      Arrays.sort(r);
      return r;
    }
  }

  /**
   * Connection timing, in ms from the first connect.
   *
   * @param connected   switches whose handshake completed (features answered)
   * @param programmed  switches the controller started programming (first flow-mod / flow-stats request / barrier)
   */
  public record Handshake(int switches, int connected, int programmed, double allConnectedMs, double allProgrammedMs,
                          double medianConnectedMs) {}

  public SwitchCounters.Snapshot total() {
    SwitchCounters.Snapshot t = SwitchCounters.Snapshot.ZERO;
    for (Loop l : loops) {
      t = t.plus(l.total());
    }
    return t;
  }

  public double[] answeredPerSecondByLoop() {
    return loops.stream().mapToDouble(Loop::answeredPerSecond).sorted().toArray();
  }

  public double[] responsesPerSecondByLoop() {
    return loops.stream().mapToDouble(Loop::responsesPerSecond).sorted().toArray();
  }

  /** (loop, switch) pairs in which the switch got no answer at all: a starved switch. */
  public int starved() {
    int n = 0;
    for (Loop l : loops) {
      for (SwitchCounters.Snapshot s : l.perSwitch()) {
        if (s.answered() == 0) {
          n++;
        }
      }
    }
    return n;
  }

  /** The median over loops of each loop's median switch. */
  public double medianPerSwitch() {
    return median(loops.stream().mapToDouble(l -> median(l.answeredPerSwitch())).sorted().toArray());
  }

  static double median(double[] sorted) {
    if (sorted.length == 0) {
      return 0;
    }
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
