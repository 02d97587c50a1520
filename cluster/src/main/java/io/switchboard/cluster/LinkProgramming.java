package io.switchboard.cluster;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What entering and leaving MASTER does for an {@link Election}: keeps the set of bridges this instance programs
 * (what {@code Election.isMaster} answers) and turns the link's programming on or off. Runs on the election thread.
 */
final class LinkProgramming implements BridgeRole.Programming {
  private static final Logger log = LoggerFactory.getLogger(Election.class); // operators grep the election's lines
  private final Set<Long> programming;

  LinkProgramming(Set<Long> programming) {
    this.programming = programming;
  }

  @Override
  public void start(BridgeRole b, long gen) {
    programming.add(b.dpid);
    try {
      b.link.program();
    } catch (RuntimeException e) {
      log.warn("switch {}: could not start programming: {}", b.dpidText, e.toString());
    }
  }

  @Override
  public void stop(BridgeRole b, String why) {
    programming.remove(b.dpid);
    log.info("switch {}: this instance stops programming it: {}", b.dpidText, why);
    try {
      b.link.unprogram();
    } catch (RuntimeException e) {
      log.debug("switch {}: could not stop programming (controller closing?): {}", b.dpidText, e.toString());
    }
  }
}
