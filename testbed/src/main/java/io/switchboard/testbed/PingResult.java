package io.switchboard.testbed;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary of one {@code ping} run.
 *
 * @param ttl the TTL of the first reply, or -1 when no reply came back
 */
public record PingResult(String target, int transmitted, int received, int ttl, String output) {
  private static final Pattern COUNTS =
      Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
  private static final Pattern TTL = Pattern.compile("ttl=(\\d+)");

  /** At least one reply came back. */
  public boolean success() {
    return received > 0;
  }

  public boolean allReceived() {
    return transmitted > 0 && received == transmitted;
  }

  public int lost() {
    return transmitted - received;
  }

  static PingResult parse(String target, String output) {
    int tx = 0;
    int rx = 0;
    Matcher m = COUNTS.matcher(output);
    if (m.find()) {
      tx = Integer.parseInt(m.group(1));
      rx = Integer.parseInt(m.group(2));
    }
    Matcher t = TTL.matcher(output);
    int ttl = t.find() ? Integer.parseInt(t.group(1)) : -1;
    return new PingResult(target, tx, rx, ttl, output);
  }

  @Override
  public String toString() {
    return "ping " + target + ": " + received + "/" + transmitted + " received"
        + (ttl >= 0 ? ", ttl " + ttl : "");
  }
}
